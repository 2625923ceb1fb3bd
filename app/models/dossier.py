"""The application (申报) and its append-only history."""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.catalog import (
    DeclarationModeItem,
    Qualification,
    Series,
    Specialty,
    ValidityScope,
)
from app.models.committee import Batch, Committee
from app.models.org import Account, Unit
from app.models.types import enum_type, utcnow
from app.workflow.states import Action, ApplicationStatus, DeclarationMode, ReviewStage, Role

_STATUS = enum_type(ApplicationStatus, "ck_application_status")
_STAGE = enum_type(ReviewStage, "ck_application_stage")


class Application(Model):
    """One applicant's application in one batch; base info is fixed once created."""

    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("applicant_id", "batch_id", name="uq_application_applicant_batch"),
        CheckConstraint(
            "(status = 'UNDER_REVIEW' AND stage IS NOT NULL)"
            " OR (status <> 'UNDER_REVIEW' AND stage IS NULL)",
            name="ck_application_stage_only_under_review",
        ),
        CheckConstraint(
            "status <> 'RETURNED' OR return_reason IS NOT NULL",
            name="ck_application_returned_has_reason",
        ),
        Index("ix_application_unit_status", "unit_id", "status", "stage"),
        Index("ix_application_department_status", "department_id", "status", "stage"),
        Index("ix_application_committee_status", "committee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    mode_id: Mapped[int] = mapped_column(ForeignKey("declaration_mode.id"))
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualification.id"))
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialty.id"))
    scope_id: Mapped[int] = mapped_column(ForeignKey("validity_scope.id"))
    #: 预分配评委会, chosen at 进入申报
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    #: copied from the applicant's account at 进入申报: the scope of unit staff
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    status: Mapped[ApplicationStatus] = mapped_column(_STATUS, default=ApplicationStatus.DRAFTING)
    stage: Mapped[ReviewStage | None] = mapped_column(_STAGE)
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: sections marked done with 完成填报下一步, as bits 1 << Section
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    #: the second choice 评委会考核认定 made in 个人信息 (manual §3, after 图13)
    committee_assessment: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 小结
    summary: Mapped[str] = mapped_column(Text, default="")
    #: optimistic lock: of two people acting at once on one dossier exactly one wins
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    applicant: Mapped[Account] = relationship(foreign_keys=[applicant_id])
    batch: Mapped[Batch] = relationship()
    mode_item: Mapped[DeclarationModeItem] = relationship()
    series: Mapped[Series] = relationship()
    qualification: Mapped[Qualification] = relationship()
    specialty: Mapped[Specialty] = relationship()
    scope: Mapped[ValidityScope] = relationship()
    committee: Mapped[Committee] = relationship()
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    department: Mapped[Unit | None] = relationship(foreign_keys=[department_id])
    history: Mapped[list[ApplicationHistory]] = relationship(
        back_populates="application",
        order_by="ApplicationHistory.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def mode(self) -> DeclarationMode:
        """The workflow's reading of 申报方式: 破格 and 转系列 are reviewed as 正常申报."""
        return DeclarationMode.from_code(self.mode_item.code)

    @property
    def status_label(self) -> str:
        if self.status == ApplicationStatus.UNDER_REVIEW and self.stage is not None:
            return f"{self.status.value}（{self.stage.value}）"
        return self.status.value


class ApplicationHistory(Model):
    """One row per transition; rows are never changed (guarded below and in the database)."""

    __tablename__ = "application_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[Action] = mapped_column(enum_type(Action, "ck_history_action"))
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        enum_type(ApplicationStatus, "ck_history_from_status")
    )
    from_stage: Mapped[ReviewStage | None] = mapped_column(
        enum_type(ReviewStage, "ck_history_from_stage")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, "ck_history_to_status")
    )
    to_stage: Mapped[ReviewStage | None] = mapped_column(
        enum_type(ReviewStage, "ck_history_to_stage")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    actor_role: Mapped[Role] = mapped_column(enum_type(Role, "ck_history_actor_role"))
    #: kept as text so the timeline survives the account's deletion
    actor_name: Mapped[str] = mapped_column(String(128), default="")
    reason: Mapped[str | None] = mapped_column(Text)
    #: sections a return concerns, joined by 、
    sections: Mapped[str | None] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="history")


@event.listens_for(ApplicationHistory, "before_update")
def _history_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("application_history rows are append-only")
