"""The organisation tree and the people's accounts."""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.types import enum_type
from app.workflow.states import UnitType


class Unit(Model):
    """A node of 省 → 主管部门 → 基层单位."""

    __tablename__ = "org_unit"
    __table_args__ = (
        CheckConstraint(
            "(type = 'PROVINCE') = (parent_id IS NULL)", name="ck_org_unit_root_is_province"
        ),
        Index("ix_org_unit_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[UnitType] = mapped_column(enum_type(UnitType, "ck_org_unit_type"))
    #: 行政区划, e.g. 兰州市城关区
    region: Mapped[str] = mapped_column(String(100), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="joined", join_depth=2)

    @property
    def department(self) -> Unit | None:
        """The 主管部门 above a base unit, when it has one."""
        if self.parent is not None and self.parent.type == UnitType.DEPARTMENT:
            return self.parent
        return None

    @property
    def path_ids(self) -> tuple[int, ...]:
        """Unit ids from the province down to this unit."""
        ids: list[int] = []
        node: Unit | None = self
        while node is not None:
            ids.append(node.id)
            node = node.parent
        return tuple(reversed(ids))

    def __repr__(self) -> str:
        return self.name


class Account(User):
    """A FAB user with what this system needs to know about the person."""

    __tablename__ = "ab_user"
    __table_args__ = {"extend_existing": True}

    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"), index=True)
    #: 18-digit resident ID number, set for applicants (their login name too)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    #: rotated on logout and password change, so older session cookies stop working
    session_token: Mapped[str | None] = mapped_column(String(64))

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id], lazy="joined")

    @property
    def name(self) -> str:
        return f"{self.first_name}{self.last_name}"

    def get_full_name(self) -> str:
        return self.name

    def get_id(self) -> str:
        """Flask-Login's id: row id and session token, so rotating the token ends old sessions."""
        return f"{self.id}:{self.session_token or ''}"

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}
