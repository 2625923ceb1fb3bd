"""Access to one dossier for the person at the keyboard; shared by every dossier page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Application, DossierItem, ItemKind, Section
from app.services.scopes import visible_applications
from app.validators.dossier import (
    SUMMARY_MAX_CHARS,
    SUMMARY_TOO_LONG,
    count_summary_chars,
    normalise_text,
)
from app.workflow import permissions
from app.workflow.actors import Actor
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import EDITABLE_STATUSES

READ_ONLY = "当前评审进度为“{status}”，申报信息不能修改"


class DossierNotFound(LookupError):
    """No such dossier in the actor's scope; views answer 404 and never say which."""


def own_application(session: Session, actor: Actor) -> Application | None:
    """The applicant's current dossier (newest), or None before 进入申报."""
    stmt = visible_applications(actor).where(Application.applicant_id == actor.user_id)
    return session.scalars(stmt.limit(1)).first()


def application_in_scope(
    session: Session, actor: Actor, application_id: int, *, for_update: bool = False
) -> Application:
    """One dossier the actor may see; with ``for_update`` the row is locked (PostgreSQL) so
    two people acting at once are serialised and the second sees the first one's result."""
    stmt = visible_applications(actor).where(Application.id == application_id)
    if for_update:
        stmt = stmt.with_for_update(of=Application).execution_options(populate_existing=True)
    application = session.scalars(stmt).first()
    if application is None:
        raise DossierNotFound(application_id)
    return application


def require_editable(application: Application, actor: Actor) -> None:
    """Refuse every change outside 申报中 / 退回修改, and by anyone but the owner."""
    if not permissions.is_owner(application, actor):
        raise NotAllowed("只有申报人本人可以修改申报信息")
    if application.status not in EDITABLE_STATUSES:
        raise InvalidState(READ_ONLY.format(status=application.status_label))


def is_editable(application: Application, actor: Actor) -> bool:
    return permissions.is_owner(application, actor) and application.status in EDITABLE_STATUSES


def step_done(application: Application, section: Section) -> bool:
    return bool(application.steps_done & (1 << section.value))


def mark_step_done(application: Application, actor: Actor, section: Section) -> None:
    """完成填报下一步: the section's flag (引导旗) goes up."""
    require_editable(application, actor)
    require_basic_saved(application, section)
    application.steps_done = application.steps_done | (1 << section.value)


def require_basic_saved(application: Application, section: Section) -> None:
    """Sections 2-5 open only once 基本信息 is done (manual §1.3 (4))."""
    if section != Section.BASIC and not step_done(application, Section.BASIC):
        raise InvalidState("请先完成“基本信息”的填报，再填写后续内容")


def lock_for_update(session: Session, application_id: int) -> Application | None:
    """Reload one dossier with a row lock (PostgreSQL) so two requests never interleave."""
    stmt = select(Application).where(Application.id == application_id).with_for_update()
    return session.scalars(stmt).first()


def own_application_for_update(session: Session, actor: Actor) -> Application | None:
    """The applicant's dossier, re-read and row-locked (PostgreSQL) for a change.

    Every POST of the dossier starts here, so a status check and the change it guards are not
    split by a concurrent 提交审核 or 退回修改.
    """
    stmt = visible_applications(actor).where(Application.applicant_id == actor.user_id)
    stmt = stmt.limit(1).with_for_update(of=Application)
    return session.scalars(stmt.execution_options(populate_existing=True)).first()


def section_item_counts(session: Session, application_id: int) -> dict[Section, int]:
    """How many entries each section holds, in one query (the 填报信息 page shows them)."""
    stmt = (
        select(DossierItem.kind, func.count())
        .where(DossierItem.application_id == application_id)
        .group_by(DossierItem.kind)
    )
    counts = dict.fromkeys(Section, 0)
    for kind, number in session.execute(stmt):
        counts[ItemKind(kind).section] += number
    return counts


@dataclass(frozen=True)
class SummarySaved:
    """What 保存 / 完成填报 of 5 小结 did: the count, the batch's range, whether the flag went up."""

    count: int
    low: int
    high: int
    finished: bool

    @property
    def in_range(self) -> bool:
        return self.low <= self.count <= self.high

    @property
    def range_message(self) -> str:
        return f"小结字数应在{self.low}-{self.high}字之间（当前{self.count}字）"


def save_summary(
    session: Session, application: Application, actor: Actor, text: str, *, finish: bool
) -> SummarySaved:
    """保存 the 小结 (a draft may lie outside the range); 完成填报 also needs the batch's range."""
    require_editable(application, actor)
    require_basic_saved(application, Section.SUMMARY)
    text = normalise_text(text)
    if len(text) > SUMMARY_MAX_CHARS:
        raise RuleViolation(SUMMARY_TOO_LONG.format(limit=SUMMARY_MAX_CHARS, count=len(text)))
    application.summary = text
    batch = application.batch
    saved = SummarySaved(count_summary_chars(text), batch.summary_min, batch.summary_max, False)
    if finish and saved.in_range:
        mark_step_done(application, actor, Section.SUMMARY)
        saved = SummarySaved(saved.count, saved.low, saved.high, True)
    elif not saved.in_range:
        # the flag means "done and within the range": a draft outside it takes the flag down
        application.steps_done = application.steps_done & ~(1 << Section.SUMMARY.value)
    session.flush()
    return saved
