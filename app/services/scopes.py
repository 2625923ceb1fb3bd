"""Who may see which rows: the SQL side of the workflow's can_view predicate.

Every list, page and download builds its query from these functions, so a row outside the
actor's scope can never reach a page.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Account,
    Application,
    MeetingApplication,
    MeetingBallot,
    MeetingExpert,
    ReviewMeeting,
    Unit,
)
from app.workflow.actors import Actor
from app.workflow.states import STAGE_HOLDER, ApplicationStatus, ReviewStage, Role, UnitType
from app.workflow.voting import OPEN_MEETING_STATUSES

_UNIT_ROLES = {Role.UNIT_ADMIN, Role.UNIT_HANDLER, Role.UNIT_LEADER}
_DEPT_ROLES = {Role.DEPT_HANDLER, Role.DEPT_LEADER}
_COMMITTEE_STATUSES = (
    ApplicationStatus.EVALUATING,
    ApplicationStatus.PUBLICITY,
    ApplicationStatus.CERTIFIED,
    ApplicationStatus.FAILED,
    ApplicationStatus.NOT_ACCEPTED,
)


def actor_for(account: Account) -> Actor | None:
    """The workflow's view of a logged-in account; None when it has no known role."""
    roles = [Role(name) for name in account.role_names if name in Role._value2member_map_]
    if not roles:
        return None
    role = roles[0]
    unit = account.unit
    department_id = unit.id if unit is not None and unit.type == UnitType.DEPARTMENT else None
    return Actor(
        user_id=account.id,
        role=role,
        unit_id=account.unit_id if department_id is None else None,
        department_id=department_id,
        committee_id=account.committee_id,
    )


def _with_base_info(stmt: Select) -> Select:
    return stmt.options(
        selectinload(Application.applicant),
        selectinload(Application.qualification),
        selectinload(Application.mode_item),
        selectinload(Application.scope),
        selectinload(Application.series),
        selectinload(Application.specialty),
        selectinload(Application.committee),
        selectinload(Application.unit),
    )


def visible_applications(actor: Actor) -> Select:
    """Applications the actor may open, newest first."""
    stmt = select(Application).where(scope_condition(actor)).order_by(Application.id.desc())
    return _with_base_info(stmt)


def scope_condition(actor: Actor) -> ColumnElement[bool]:
    """The SQL side of ``permissions.can_view``: which application rows the actor may see."""
    role = actor.role
    # a draft is the applicant's own until 提交审核
    submitted = Application.status != ApplicationStatus.DRAFTING
    if role == Role.PROVINCE_ADMIN:
        return true()
    if role == Role.APPLICANT:
        return Application.applicant_id == actor.user_id
    if role in _UNIT_ROLES:
        return (Application.unit_id == actor.unit_id) & submitted
    if role in _DEPT_ROLES:
        return (Application.department_id == actor.department_id) & submitted
    if role == Role.COMMITTEE_SECRETARY:
        return (Application.committee_id == actor.committee_id) & (
            (Application.stage == ReviewStage.COMMITTEE_INTAKE)
            | Application.status.in_(_COMMITTEE_STATUSES)
        )
    if role == Role.EXPERT:
        return expert_condition(actor)
    return false()


def expert_condition(actor: Actor) -> ColumnElement[bool]:
    """评审中 dossiers routed to an open meeting the expert is drawn for, unless recused.

    Recused: the expert's unit is the applicant's unit or its 主管部门, or the expert declared a
    conflict with the dossier in that meeting (workflow.voting.is_recused).
    """
    declared = exists().where(
        MeetingBallot.meeting_id == MeetingApplication.meeting_id,
        MeetingBallot.application_id == MeetingApplication.application_id,
        MeetingBallot.expert_id == actor.user_id,
        MeetingBallot.recused.is_(True),
    )
    routed = (
        select(MeetingApplication.application_id)
        .join(ReviewMeeting, ReviewMeeting.id == MeetingApplication.meeting_id)
        .join(MeetingExpert, MeetingExpert.meeting_id == ReviewMeeting.id)
        .where(
            MeetingExpert.expert_id == actor.user_id,
            ReviewMeeting.status.in_(OPEN_MEETING_STATUSES),
            ~declared,
        )
    )
    condition = and_(Application.status == ApplicationStatus.EVALUATING, Application.id.in_(routed))
    own_unit = actor.unit_id or actor.department_id
    if own_unit is not None:
        # department_id is NULL for units without 主管部门: keep NOT(...) away from NULL
        in_department = and_(
            Application.department_id.is_not(None), Application.department_id == own_unit
        )
        same_unit = or_(Application.unit_id == own_unit, in_department)
        condition = and_(condition, ~same_unit)
    return condition


def review_queue(actor: Actor) -> Select:
    """审查推荐: dossiers whose current stage this actor holds, in the actor's scope."""
    stages = [stage for stage, holder in STAGE_HOLDER.items() if holder == actor.role]
    if not stages:
        return _with_base_info(select(Application).where(false()))
    stmt = visible_applications(actor).where(
        Application.status == ApplicationStatus.UNDER_REVIEW, Application.stage.in_(stages)
    )
    return stmt.order_by(None).order_by(Application.submitted_at, Application.id)


def unit_applicant_accounts(unit_id: int) -> Select:
    """Applicant accounts of one base unit, for its 单位系统管理员."""
    applicant = Role.APPLICANT.value
    return (
        select(Account)
        .where(Account.unit_id == unit_id, Account.roles.any(name=applicant))
        .order_by(Account.id)
    )


def applications_by_applicant(session: Session, applicant_ids: list[int]) -> dict[int, Application]:
    """The newest application of each listed applicant, in one query."""
    if not applicant_ids:
        return {}
    rows = session.scalars(
        select(Application)
        .where(Application.applicant_id.in_(applicant_ids))
        .order_by(Application.id)
    )
    return {row.applicant_id: row for row in rows}


def department_units(department_id: int) -> Select:
    return select(Unit).where(Unit.parent_id == department_id).order_by(Unit.id)
