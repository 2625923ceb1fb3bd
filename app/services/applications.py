"""The application's lifecycle on rows: load, call the workflow, append history, flush."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from app.clock import from_naive_utc, to_naive_utc
from app.models import (
    Account,
    Application,
    ApplicationHistory,
    Attachment,
    Batch,
    Committee,
    DeclarationModeItem,
    DossierItem,
    Qualification,
    Specialty,
    ValidityScope,
)
from app.services import audit, integrity
from app.services.notifications import mail_configured, notify_applicant
from app.workflow import transitions
from app.workflow.actors import Actor
from app.workflow.assignment import Assignment, CommitteeSpec, pick_committee
from app.workflow.errors import RuleViolation
from app.workflow.rules import Window
from app.workflow.states import Action, DeclarationMode


def committee_specs(session: Session) -> list[CommitteeSpec]:
    """Every committee as the workflow sees it, in one round of queries."""
    stmt = select(Committee).options(
        selectinload(Committee.series),
        selectinload(Committee.qualifications),
        selectinload(Committee.specialties),
        selectinload(Committee.scopes),
    )
    return [_spec(c) for c in session.scalars(stmt)]


def _spec(committee: Committee) -> CommitteeSpec:
    return CommitteeSpec(
        id=committee.id,
        name=committee.name,
        is_open=committee.is_open,
        series_ids=frozenset(s.id for s in committee.series),
        level_ids=frozenset(q.id for q in committee.qualifications),
        specialty_ids=frozenset(s.id for s in committee.specialties),
        scope_codes=frozenset(s.code for s in committee.scopes),
        org_root_id=committee.org_root_id,
    )


def specialty_path(specialty: Specialty) -> tuple[int, ...]:
    ids: list[int] = []
    node: Specialty | None = specialty
    while node is not None:
        ids.append(node.id)
        node = node.parent
    return tuple(reversed(ids))


def current_batch(session: Session) -> Batch | None:
    return session.scalars(select(Batch).where(Batch.is_current)).first()


def batch_window(batch: Batch, committee_id: int | None = None) -> Window:
    """The personal window of a batch, with the committee's own deadline where it has one."""
    deadline = batch_deadline(batch, "personal_deadline", committee_id)
    return Window(from_naive_utc(batch.opens_at), from_naive_utc(deadline))


def batch_deadline(batch: Batch, field: str, committee_id: int | None):
    """A batch deadline (stored UTC), overridden for one committee when the batch says so."""
    for override in batch.overrides:
        if override.committee_id == committee_id and getattr(override, field) is not None:
            return getattr(override, field)
    return getattr(batch, field)


def assign_committee(
    session: Session,
    account: Account,
    qualification: Qualification,
    specialty: Specialty,
    scope: ValidityScope,
) -> Assignment:
    return pick_committee(
        committee_specs(session),
        series_id=qualification.series_id,
        level_id=qualification.id,
        specialty_path=specialty_path(specialty),
        scope_code=scope.code,
        unit_path=account.unit.path_ids if account.unit else (),
    )


def enter_application(
    session: Session,
    account: Account,
    actor: Actor,
    now: datetime,
    *,
    mode: DeclarationModeItem,
    qualification: Qualification,
    specialty: Specialty,
    scope: ValidityScope,
) -> Application:
    """进入申报: pick the 预分配评委会 and create the dossier in 申报中."""
    batch = current_batch(session)
    if batch is None:
        raise RuleViolation("当前没有开放的年度申报批次")
    if specialty.series_id != qualification.series_id or specialty.depth != 3:
        raise RuleViolation("申报专业与申报系列不一致，请重新选择三级申报专业")
    integrity.check_may_apply(session, account.id_number, now)
    assignment = assign_committee(session, account, qualification, specialty, scope)
    transition = transitions.enter(
        actor,
        now,
        mode=DeclarationMode.from_code(mode.code),
        assignment=assignment,
        window=batch_window(batch, assignment.committee.id if assignment.committee else None),
    )
    unit = account.unit
    application = Application(
        applicant_id=account.id,
        batch_id=batch.id,
        mode_id=mode.id,
        series_id=qualification.series_id,
        qualification_id=qualification.id,
        specialty_id=specialty.id,
        scope_id=scope.id,
        committee_id=assignment.committee.id,
        unit_id=unit.id,
        department_id=unit.department.id if unit.department else None,
        status=transition.to_status,
        created_at=to_naive_utc(now),
    )
    session.add(application)
    session.flush()
    record(session, application, transition, account.name)
    return application


def record(session: Session, application: Application, transition, actor_name: str) -> None:
    """Append one history row for a transition the workflow returned."""
    session.add(
        ApplicationHistory(
            application_id=application.id,
            action=transition.action,
            from_status=transition.from_status,
            from_stage=transition.from_stage,
            to_status=transition.to_status,
            to_stage=transition.to_stage,
            actor_id=transition.actor_id,
            actor_role=transition.actor_role,
            actor_name=actor_name,
            reason=transition.reason,
            sections="、".join(transition.sections) or None,
            at=to_naive_utc(transition.at),
        )
    )
    session.flush()


def perform(
    session: Session,
    application: Application,
    actor: Actor,
    actor_name: str,
    move: Callable[..., Any],
    now: datetime,
    **rule_inputs: Any,
) -> None:
    """Run one workflow transition on a loaded dossier and record it."""
    transition = move(application, actor, now, **rule_inputs)
    if transition.action == Action.SUBMIT:
        application.submitted_at = to_naive_utc(now)
    session.flush()
    record(session, application, transition, actor_name)
    notify_applicant(session, application, transition, mail_enabled=mail_configured())


def delete_application(
    session: Session, application: Application, account: Account, actor: Actor, now: datetime
) -> None:
    """一键删除申报信息: the dossier, its entries, files rows and history go; the account stays.

    The workflow refuses after 提交审核 and while the committee is closed. Stored files become
    unreferenced and are removed by the storage garbage collector; the audit log keeps a line.
    """
    transitions.delete(application, actor, now, committee_open=application.committee.is_open)
    ref = application.id
    counts = {
        model.__tablename__: session.scalar(
            select(func.count()).select_from(model).where(model.application_id == ref)
        )
        for model in (DossierItem, Attachment)
    }
    detail = (
        f"{application.batch.name}；{application.series.name}·{application.qualification.name}；"
        f"{application.specialty.path}；{application.scope.name}；"
        f"预分配评委会 {application.committee.name}；评审进度 {application.status_label}；"
        f"填报条目 {counts['dossier_item']} 条，附件 {counts['attachment']} 个"
    )
    for model in (Attachment, DossierItem, ApplicationHistory):
        session.execute(delete(model).where(model.application_id == ref))
    session.delete(application)
    session.flush()
    audit.record(session, "application_deleted", actor=account, target=f"申报 {ref}", detail=detail)
    session.flush()
