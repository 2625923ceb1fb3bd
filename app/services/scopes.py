"""Who may see which rows: the SQL side of the workflow's can_view predicate.

Every list, page and download builds its query from these functions, so a row outside the
actor's scope can never reach a page.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, selectinload

from app.models import Account, Application, Unit
from app.workflow.actors import Actor
from app.workflow.states import STAGE_HOLDER, ApplicationStatus, ReviewStage, Role, UnitType

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
    stmt = select(Application).order_by(Application.id.desc())
    role = actor.role
    # a draft is the applicant's own until 提交审核
    submitted = Application.status != ApplicationStatus.DRAFTING
    if role == Role.PROVINCE_ADMIN:
        condition = None
    elif role == Role.APPLICANT:
        condition = Application.applicant_id == actor.user_id
    elif role in _UNIT_ROLES:
        condition = (Application.unit_id == actor.unit_id) & submitted
    elif role in _DEPT_ROLES:
        condition = (Application.department_id == actor.department_id) & submitted
    elif role == Role.COMMITTEE_SECRETARY:
        condition = (Application.committee_id == actor.committee_id) & (
            (Application.stage == ReviewStage.COMMITTEE_INTAKE)
            | Application.status.in_(_COMMITTEE_STATUSES)
        )
    else:
        condition = false()
    return _with_base_info(stmt if condition is None else stmt.where(condition))


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
