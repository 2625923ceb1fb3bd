"""Column helpers shared by the model modules."""

from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import Enum as SAEnum


def enum_type(enum_cls: type[Enum], name: str) -> SAEnum:
    """A portable enum: VARCHAR of the member names plus a named CHECK constraint."""
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
    )


def utcnow() -> datetime:
    """Naive UTC: every DateTime column holds UTC; pages convert to Beijing time."""
    return datetime.now(UTC).replace(tzinfo=None)
