"""Permission predicates ``can_<verb>(app, actor) -> bool``: the one place the matrix lives.

Views, FAB filters, templates and the transitions all call these. Each action predicate is
"the state admits the action" (``state_admits``), "the actor has the role it needs now"
(``required_role``) and "the dossier is in the actor's scope" (``in_scope``); transitions use
the same pieces to tell InvalidState from NotAllowed in their messages.

``app`` is duck-typed: ``status``, ``stage``, ``applicant_id``, ``unit_id``, ``department_id``
(None when the unit has no 主管部门) and ``committee_id``.
"""

from typing import Any

from app.workflow.actors import Actor
from app.workflow.states import (
    EDITABLE_STATUSES,
    STAGE_HOLDER,
    Action,
    ApplicationStatus,
    ReviewStage,
    Role,
)

UNIT_ROLES = frozenset({Role.UNIT_ADMIN, Role.UNIT_HANDLER, Role.UNIT_LEADER})
DEPT_ROLES = frozenset({Role.DEPT_HANDLER, Role.DEPT_LEADER})
#: stages at which 审核通过 passes the dossier on (评委会受理 uses 受理 / 不予受理 instead)
APPROVABLE_STAGES = frozenset(STAGE_HOLDER) - {ReviewStage.COMMITTEE_INTAKE}
#: statuses a committee sees besides 资格审查中 @ 评委会受理
AFTER_INTAKE_STATUSES = frozenset(
    {
        ApplicationStatus.EVALUATING,
        ApplicationStatus.PUBLICITY,
        ApplicationStatus.CERTIFIED,
        ApplicationStatus.FAILED,
        ApplicationStatus.NOT_ACCEPTED,
    }
)
OWNER_ACTIONS = frozenset({Action.EDIT, Action.DELETE, Action.SUBMIT})
STAGE_ACTIONS = frozenset({Action.APPROVE, Action.RETURN, Action.ACCEPT, Action.REFUSE})


def state_admits(app: Any, action: Action) -> bool:
    """Whether anyone at all could do ``action`` in the dossier's current status and stage."""
    status, stage = app.status, app.stage
    if action in OWNER_ACTIONS:
        return status in EDITABLE_STATUSES
    if status != ApplicationStatus.UNDER_REVIEW:
        return _later_state_admits(status, action)
    if action == Action.APPROVE:
        return stage in APPROVABLE_STAGES
    if action == Action.RETURN:
        return stage in STAGE_HOLDER
    if action in (Action.ACCEPT, Action.REFUSE):
        return stage == ReviewStage.COMMITTEE_INTAKE
    return False


def _later_state_admits(status: ApplicationStatus, action: Action) -> bool:
    if action == Action.CLOSE_VOTE:
        return status == ApplicationStatus.EVALUATING
    if action == Action.ISSUE:
        return status == ApplicationStatus.PUBLICITY
    return False


def required_role(app: Any, action: Action) -> Role | None:
    """The one role that may do ``action`` now; None when the state does not admit it."""
    if not state_admits(app, action):
        return None
    if action in OWNER_ACTIONS:
        return Role.APPLICANT
    if action in STAGE_ACTIONS:
        return STAGE_HOLDER[app.stage]
    return Role.COMMITTEE_SECRETARY


def in_scope(app: Any, actor: Actor) -> bool:
    """The dossier lies in the actor's part of the organisation (or is their own)."""
    role = actor.role
    if role == Role.APPLICANT:
        return actor.user_id == app.applicant_id
    if role in UNIT_ROLES:
        return _same(actor.unit_id, app.unit_id)
    if role in DEPT_ROLES:
        return _same(actor.department_id, app.department_id)
    if role == Role.COMMITTEE_SECRETARY:
        return _same(actor.committee_id, app.committee_id)
    return role == Role.PROVINCE_ADMIN


def _same(mine: int | None, theirs: int | None) -> bool:
    # None never matches: a unit without 主管部门 is in no department's scope
    return mine is not None and mine == theirs


def allows(app: Any, actor: Actor, action: Action) -> bool:
    """The state admits ``action``, the actor has the role it needs and the dossier is in scope."""
    return actor.role == required_role(app, action) and in_scope(app, actor)


def is_owner(app: Any, actor: Actor) -> bool:
    return actor.role == Role.APPLICANT and actor.user_id == app.applicant_id


def is_stage_holder(app: Any, actor: Actor) -> bool:
    """The actor holds the dossier's current review stage (资格审查中 only)."""
    return (
        app.status == ApplicationStatus.UNDER_REVIEW
        and STAGE_HOLDER.get(app.stage) == actor.role
        and in_scope(app, actor)
    )


def can_view(app: Any, actor: Actor, *, drawn: bool = False) -> bool:
    """``drawn``: the actor is an expert drawn for an open meeting the dossier is routed to, and
    not recused for it (established in SQL by app.services.scopes)."""
    role = actor.role
    if role == Role.PROVINCE_ADMIN:
        return True
    if role == Role.APPLICANT:
        return is_owner(app, actor)
    if role in UNIT_ROLES or role in DEPT_ROLES:
        # a draft is the applicant's own until 提交审核
        return app.status != ApplicationStatus.DRAFTING and in_scope(app, actor)
    if role == Role.COMMITTEE_SECRETARY:
        return _reached_committee(app) and in_scope(app, actor)
    if role == Role.EXPERT:
        return drawn and app.status == ApplicationStatus.EVALUATING
    return False


def _reached_committee(app: Any) -> bool:
    if app.status == ApplicationStatus.UNDER_REVIEW:
        return app.stage == ReviewStage.COMMITTEE_INTAKE
    return app.status in AFTER_INTAKE_STATUSES


def can_edit(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.EDIT)


def can_delete(app: Any, actor: Actor) -> bool:
    """Role and state only; the transition also refuses while the committee is closed."""
    return allows(app, actor, Action.DELETE)


def can_submit(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.SUBMIT)


def can_approve(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.APPROVE)


def can_return(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.RETURN)


def can_accept(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.ACCEPT)


def can_refuse(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.REFUSE)


def can_close_vote(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.CLOSE_VOTE)


def can_issue_certificate(app: Any, actor: Actor) -> bool:
    return allows(app, actor, Action.ISSUE)
