"""Creating accounts (the full account management comes with the accounts issue)."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.security.sqla.models import Role as RoleRow
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.models import Account, Committee, Unit
from app.workflow.states import Role, UnitType


class AccountError(Exception):
    """A refused account operation; the message is shown to people as it is."""


def hash_password(password: str) -> str:
    config = current_app.config
    return generate_password_hash(
        password,
        method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )


def placeholder_email(username: str) -> str:
    """ab_user.email is NOT NULL UNIQUE; people here log in by ID number or user name only."""
    return f"{username.lower()}@accounts.invalid"


def role_row(session: Session, role: Role | str) -> RoleRow:
    name = role.value if isinstance(role, Role) else role
    row = session.scalars(select(RoleRow).where(RoleRow.name == name)).one_or_none()
    if row is None:
        raise AccountError(f"角色“{name}”不存在，请先运行数据库迁移")
    return row


def create_account(
    session: Session,
    *,
    username: str,
    name: str,
    password: str,
    role: Role,
    unit: Unit | None = None,
    committee: Committee | None = None,
    id_number: str | None = None,
    must_change_password: bool = True,
) -> Account:
    taken = select(Account.id).where(func.lower(Account.username) == username.lower())
    if session.scalars(taken).first() is not None:
        raise AccountError(f"账号“{username}”已存在")
    account = Account(
        username=username,
        first_name=name,
        last_name="",
        email=placeholder_email(username),
        password=hash_password(password),
        active=True,
        unit_id=unit.id if unit else None,
        committee_id=committee.id if committee else None,
        id_number=id_number,
        must_change_password=must_change_password,
        roles=[role_row(session, role)],
    )
    session.add(account)
    session.flush()
    return account


def create_province_admin(session: Session, *, username: str, name: str, password: str) -> Account:
    province = session.scalars(select(Unit).where(Unit.type == UnitType.PROVINCE)).first()
    return create_account(
        session,
        username=username,
        name=name,
        password=password,
        role=Role.PROVINCE_ADMIN,
        unit=province,
        must_change_password=False,
    )
