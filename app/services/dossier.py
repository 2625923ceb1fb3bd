"""Access to one dossier for the person at the keyboard; shared by every dossier page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Application, Section
from app.services.scopes import visible_applications
from app.workflow import permissions
from app.workflow.actors import Actor
from app.workflow.errors import InvalidState, NotAllowed
from app.workflow.states import EDITABLE_STATUSES

READ_ONLY = "当前评审进度为“{status}”，申报信息不能修改"


class DossierNotFound(LookupError):
    """No such dossier in the actor's scope; views answer 404 and never say which."""


def own_application(session: Session, actor: Actor) -> Application | None:
    """The applicant's current dossier (newest), or None before 进入申报."""
    stmt = visible_applications(actor).where(Application.applicant_id == actor.user_id)
    return session.scalars(stmt.limit(1)).first()


def application_in_scope(session: Session, actor: Actor, application_id: int) -> Application:
    stmt = visible_applications(actor).where(Application.id == application_id)
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
