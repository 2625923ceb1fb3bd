"""Platform export files for the 继续教育 import tests (built in memory, never committed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import count

from openpyxl import Workbook
from sqlalchemy import func, select

from app.models import ContinuingEducationRecord
from app.validators.identity import complete_id_number

HEADER = ("身份证号", "年度", "公需科目学时", "专业科目学时")


_serial = count(1)
_FIRST_BIRTH = date(1970, 1, 1)


def person() -> str:
    """A fresh valid resident ID number (unique across a run: birth day and serial vary)."""
    n = next(_serial)
    birth = _FIRST_BIRTH + timedelta(days=n // 900)
    return complete_id_number(f"620102{birth:%Y%m%d}{100 + n % 900:03d}")


def csv_file(rows: Sequence[Sequence[object]], header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(rows: Sequence[Sequence[object]], header=HEADER, title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def record_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ContinuingEducationRecord))


def records(session) -> dict[tuple[str, int], tuple[str, str]]:
    """(身份证号, 年度) → (公需, 专业) as text, for comparisons."""
    session.expire_all()
    rows = session.scalars(select(ContinuingEducationRecord))
    return {
        (r.id_number, r.year): (f"{r.public_hours:f}", f"{r.professional_hours:f}") for r in rows
    }
