"""The one clock of the application: settable in tests (FIXED_NOW), never in production."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    fixed = current_app.config.get("FIXED_NOW")
    if fixed is not None:
        return fixed
    return datetime.now(UTC)


def to_naive_utc(moment: datetime) -> datetime:
    """The form stored in DateTime columns."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_naive_utc(stored: datetime) -> datetime:
    return stored.replace(tzinfo=UTC)


def to_beijing(stored: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a stored (naive UTC) time as Beijing time for pages."""
    if stored is None:
        return ""
    if stored.tzinfo is None:
        stored = from_naive_utc(stored)
    return stored.astimezone(BEIJING).strftime(fmt)
