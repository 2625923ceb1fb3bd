"""Database pagination: a count and one page of rows, whatever the table size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PER_PAGE = 20
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def parse_page(raw: str | None) -> int:
    """A page number from the query string; anything odd means page 1."""
    try:
        page = int(raw or 1)
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def paginate(session: Session, stmt: Select, page: int, per_page: int = PER_PAGE) -> Page:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    items = [row[0] if len(row) == 1 else row for row in rows]
    return Page(items=items, total=total or 0, page=page, per_page=per_page)
