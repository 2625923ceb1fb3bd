"""The website's 通知公告 and 职称政策 (manual §1.3: the files to read before applying)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.types import enum_type, utcnow


class NoticeColumn(enum.Enum):
    """The two columns of the website's home page."""

    ANNOUNCEMENT = "通知公告"
    POLICY = "职称政策"

    def __str__(self) -> str:
        return self.value


class Notice(Model):
    """One article; the public sees it once it is published."""

    __tablename__ = "notice"
    __table_args__ = (
        CheckConstraint(
            "NOT is_published OR published_at IS NOT NULL", name="ck_notice_published_at"
        ),
        Index("ix_notice_listing", "category", "is_published", "pinned", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[NoticeColumn] = mapped_column(enum_type(NoticeColumn, "notice_column"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: 置顶: listed before the others of its column
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    #: set when first published (UTC); the date the public sees
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    files: Mapped[list[NoticeFile]] = relationship(
        back_populates="notice",
        order_by="NoticeFile.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return self.title


class NoticeFile(Model):
    """A file attached to a notice (the policy document itself, forms to fill in...)."""

    __tablename__ = "notice_file"
    __table_args__ = (
        Index("ix_notice_file_notice_position", "notice_id", "position"),
        Index("ix_notice_file_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    has_javascript: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="files")
