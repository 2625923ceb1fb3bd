"""Dictionaries (DESIGN §2): loaded from app/data by `flask catalog load`."""

from __future__ import annotations

import enum

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.types import enum_type
from app.workflow.states import Grade


class DeclarationModeItem(Model):
    """申报方式."""

    __tablename__ = "declaration_mode"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name


class ValidityScope(Model):
    """有效范围."""

    __tablename__ = "validity_scope"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name


class Series(Model):
    """申报系列."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    #: 师德 or 医德医风: the extra yearly 考核 row this series asks for
    ethics_check: Mapped[str | None] = mapped_column(String(16))
    #: an industry entry permit exists, so 从业资格证 is required
    needs_license: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 考评结合: a 考试合格证 is required
    needs_exam: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    levels: Mapped[list[Qualification]] = relationship(
        back_populates="series", order_by="Qualification.sort"
    )

    def __repr__(self) -> str:
        return self.name


class Qualification(Model):
    """申报资格: a level name of a series, with its grade."""

    __tablename__ = "qualification"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    grade: Mapped[Grade] = mapped_column(enum_type(Grade, "ck_qualification_grade"))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    series: Mapped[Series] = relationship(back_populates="levels")

    def __repr__(self) -> str:
        return self.name


class Specialty(Model):
    """申报专业: a node of a series' three-level tree (工学》建设工程》土木工程)."""

    __tablename__ = "specialty"
    __table_args__ = (
        UniqueConstraint("series_id", "path", name="uq_specialty_series_path"),
        CheckConstraint("depth BETWEEN 1 AND 3", name="ck_specialty_depth"),
        CheckConstraint("(depth = 1) = (parent_id IS NULL)", name="ck_specialty_root"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("specialty.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: names from the root joined by 》, unique within the series
    path: Mapped[str] = mapped_column(String(400))
    depth: Mapped[int] = mapped_column(Integer)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Specialty | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return self.path


class OptionKind(str, enum.Enum):
    EXPERIENCE = "专业技术工作经历类别"
    ACHIEVEMENT = "其他业绩类型"
    MATERIAL = "相关材料类型"


class SeriesOption(Model):
    """A per-series choice list entry: experience category, 其他业绩 type or 相关材料 type."""

    __tablename__ = "series_option"
    __table_args__ = (UniqueConstraint("series_id", "kind", "name", name="uq_series_option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    kind: Mapped[OptionKind] = mapped_column(enum_type(OptionKind, "ck_series_option_kind"))
    name: Mapped[str] = mapped_column(String(200))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name
