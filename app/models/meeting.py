"""Review meetings (评审会议): drawn experts, routed dossiers and secret ballots."""

from __future__ import annotations

from datetime import date, datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.committee import Batch, Committee
from app.models.dossier import Application
from app.models.org import Account
from app.models.types import enum_type, utcnow
from app.workflow.states import MeetingStatus, VoteOutcome


class ReviewMeeting(Model):
    __tablename__ = "review_meeting"
    __table_args__ = (
        CheckConstraint("size >= 1 AND size % 2 = 1", name="ck_review_meeting_odd_size"),
        Index("ix_review_meeting_committee", "committee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    name: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    #: how many experts are drawn: an odd number (DESIGN §6)
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus, "ck_review_meeting_status"), default=MeetingStatus.PREPARING
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    voting_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    committee: Mapped[Committee] = relationship()
    batch: Mapped[Batch | None] = relationship()
    experts: Mapped[list[MeetingExpert]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingExpert.expert_id"
    )
    dossiers: Mapped[list[MeetingApplication]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingApplication.id"
    )


class MeetingExpert(Model):
    """An expert drawn for a meeting; ``attended`` is recorded when voting starts."""

    __tablename__ = "meeting_expert"
    __table_args__ = (Index("ix_meeting_expert_expert", "expert_id"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("review_meeting.id", ondelete="CASCADE"), primary_key=True
    )
    expert_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), primary_key=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="experts")
    expert: Mapped[Account] = relationship()


class MeetingApplication(Model):
    """A dossier routed to a meeting, with its anonymous vote counts and, once closed, the result.

    The counts are the only record of how anyone voted: ballots say who voted, never how.
    """

    __tablename__ = "meeting_application"
    __table_args__ = (
        UniqueConstraint("meeting_id", "application_id", name="uq_meeting_application"),
        CheckConstraint(
            "agree >= 0 AND disagree >= 0 AND abstain >= 0", name="ck_meeting_application_votes"
        ),
        Index("ix_meeting_application_application", "application_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    agree: Mapped[int] = mapped_column(Integer, default=0)
    disagree: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[VoteOutcome | None] = mapped_column(
        enum_type(VoteOutcome, "ck_meeting_application_outcome")
    )
    #: 应到/实到/票数, written when the meeting closes
    tally_text: Mapped[str | None] = mapped_column(String(200))
    #: 应到 and 实到 for this dossier (recused experts left out), fixed when the meeting closes:
    #: later changes to an expert's unit do not rewrite the record
    members: Mapped[int | None] = mapped_column(Integer)
    attending: Mapped[int | None] = mapped_column(Integer)

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="dossiers")
    application: Mapped[Application] = relationship()


class MeetingBallot(Model):
    """That an expert voted on (or declared a conflict with) a dossier, and when; never how."""

    __tablename__ = "meeting_ballot"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("review_meeting.id", ondelete="CASCADE"), primary_key=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    )
    expert_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), primary_key=True)
    #: a declared conflict (申请回避) instead of a vote
    recused: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
