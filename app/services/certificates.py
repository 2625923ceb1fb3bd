"""评审结果公示 and 发证: the committee publishes who passed, then issues the certificates.

The workflow's ``issue_certificate`` refuses until the result publicity has run its course
(≥ the committee's working days, ended before today); the certificate's text is copied from
the dossier when it is issued, so later renames do not change a certificate already out.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from app.clock import BEIJING, to_naive_utc
from app.models import (
    Account,
    Application,
    Certificate,
    MeetingApplication,
    ResultPublicity,
    ReviewMeeting,
)
from app.models.certificate import result_publicity_application
from app.services import integrity
from app.services.applications import perform
from app.services.dossier import DossierNotFound, application_in_scope
from app.services.review import (
    PublicityGate,
    calendar_for,
    check_publicity_period,
    period_gate,
    publicity_list_load,
)
from app.services.scopes import visible_applications
from app.workflow import permissions, transitions
from app.workflow.actors import Actor
from app.workflow.errors import NotAllowed, RuleViolation, WorkflowError
from app.workflow.states import ApplicationStatus, Role, VoteOutcome

#: no 0/O/1/I: read aloud over the phone
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def _secretary(actor: Actor) -> int:
    if actor.role != Role.COMMITTEE_SECRETARY or actor.committee_id is None:
        raise NotAllowed("只有评委会秘书可以办理评审结果公示和发证")
    return actor.committee_id


def in_publicity(actor: Actor) -> Select:
    """The committee's dossiers in 公示中, oldest first."""
    return (
        visible_applications(actor)
        .where(Application.status == ApplicationStatus.PUBLICITY)
        .order_by(None)
        .order_by(Application.id)
    )


def certified(actor: Actor) -> Select:
    """The committee's dossiers with a certificate (已发证), newest first."""
    return visible_applications(actor).where(Application.status == ApplicationStatus.CERTIFIED)


def revoked_among(session: Session, application_ids: list[int]) -> set[int]:
    """Which of these dossiers' certificates were revoked (one query for a page of them)."""
    if not application_ids:
        return set()
    stmt = select(Certificate.application_id).where(
        Certificate.application_id.in_(application_ids), Certificate.revoked_on.is_not(None)
    )
    return set(session.scalars(stmt))


def record_publicity(
    session: Session,
    actor: Actor,
    by: Account,
    *,
    application_ids,
    starts_on: date,
    ends_on: date,
    place: str,
    objections: str = "",
    handling: str = "",
) -> ResultPublicity:
    """评审结果公示 of dossiers the committee's meeting passed (公示中)."""
    committee_id = _secretary(actor)
    if not (place or "").strip():
        raise RuleViolation("请填写公示地点（如评委会网站、人社部门网站）")
    wanted = list(dict.fromkeys(application_ids))
    if not wanted:
        raise RuleViolation("请选择参加公示的人员")
    applications = session.scalars(in_publicity(actor).where(Application.id.in_(wanted))).all()
    if len(applications) != len(wanted):
        raise RuleViolation("所选人员中有不在公示中状态的，请刷新页面后重新选择")
    committee = applications[0].committee
    calendar = calendar_for(session, range(starts_on.year, ends_on.year + 1))
    check_publicity_period(calendar, starts_on, ends_on, committee.result_publicity_days)
    publicity = ResultPublicity(
        committee_id=committee_id,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip(),
        objections=(objections or "").strip(),
        handling=(handling or "").strip(),
        recorded_by=by.id,
        applications=list(applications),
    )
    session.add(publicity)
    session.flush()
    return publicity


def publicity_records(actor: Actor) -> Select:
    return (
        select(ResultPublicity)
        .where(ResultPublicity.committee_id == _secretary(actor))
        .options(selectinload(ResultPublicity.applications).selectinload(Application.applicant))
        .order_by(ResultPublicity.id.desc())
    )


def result_publicity_list(
    session: Session, actor: Actor, publicity_id: int
) -> ResultPublicity | None:
    """One of the secretary's committee's result publicity records, ready for its list."""
    return session.scalars(
        select(ResultPublicity)
        .where(
            ResultPublicity.id == publicity_id, ResultPublicity.committee_id == _secretary(actor)
        )
        .options(*publicity_list_load(ResultPublicity))
    ).first()


def gate(session: Session, application: Application, now: datetime) -> PublicityGate:
    """Whether the latest result publicity including this dossier allows 发证 now."""
    publicity = session.scalars(
        select(ResultPublicity)
        .join(
            result_publicity_application,
            result_publicity_application.c.publicity_id == ResultPublicity.id,
        )
        .where(result_publicity_application.c.application_id == application.id)
        .order_by(ResultPublicity.ends_on.desc())
    ).first()
    if publicity is None:
        return PublicityGate(False, "尚未登记评审结果公示：请先登记公示情况，公示期满后再发证")
    days = application.committee.result_publicity_days
    return period_gate(session, publicity.starts_on, publicity.ends_on, days, now, "发证")


def issue(
    session: Session, actor: Actor, by: Account, application_id: int, now: datetime
) -> Certificate:
    """发证: the dossier becomes 已发证 and gets its certificate, or nothing changes."""
    _secretary(actor)
    application = application_in_scope(session, actor, application_id, for_update=True)
    integrity.check_applicant(session, application, now)
    publicity_done = False
    if permissions.can_issue_certificate(application, actor):  # otherwise the workflow says why
        check = gate(session, application, now)
        if not check.done:
            raise RuleViolation(check.message)
        publicity_done = True
    perform(
        session,
        application,
        actor,
        by.name,
        transitions.issue_certificate,
        now,
        publicity_done=publicity_done,
    )
    certificate = _certificate(session, application, by, now)
    session.add(certificate)
    session.flush()
    return certificate


def issue_many(session, actor, by, ids, now) -> list[tuple[int, str | None]]:
    """Each dossier is issued or refused on its own; a refusal leaves nothing half-done."""
    results = []
    for application_id in dict.fromkeys(ids):
        try:
            with session.begin_nested():
                issue(session, actor, by, application_id, now)
            results.append((application_id, None))
        except DossierNotFound:
            results.append((application_id, "申报不存在或不属于本评委会"))
        except WorkflowError as exc:
            results.append((application_id, exc.message))
    return results


def _certificate(session: Session, application: Application, by: Account, now) -> Certificate:
    today = now.astimezone(BEIJING).date()
    return Certificate(
        application_id=application.id,
        number=f"{application.batch.year}{application.committee_id:04d}{application.id:08d}",
        verification_code="".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH)),
        holder_name=application.applicant.name,
        id_number=application.applicant.id_number or "",
        unit_name=application.unit.name,
        series_name=application.series.name,
        qualification_name=application.qualification.name,
        specialty_path=application.specialty.path,
        scope_name=application.scope.name,
        committee_name=application.committee.name,
        passed_on=_passed_on(session, application) or today,
        issued_on=today,
        issued_by=by.id,
        issued_at=to_naive_utc(now),
    )


def _passed_on(session: Session, application: Application) -> date | None:
    """The date of the meeting whose vote passed the dossier."""
    return session.scalar(
        select(ReviewMeeting.held_on)
        .join(MeetingApplication, MeetingApplication.meeting_id == ReviewMeeting.id)
        .where(
            MeetingApplication.application_id == application.id,
            MeetingApplication.outcome == VoteOutcome.PASSED,
        )
        .order_by(ReviewMeeting.held_on.desc())
    )


def certificate_of(session: Session, application_id: int) -> Certificate | None:
    return session.scalars(
        select(Certificate).where(Certificate.application_id == application_id)
    ).first()


def certificate_in_scope(session: Session, actor: Actor, application_id: int) -> Certificate:
    """The certificate of a dossier the actor may see (its holder, its committee, the province)."""
    application = application_in_scope(session, actor, application_id)
    certificate = certificate_of(session, application.id)
    if certificate is None:
        raise DossierNotFound(application_id)
    return certificate


def revoked_message(certificate: Certificate) -> str:
    return (
        f"证书 {certificate.number} 已于{certificate.revoked_on:%Y年%m月%d日}撤销："
        f"{certificate.revoke_reason}"
    )


def verify(session: Session, number: str, code: str) -> Certificate | None:
    """证书查询: the certificate whose number and verification code both match, else None.

    The code is compared in constant time; letters are read case-insensitively, as people
    type what they read off the paper.
    """
    number, code = (number or "").strip(), (code or "").strip().upper()
    if not number or not code:
        return None
    certificate = session.scalars(select(Certificate).where(Certificate.number == number)).first()
    if certificate is None or not hmac.compare_digest(
        certificate.verification_code.encode(), code.encode()
    ):
        return None
    return certificate
