"""撤销职称 and the 诚信档案: the province admin revokes a certificate obtained by fraud; the
person may not 进入申报 or 提交审核 until the ban's last day has passed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.clock import BEIJING
from app.models import Account, Application, Certificate, IntegrityRecord
from app.services import audit
from app.workflow import integrity
from app.workflow.actors import Actor
from app.workflow.errors import InvalidState, RuleViolation

NO_SUCH_CERTIFICATE = "未找到该证书编号对应的证书，请核对证书编号"


def revoke(
    session: Session, actor: Actor, by: Account, number: str, reason: str, now: datetime
) -> IntegrityRecord:
    """Revoke the certificate numbered ``number`` and record the 3-year ban, or raise."""
    certificate = session.scalars(
        select(Certificate).where(Certificate.number == (number or "").strip()).with_for_update()
    ).first()
    if certificate is None:
        raise RuleViolation(NO_SUCH_CERTIFICATE)
    text = integrity.check_revoke(actor, revoked=certificate.revoked, reason=reason)
    today = now.astimezone(BEIJING).date()
    certificate.revoked_on, certificate.revoke_reason = today, text
    record = IntegrityRecord(
        id_number=certificate.id_number,
        holder_name=certificate.holder_name,
        certificate_id=certificate.id,
        reason=text,
        recorded_on=today,
        ban_ends_on=integrity.ban_ends(today),
        recorded_by=audit.describe(by),
    )
    try:
        with session.begin_nested():  # SQLite takes no row lock: the unique key decides
            session.add(record)
            session.flush()
    except IntegrityError as exc:
        raise InvalidState(integrity.ALREADY_REVOKED) from exc
    audit.record(
        session,
        "certificate_revoked",
        actor=by,
        target=f"证书 {certificate.number}（{certificate.holder_name}）",
        detail=text[:200],
    )
    session.flush()
    return record


def ban_ends_on(session: Session, id_number: str | None, today: date) -> date | None:
    """The last day of the longest ban still running for this ID number, if any."""
    if not id_number:
        return None
    return session.scalar(
        select(func.max(IntegrityRecord.ban_ends_on)).where(
            IntegrityRecord.id_number == id_number, IntegrityRecord.ban_ends_on >= today
        )
    )


def check_may_apply(
    session: Session, id_number: str | None, now: datetime, *, subject: str = "您"
) -> None:
    today = now.astimezone(BEIJING).date()
    integrity.check_not_banned(ban_ends_on(session, id_number, today), today, subject)


def check_applicant(session: Session, application: Application, now: datetime) -> None:
    """For the committee: a dossier whose applicant is banned goes no further."""
    check_may_apply(session, application.applicant.id_number, now, subject="申报人")


def records() -> Select:
    return (
        select(IntegrityRecord)
        .options(selectinload(IntegrityRecord.certificate))
        .order_by(IntegrityRecord.id.desc())
    )
