"""Unit publicity (单位公示), the working-day calendar overrides, and the notification outbox."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.dossier import Application
from app.models.types import enum_type, utcnow

publicity_application = Table(
    "unit_publicity_application",
    Model.metadata,
    Column("publicity_id", ForeignKey("unit_publicity.id", ondelete="CASCADE"), primary_key=True),
    Column("application_id", ForeignKey("application.id", ondelete="CASCADE"), primary_key=True),
)


class PublicityRecord:
    """A publicity (公示): its days, where it was posted, the objections and their handling."""

    #: first and last day of the publicity, Beijing dates, both included
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: where it was posted (公示栏、单位网站、评委会网站 ...)
    place: Mapped[str] = mapped_column(String(200))
    objections: Mapped[str] = mapped_column(Text, default="")
    handling: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class UnitPublicity(PublicityRecord, Model):
    """A unit's publicity of the dossiers it recommends, before reporting them upward."""

    __tablename__ = "unit_publicity"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ck_unit_publicity_dates"),
        Index("ix_unit_publicity_unit_batch", "unit_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))

    applications: Mapped[list[Application]] = relationship(secondary=publicity_application)


class WorkdayOverride(Model):
    """A day the province admin marks, once the State Council publishes a year's schedule."""

    __tablename__ = "workday_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    #: true: an adjusted working day (调休上班); false: a day off
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100), default="")


class MailState(str, enum.Enum):
    NONE = "无需发送"
    PENDING = "待发送"
    SENT = "已发送"
    FAILED = "发送失败"


class Notification(Model):
    """An in-app message, kept in an outbox so e-mail can be (re)sent when SMTP is up."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_recipient", "recipient_id", "read_at"),
        Index("ix_notification_mail", "mail_state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    mail_to: Mapped[str | None] = mapped_column(String(320))
    mail_state: Mapped[MailState] = mapped_column(
        enum_type(MailState, "ck_notification_mail_state"), default=MailState.NONE
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
