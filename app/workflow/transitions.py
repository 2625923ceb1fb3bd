"""Lifecycle transitions (DESIGN §4): check with the permission predicates, then move.

Every function takes the actor and an aware ``now``, raises a WorkflowError before touching
anything when the move is illegal, and otherwise mutates ``app.status`` / ``app.stage`` /
``app.return_reason`` and returns the Transition the service appends to the history.
Invariants kept: ``stage`` is set only in 资格审查中; ``return_reason`` only in 退回修改.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.workflow.actors import Actor
from app.workflow.assignment import Assignment
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.permissions import (
    DEPT_ROLES,
    STAGE_ACTIONS,
    UNIT_ROLES,
    can_accept,
    can_approve,
    can_close_vote,
    can_delete,
    can_issue_certificate,
    can_refuse,
    can_return,
    can_submit,
    required_role,
    state_admits,
)
from app.workflow.rules import Window, check_window, require_aware
from app.workflow.states import (
    Action,
    ApplicationStatus,
    DeclarationMode,
    ReviewStage,
    Role,
)

S = ApplicationStatus

DELETE_AFTER_SUBMIT = "删除失败，申报人已提交审查"  # the manual's wording (§4)
DELETE_WHILE_CLOSED = "评委会关闭状态下不允许一键删除"  # the manual's wording (§4)
UNIT_PUBLICITY_PENDING = "单位公示尚未完成：须公示期满并登记公示结果后，才能审核通过上报"
RESULT_PUBLICITY_PENDING = "评审结果公示期未满，不能发证"

_NEXT_STAGE = {
    ReviewStage.UNIT_HANDLER: ReviewStage.UNIT_LEADER,
    ReviewStage.DEPT_HANDLER: ReviewStage.DEPT_LEADER,
    ReviewStage.DEPT_LEADER: ReviewStage.COMMITTEE_INTAKE,
}


@dataclass(frozen=True)
class Transition:
    """One history row: who (role, id) moved the dossier from where to where, when and why."""

    action: Action
    from_status: ApplicationStatus | None
    from_stage: ReviewStage | None
    #: None after 一键删除申报信息: the service deletes the dossier
    to_status: ApplicationStatus | None
    to_stage: ReviewStage | None
    actor_role: Role
    reason: str | None
    at: datetime
    actor_id: int
    #: the dossier sections a 退回修改 concerns
    sections: tuple[str, ...] = ()


def enter(
    actor: Actor, now: datetime, *, mode: DeclarationMode, assignment: Assignment, window: Window
) -> Transition:
    """进入申报: nothing exists yet; the service creates the dossier in the returned state."""
    require_aware(now)
    if actor.role != Role.APPLICANT:
        raise NotAllowed("只有申报人可以进入申报")
    if not assignment.ok:
        raise RuleViolation(assignment.reason or "没有可用的预分配评委会")
    check_window(window, now, mode)
    return Transition(
        Action.ENTER, None, None, S.DRAFTING, None, actor.role, None, now, actor.user_id
    )


def delete(app: Any, actor: Actor, now: datetime, *, committee_open: bool) -> Transition:
    """一键删除申报信息: the dossier goes, the account stays; the service deletes the rows."""
    _authorise(app, actor, now, Action.DELETE, can_delete(app, actor))
    if not committee_open:
        raise RuleViolation(DELETE_WHILE_CLOSED)
    return _record(app, actor, now, Action.DELETE, None, None)


def submit(
    app: Any, actor: Actor, now: datetime, *, complete: bool, pledged: bool, window: Window
) -> Transition:
    """提交审核 from 申报中 or 退回修改 to the unit handler."""
    _authorise(app, actor, now, Action.SUBMIT, can_submit(app, actor))
    check_window(window, now, app.mode)
    if not complete:
        raise RuleViolation("申报信息尚未填写完整，请按提示补充完善后再提交审核")
    if not pledged:
        raise RuleViolation("请阅读并确认诚信提示后再提交审核")
    return _move(app, actor, now, Action.SUBMIT, S.UNDER_REVIEW, ReviewStage.UNIT_HANDLER)


def approve(app: Any, actor: Actor, now: datetime, *, publicity_done: bool = False) -> Transition:
    """审核通过: the stage holder passes the dossier to the next stage."""
    _authorise(app, actor, now, Action.APPROVE, can_approve(app, actor))
    if app.stage == ReviewStage.UNIT_LEADER and not publicity_done:
        raise RuleViolation(UNIT_PUBLICITY_PENDING)
    return _move(app, actor, now, Action.APPROVE, S.UNDER_REVIEW, next_stage(app))


def next_stage(app: Any) -> ReviewStage:
    """The stage after the current one; a unit without 主管部门 reports to the committee."""
    if app.stage == ReviewStage.UNIT_LEADER:
        has_dept = app.department_id is not None
        return ReviewStage.DEPT_HANDLER if has_dept else ReviewStage.COMMITTEE_INTAKE
    return _NEXT_STAGE[app.stage]


def return_for_revision(
    app: Any, actor: Actor, now: datetime, *, reason: str, sections: Iterable[str] = ()
) -> Transition:
    """退回修改 by the holder of the current stage only (after the handler passed, the leader)."""
    _authorise(app, actor, now, Action.RETURN, can_return(app, actor))
    text = _required(reason, "请填写退回原因")
    return _move(
        app, actor, now, Action.RETURN, S.RETURNED, None, reason=text, sections=tuple(sections)
    )


def accept(app: Any, actor: Actor, now: datetime) -> Transition:
    """受理 by the committee's secretary: the dossier goes to evaluation."""
    _authorise(app, actor, now, Action.ACCEPT, can_accept(app, actor))
    return _move(app, actor, now, Action.ACCEPT, S.EVALUATING, None)


def refuse(app: Any, actor: Actor, now: datetime, *, reason: str) -> Transition:
    """不予受理 by the committee's secretary, with a reason (an end state)."""
    _authorise(app, actor, now, Action.REFUSE, can_refuse(app, actor))
    text = _required(reason, "请填写不予受理的原因")
    return _move(app, actor, now, Action.REFUSE, S.NOT_ACCEPTED, None, reason=text)


def close_vote(app: Any, actor: Actor, now: datetime, *, passed: bool) -> Transition:
    """表决结束: the tally (quorum, 2/3) is decided elsewhere and passed in as ``passed``."""
    _authorise(app, actor, now, Action.CLOSE_VOTE, can_close_vote(app, actor))
    to_status = S.PUBLICITY if passed else S.FAILED
    return _move(app, actor, now, Action.CLOSE_VOTE, to_status, None)


def issue_certificate(app: Any, actor: Actor, now: datetime, *, publicity_done: bool) -> Transition:
    """发证 once the result publicity has run its course."""
    _authorise(app, actor, now, Action.ISSUE, can_issue_certificate(app, actor))
    if not publicity_done:
        raise RuleViolation(RESULT_PUBLICITY_PENDING)
    return _move(app, actor, now, Action.ISSUE, S.CERTIFIED, None)


def _authorise(app: Any, actor: Actor, now: datetime, action: Action, allowed: bool) -> None:
    """Raise InvalidState when nobody could act now, NotAllowed when this actor may not."""
    require_aware(now)
    if allowed:
        return
    if not state_admits(app, action):
        raise InvalidState(state_message(app, action))
    raise NotAllowed(actor_message(app, actor, action))


def state_message(app: Any, action: Action) -> str:
    if action == Action.DELETE:
        return DELETE_AFTER_SUBMIT
    if action == Action.APPROVE and app.stage == ReviewStage.COMMITTEE_INTAKE:
        return "评委会受理阶段请选择“受理”或“不予受理”"
    return f"当前状态为“{state_label(app)}”，不能{action.label}"


def state_label(app: Any) -> str:
    label = ApplicationStatus(app.status).label
    return f"{label}（{ReviewStage(app.stage).label}）" if app.stage else label


def actor_message(app: Any, actor: Actor, action: Action) -> str:
    role = required_role(app, action)
    if role == Role.APPLICANT:
        return f"只有申报人本人可以{action.label}"
    if actor.role != role:
        holder = f"该申报当前由{role.label}审查，" if action in STAGE_ACTIONS else ""
        return f"{holder}只有{role.label}可以{action.label}"
    return f"该申报不属于您所在的{_scope_name(role)}，不能{action.label}"


def _scope_name(role: Role) -> str:
    if role in UNIT_ROLES:
        return "单位"
    return "主管部门" if role in DEPT_ROLES else "评委会"


def _required(text: str | None, message: str) -> str:
    stripped = (text or "").strip()
    if not stripped:
        raise RuleViolation(message)
    return stripped


def _record(
    app: Any,
    actor: Actor,
    now: datetime,
    action: Action,
    to_status: ApplicationStatus | None,
    to_stage: ReviewStage | None,
    reason: str | None = None,
    sections: tuple[str, ...] = (),
) -> Transition:
    return Transition(
        action=action,
        from_status=app.status,
        from_stage=app.stage,
        to_status=to_status,
        to_stage=to_stage,
        actor_role=actor.role,
        reason=reason,
        at=now,
        actor_id=actor.user_id,
        sections=sections,
    )


def _move(
    app: Any,
    actor: Actor,
    now: datetime,
    action: Action,
    to_status: ApplicationStatus,
    to_stage: ReviewStage | None,
    *,
    reason: str | None = None,
    sections: tuple[str, ...] = (),
) -> Transition:
    """Build the record first, then change the dossier in one place."""
    transition = _record(app, actor, now, action, to_status, to_stage, reason, sections)
    app.status, app.stage = to_status, to_stage
    app.return_reason = reason if to_status == S.RETURNED else None
    return transition
