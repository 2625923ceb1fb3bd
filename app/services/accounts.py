"""Accounts: applicants (by their unit's 单位系统管理员), staff (by whoever may grant the role),
and passwords.

Every function here checks the rules itself (scope, role, ID number), changes rows, writes the
audit row and flushes; the view commits. Refusals raise ``AccountError`` with the Chinese text
to show.

Applicants' initial password is the last 8 characters of their ID number (manual §2). It is not
hashed into the row: the row holds ``INITIAL_PASSWORD_MARK`` and the password is derived from the
ID number when they log in. A hash would protect nothing (the ID number sits in the same row),
and skipping it lets a unit import a thousand applicants in one request instead of spending a
tenth of a second of scrypt on each.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import date

from flask import current_app
from flask_appbuilder.security.sqla.models import Role as RoleRow
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import Account, Application, Committee, MeetingExpert, ReviewMeeting, Unit
from app.roles import ROLE_PLACE, Place, grantable_roles, may_grant
from app.services import audit
from app.services.scopes import actor_for
from app.validators.identity import (
    IdNumberError,
    check_id_number,
    default_password,
    normalize_id_number,
)
from app.validators.passwords import check_new_password, password_error_message
from app.workflow.states import EDITABLE_STATUSES, ApplicationStatus, Role, UnitType
from app.workflow.voting import OPEN_MEETING_STATUSES

#: ab_user.password of an account whose password is still the ID-number default
INITIAL_PASSWORD_MARK = "!initial"

NAME_MAX = 50
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_STAFF_USERNAME = re.compile(r"[a-z][a-z0-9_.\-]{2,39}")

MSG_NO_SCOPE = "无权管理该账号"
MSG_CONFLICT = "保存失败：相同的账号刚刚被他人创建或修改，请刷新页面后重试"
MSG_DELETE_HAS_DRAFT = (
    "该申报人已有申报信息，不能删除账号。请先登录申报人账号，在基本信息填报处（上传本人照片的页面）"
    "左上角点击“一键删除申报信息”，提示删除成功后，再删除账号。"
)
MSG_DELETE_SUBMITTED = (
    "删除失败，申报人已提交审查。请登录单位经办人账号（如果经办人已经审查需要登录单位领导账号退回修改）"
    "在审查推荐中找到这个人点退回修改，退回到申报人可以修改的状态后，由申报人点击“一键删除申报信息”，"
    "再删除账号。"
)
MSG_DELETE_CLOSED = "该申报人的申报已进入评审或已办结（{status}），申报记录须保留，不能删除账号。"


class AccountError(Exception):
    """A refused account operation; the message is shown to people as it is."""


# -- helpers -------------------------------------------------------------------------------


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


def normalize_username(raw: str | None) -> str:
    """The stored form of a login name: an ID number with ASCII digits and upper-case X,
    anything else in lower case; whitespace dropped. Logins look names up exactly, by index."""
    text = "".join((raw or "").split())
    number = normalize_id_number(text)
    if _ID_SHAPE.fullmatch(number):
        return number
    return text.lower()


def clean_name(raw: str | None) -> str:
    name = (raw or "").strip()
    if not name:
        raise AccountError("请输入姓名")
    if len(name) > NAME_MAX:
        raise AccountError(f"姓名不能超过{NAME_MAX}个字")
    if any(not ch.isprintable() for ch in name):
        raise AccountError("姓名含有无法显示的字符")
    return name


def role_row(session: Session, role: Role | str) -> RoleRow:
    name = role.value if isinstance(role, Role) else role
    row = session.scalars(select(RoleRow).where(RoleRow.name == name)).one_or_none()
    if row is None:
        raise AccountError(f"角色“{name}”不存在，请先运行数据库迁移")
    return row


def rotate_session_token(account: Account) -> None:
    """Every session cookie issued before this stops working (the token is in the login id)."""
    account.session_token = secrets.token_urlsafe(32)


def role_of(account: Account) -> Role | None:
    for name in account.role_names:
        if name in Role._value2member_map_:
            return Role(name)
    return None


def username_taken(session: Session, username: str) -> bool:
    stmt = select(Account.id).where(Account.username == username)
    return session.scalars(stmt).first() is not None


def _id_number_taken(session: Session, number: str) -> bool:
    return (
        session.scalars(select(Account.id).where(Account.id_number == number)).first() is not None
    )


def _new_account(
    session: Session,
    *,
    username: str,
    name: str,
    password_hash: str,
    role: Role,
    unit: Unit | None,
    committee: Committee | None,
    id_number: str | None,
    must_change_password: bool,
) -> Account:
    if username_taken(session, username):
        raise AccountError(f"账号“{username}”已存在")
    account = Account(
        username=username,
        first_name=name,
        last_name="",
        email=placeholder_email(username),
        password=password_hash,
        active=True,
        unit_id=unit.id if unit else None,
        committee_id=committee.id if committee else None,
        id_number=id_number,
        must_change_password=must_change_password,
        fail_login_count=0,
        login_count=0,
        roles=[role_row(session, role)],
    )
    rotate_session_token(account)
    session.add(account)
    session.flush()
    return account


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
    """Create an account as given (seeding, the demo, the CLI): no scope rules, no audit."""
    return _new_account(
        session,
        username=normalize_username(username),
        name=name,
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        committee=committee,
        id_number=normalize_id_number(id_number) if id_number else None,
        must_change_password=must_change_password,
    )


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


# -- passwords -----------------------------------------------------------------------------


def initial_password(account: Account) -> str | None:
    """The manual's default password (last 8 of the ID number), for applicants."""
    return default_password(account.id_number) if account.id_number else None


def verify_password(account: Account, password: str | None) -> bool:
    if not password or not account.password:
        return False
    if account.password == INITIAL_PASSWORD_MARK:
        initial = initial_password(account)
        return initial is not None and hmac.compare_digest(
            password.upper().encode(), initial.encode()
        )
    return check_password_hash(account.password, password)


def _password_problems(account: Account, new: str, *, forced: bool) -> list[str]:
    problems = check_new_password(new, initial=initial_password(account), username=account.username)
    if not problems and verify_password(account, new):
        problems.append("新密码不能与初始密码相同" if forced else "新密码不能与原密码相同")
    return problems


def change_own_password(
    session: Session, account: Account, *, new: str, current: str | None = None
) -> None:
    """The person changes their password: the forced first change (修改初始密码) needs no
    current password (they just logged in with it), any later change does."""
    forced = bool(account.must_change_password)
    if not forced and not verify_password(account, current):
        raise AccountError("原密码错误")
    problems = _password_problems(account, new, forced=forced)
    if problems:
        raise AccountError(password_error_message(problems))
    account.password = hash_password(new)
    account.must_change_password = False
    rotate_session_token(account)
    audit.record(session, "password_changed", actor=account, target=account)
    session.flush()


def _clear_lock(account: Account) -> None:
    account.fail_login_count = 0
    account.locked_until = None


# -- scope -----------------------------------------------------------------------------------


def can_manage(by: Account, account: Account) -> bool:
    """Whether ``by`` may edit, reset, disable or delete ``account`` (never their own here)."""
    actor = actor_for(by)
    if actor is None or by.id == account.id:
        return False
    target = role_of(account)
    if target is None:
        return actor.role == Role.PROVINCE_ADMIN
    if target == Role.APPLICANT:
        if actor.role == Role.PROVINCE_ADMIN:
            return True
        return actor.role == Role.UNIT_ADMIN and account.unit_id == by.unit_id
    if not may_grant(actor.role, target):
        return False
    if actor.role == Role.UNIT_ADMIN:
        return account.unit_id == by.unit_id
    if actor.role == Role.COMMITTEE_SECRETARY:
        return account.committee_id is not None and account.committee_id == by.committee_id
    return True


def require_manage(by: Account, account: Account) -> None:
    if not can_manage(by, account):
        raise AccountError(MSG_NO_SCOPE)


# -- applicants ------------------------------------------------------------------------------


def create_applicant(
    session: Session, by: Account, *, unit: Unit, id_number: str, name: str, today: date
) -> Account:
    """One applicant account in ``unit`` keyed by a valid ID number (manual §2)."""
    actor = actor_for(by)
    if actor is None or actor.role not in (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN):
        raise AccountError("只有单位系统管理员可以创建申报人账号")
    if actor.role == Role.UNIT_ADMIN and unit.id != by.unit_id:
        raise AccountError(MSG_NO_SCOPE)
    if unit.type != UnitType.BASE:
        raise AccountError("申报人账号只能建在基层单位")
    try:
        number = check_id_number(id_number, today).number
    except IdNumberError as exc:
        raise AccountError(exc.message) from None
    name = clean_name(name)
    if username_taken(session, number) or _id_number_taken(session, number):
        raise AccountError(
            f"身份证号 {number} 已有账号。如是调入本单位的人员，请原单位系统管理员先删除其账号"
        )
    account = _new_account(
        session,
        username=number,
        name=name,
        password_hash=INITIAL_PASSWORD_MARK,
        role=Role.APPLICANT,
        unit=unit,
        committee=None,
        id_number=number,
        must_change_password=True,
    )
    audit.record(
        session, "account_created", actor=by, target=account, detail=f"申报人，{unit.name}"
    )
    return account


def rename(session: Session, by: Account, account: Account, name: str) -> None:
    require_manage(by, account)
    name = clean_name(name)
    if name == account.first_name and not account.last_name:
        return
    detail = f"姓名：{account.name} → {name}"
    account.first_name, account.last_name = name, ""
    audit.record(session, "account_updated", actor=by, target=account, detail=detail)
    session.flush()


def reset_to_default(session: Session, by: Account, account: Account) -> None:
    """An applicant's password back to the last 8 of the ID number, to be changed again."""
    require_manage(by, account)
    if not account.id_number:
        raise AccountError("只有申报人账号可以重置为默认密码")
    account.password = INITIAL_PASSWORD_MARK
    account.must_change_password = True
    _clear_lock(account)
    rotate_session_token(account)
    audit.record(session, "password_reset", actor=by, target=account, detail="重置为默认密码")
    session.flush()


def deletion_refusal(statuses: Iterable[ApplicationStatus]) -> str | None:
    """Why an applicant with these applications may not be deleted (manual §4), or None."""
    statuses = list(statuses)
    if not statuses:
        return None
    if ApplicationStatus.UNDER_REVIEW in statuses:
        return MSG_DELETE_SUBMITTED
    if any(status in EDITABLE_STATUSES for status in statuses):
        return MSG_DELETE_HAS_DRAFT
    return MSG_DELETE_CLOSED.format(status="、".join(sorted({s.value for s in statuses})))


def delete_applicant(session: Session, by: Account, account: Account) -> None:
    require_manage(by, account)
    if role_of(account) != Role.APPLICANT:
        raise AccountError("这里只能删除申报人账号")
    statuses = session.scalars(
        select(Application.status).where(Application.applicant_id == account.id)
    ).all()
    refusal = deletion_refusal(statuses)
    if refusal:
        raise AccountError(refusal)
    audit.record(session, "account_deleted", actor=by, target=account)
    session.delete(account)
    session.flush()


# -- staff -----------------------------------------------------------------------------------


def check_staff_username(raw: str | None) -> str:
    username = "".join((raw or "").split()).lower()
    if not _STAFF_USERNAME.fullmatch(username):
        raise AccountError("用户名须为3-40位，以字母开头，只含小写字母、数字、下划线、点或连字符")
    return username


def _check_place(role: Role, unit: Unit | None, committee: Committee | None) -> None:
    place = ROLE_PLACE[role]
    wanted = {
        Place.PROVINCE: UnitType.PROVINCE,
        Place.DEPARTMENT: UnitType.DEPARTMENT,
        Place.BASE_UNIT: UnitType.BASE,
    }.get(place)
    if place == Place.COMMITTEE:
        if committee is None:
            raise AccountError(f"{role.value}须选择所属评委会")
        return
    if unit is None or unit.type != wanted:
        raise AccountError(f"{role.value}须属于一个{wanted.value}单位")
    if committee is not None:
        raise AccountError(f"{role.value}不属于评委会")


def unit_by_code(session: Session, raw: str | None) -> Unit | None:
    """The unit a form names by its 单位代码; None when left empty."""
    code = (raw or "").strip()
    if not code:
        return None
    unit = session.scalars(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise AccountError(f"单位代码“{code}”不存在")
    return unit


def create_staff(
    session: Session,
    by: Account,
    *,
    username: str,
    name: str,
    role: Role,
    password: str,
    unit: Unit | None = None,
    committee: Committee | None = None,
) -> Account:
    """A staff account of a role ``by`` may grant, tied to the place its role needs."""
    actor = actor_for(by)
    if actor is None or not may_grant(actor.role, role):
        raise AccountError(f"无权创建“{role.value}”账号")
    if actor.role == Role.UNIT_ADMIN and (unit is None or unit.id != by.unit_id):
        raise AccountError(MSG_NO_SCOPE)
    if actor.role == Role.COMMITTEE_SECRETARY and (
        committee is None or committee.id != by.committee_id
    ):
        raise AccountError(MSG_NO_SCOPE)
    username = check_staff_username(username)
    name = clean_name(name)
    _check_place(role, unit, committee)
    problems = check_new_password(password, username=username)
    if problems:
        raise AccountError(password_error_message(problems))
    account = _new_account(
        session,
        username=username,
        name=name,
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        committee=committee,
        id_number=None,
        must_change_password=True,
    )
    place = committee.name if committee is not None else unit.name
    audit.record(
        session, "account_created", actor=by, target=account, detail=f"{role.value}，{place}"
    )
    return account


MSG_SITTING = "该专家已被抽取参加尚未结束的评审会议，会议结束前不能修改其工作单位、停用或重置密码"


def sitting_in_open_meeting(session: Session, account: Account) -> bool:
    """Drawn for a meeting not yet closed: the unit decides 回避 and the account casts votes."""
    stmt = (
        select(MeetingExpert.meeting_id)
        .join(ReviewMeeting, ReviewMeeting.id == MeetingExpert.meeting_id)
        .where(
            MeetingExpert.expert_id == account.id,
            ReviewMeeting.status.in_(OPEN_MEETING_STATUSES),
        )
        .limit(1)
    )
    return session.scalar(stmt) is not None


def _check_not_sitting(session: Session, account: Account) -> None:
    if sitting_in_open_meeting(session, account):
        raise AccountError(MSG_SITTING)


def move_staff(
    session: Session, by: Account, account: Account, unit: Unit | None, committee: Committee | None
) -> None:
    """Tie a staff account to another unit or committee: the province admin any, a committee
    secretary only the work unit of their own committee's experts (for 回避)."""
    require_manage(by, account)
    actor = actor_for(by)
    role = role_of(account)
    if actor.role == Role.COMMITTEE_SECRETARY:
        if committee is None or committee.id != by.committee_id:
            raise AccountError(MSG_NO_SCOPE)
    elif actor.role != Role.PROVINCE_ADMIN or role in (None, Role.APPLICANT):
        raise AccountError("只有省职改办管理员可以调整工作人员的单位或评委会")
    _check_place(role, unit, committee)
    if (account.unit_id, account.committee_id) == (
        unit.id if unit else None,
        committee.id if committee else None,
    ):
        return
    _check_not_sitting(session, account)
    before = account.unit.name if account.unit else "无"
    account.unit_id = unit.id if unit else None
    account.committee_id = committee.id if committee else None
    place = committee.name if committee is not None else unit.name
    if committee is not None:
        place += f"，工作单位：{before} → {unit.name if unit else '无'}"
    audit.record(session, "account_updated", actor=by, target=account, detail=f"调整到：{place}")
    session.flush()
    session.refresh(account)


def set_staff_password(session: Session, by: Account, account: Account, password: str) -> None:
    """A new initial password for a staff account, to be changed at the next login; a
    secretary may not reset an expert sitting in an open meeting (the account casts votes)."""
    require_manage(by, account)
    if role_of(by) == Role.COMMITTEE_SECRETARY:
        _check_not_sitting(session, account)
    if account.id_number:
        raise AccountError("申报人账号请重置为默认密码")
    problems = check_new_password(password, username=account.username)
    if problems:
        raise AccountError(password_error_message(problems))
    account.password = hash_password(password)
    account.must_change_password = True
    _clear_lock(account)
    rotate_session_token(account)
    audit.record(session, "password_reset", actor=by, target=account)
    session.flush()


def set_active(session: Session, by: Account, account: Account, active: bool) -> None:
    require_manage(by, account)
    if bool(account.active) == active:
        return
    if not active:
        _check_not_sitting(session, account)
    account.active = active
    if not active:
        rotate_session_token(account)
    event = "account_enabled" if active else "account_disabled"
    audit.record(session, event, actor=by, target=account)
    session.flush()


def unlock(session: Session, by: Account, account: Account) -> None:
    require_manage(by, account)
    _clear_lock(account)
    audit.record(session, "account_unlocked", actor=by, target=account)
    session.flush()


def committee_experts(committee_id: int):
    """专家库: every expert of the committee, active or not."""
    return (
        select(Account)
        .where(
            Account.committee_id == committee_id,
            Account.roles.any(RoleRow.name == Role.EXPERT.value),
        )
        .options(selectinload(Account.unit))
        .order_by(Account.id)
    )


def update_expert(
    session: Session, by: Account, account: Account, *, name: str, unit_code: str | None
) -> None:
    """专家库's edit: the name, and the work unit that decides 回避 (not while sitting)."""
    rename(session, by, account, name)
    committee = session.get(Committee, account.committee_id) if account.committee_id else None
    move_staff(session, by, account, unit_by_code(session, unit_code), committee)


def grantable_for(by: Account) -> tuple[Role, ...]:
    actor = actor_for(by)
    return grantable_roles(actor.role) if actor is not None else ()
