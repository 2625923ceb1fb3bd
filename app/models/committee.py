"""Review committees (评委会) and yearly batches (年度批次): DESIGN §3."""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.catalog import Qualification, Series, Specialty, ValidityScope
from app.models.org import Unit


def _link_table(name: str, target: str) -> Table:
    return Table(
        name,
        Model.metadata,
        Column("committee_id", ForeignKey("committee.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True),
    )


committee_series = _link_table("committee_series", "series")
committee_qualification = _link_table("committee_qualification", "qualification")
committee_specialty = _link_table("committee_specialty", "specialty")
committee_scope = _link_table("committee_scope", "validity_scope")


class Committee(Model):
    """A committee and what it accepts; an empty list in a dimension means 'any'."""

    __tablename__ = "committee"
    __table_args__ = (
        CheckConstraint("paper_min >= 0 AND paper_max >= paper_min", name="ck_committee_papers"),
        CheckConstraint(
            "quorum_numerator > 0 AND quorum_denominator >= quorum_numerator"
            " AND pass_numerator > 0 AND pass_denominator >= pass_numerator",
            name="ck_committee_vote_ratios",
        ),
        CheckConstraint("result_publicity_days >= 1", name="ck_committee_result_publicity_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    #: the part of the organisation tree it serves; NULL means the whole province
    org_root_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    paper_min: Mapped[int] = mapped_column(Integer, default=3)
    paper_max: Mapped[int] = mapped_column(Integer, default=5)
    #: a vote counts when attendance ≥ quorum (2/3) and passes with 同意 ≥ pass (2/3) of those present
    quorum_numerator: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    quorum_denominator: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    pass_numerator: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    pass_denominator: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    #: 评审结果公示 before 发证, in working days (人社部令第40号, secondary)
    result_publicity_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")

    organiser: Mapped[Unit] = relationship(foreign_keys=[organiser_id])
    org_root: Mapped[Unit | None] = relationship(foreign_keys=[org_root_id])
    series: Mapped[list[Series]] = relationship(secondary=committee_series)
    qualifications: Mapped[list[Qualification]] = relationship(secondary=committee_qualification)
    specialties: Mapped[list[Specialty]] = relationship(secondary=committee_specialty)
    scopes: Mapped[list[ValidityScope]] = relationship(secondary=committee_scope)

    def __repr__(self) -> str:
        return self.name


class Batch(Model):
    """A yearly batch: the window in which people apply, and the later deadlines."""

    __tablename__ = "batch"
    __table_args__ = (
        CheckConstraint("opens_at < personal_deadline", name="ck_batch_window"),
        CheckConstraint(
            "summary_min > 0 AND summary_max >= summary_min", name="ck_batch_summary_range"
        ),
        CheckConstraint("unit_publicity_days >= 1", name="ck_batch_publicity_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    #: all times are UTC; pages show them in Beijing time
    opens_at: Mapped[datetime] = mapped_column(DateTime)
    personal_deadline: Mapped[datetime] = mapped_column(DateTime)
    unit_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    department_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    committee_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    summary_min: Mapped[int] = mapped_column(Integer, default=550)
    summary_max: Mapped[int] = mapped_column(Integer, default=600)
    unit_publicity_days: Mapped[int] = mapped_column(Integer, default=5)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)

    overrides: Mapped[list[BatchCommitteeOverride]] = relationship(back_populates="batch")

    def __repr__(self) -> str:
        return self.name


class BatchCommitteeOverride(Model):
    """Per-committee deadlines inside a batch, where a committee keeps its own calendar."""

    __tablename__ = "batch_committee_override"
    __table_args__ = (UniqueConstraint("batch_id", "committee_id", name="uq_batch_committee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"))
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    personal_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    unit_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    department_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    committee_deadline: Mapped[datetime | None] = mapped_column(DateTime)

    batch: Mapped[Batch] = relationship(back_populates="overrides")
    committee: Mapped[Committee] = relationship()
