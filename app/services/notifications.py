"""Messages to applicants: kept in an outbox, shown in the app, mailed when SMTP is set up."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import to_naive_utc
from app.models import Application, DossierItem, ItemKind
from app.models.review import MailState, Notification
from app.workflow.states import Action, ApplicationStatus

MAX_ATTEMPTS = 8


def _address(session: Session, application: Application) -> str | None:
    """The e-mail the applicant gave in 个人信息, if any."""
    data = session.scalars(
        select(DossierItem.data).where(
            DossierItem.application_id == application.id,
            DossierItem.kind == ItemKind.PERSONAL,
        )
    ).first()
    email = (data or {}).get("email") if isinstance(data, dict) else None
    return email or None


def status_message(application: Application, transition) -> tuple[str, str] | None:
    """Title and body for a change the applicant must hear about; None when there is none."""
    if transition.action == Action.RETURN:
        return (
            "申报被退回修改",
            f"您的职称申报被{transition.actor_role.label}退回修改。退回原因：{transition.reason}。"
            "请按照退回原因补充完善相关资料后再次提交。",
        )
    if transition.to_status == transition.from_status or transition.to_status is None:
        return None
    body = f"您的职称申报评审进度已变为“{ApplicationStatus(transition.to_status).label}”。"
    if transition.reason:
        body += f"原因：{transition.reason}"
    return ("申报状态变更", body)


def mail_configured() -> bool:
    from flask import current_app, has_app_context

    return has_app_context() and bool(current_app.config.get("MAIL_SERVER"))


def notify_applicant(
    session: Session, application: Application, transition, *, mail_enabled: bool
) -> Notification | None:
    message = status_message(application, transition)
    if message is None:
        return None
    address = _address(session, application) if mail_enabled else None
    note = Notification(
        recipient_id=application.applicant_id,
        application_id=application.id,
        title=message[0],
        body=message[1],
        created_at=to_naive_utc(transition.at),
        mail_to=address,
        mail_state=MailState.PENDING if address else MailState.NONE,
        next_attempt_at=to_naive_utc(transition.at) if address else None,
    )
    session.add(note)
    return note


def unread(session: Session, user_id: int, limit: int = 20) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def send_pending(session: Session, config: dict, now: datetime, *, batch: int = 100) -> dict:
    """Send due e-mails; failures are kept and retried later with a growing pause."""
    due = session.scalars(
        select(Notification)
        .where(
            Notification.mail_state.in_([MailState.PENDING, MailState.FAILED]),
            Notification.attempts < MAX_ATTEMPTS,
            or_(
                Notification.next_attempt_at.is_(None),
                Notification.next_attempt_at <= to_naive_utc(now),
            ),
        )
        .order_by(Notification.id)
        .limit(batch)
    ).all()
    counts = {"sent": 0, "failed": 0}
    for note in due:
        try:
            _send(config, note)
            note.mail_state = MailState.SENT
            counts["sent"] += 1
        except (OSError, smtplib.SMTPException) as exc:
            note.attempts += 1
            note.mail_state = MailState.FAILED
            note.last_error = str(exc)[:500]
            note.next_attempt_at = to_naive_utc(now + timedelta(minutes=5 * 2**note.attempts))
            counts["failed"] += 1
    session.flush()
    return counts


def _send(config: dict, note: Notification) -> None:
    message = EmailMessage()
    message["Subject"] = note.title
    message["From"] = config["MAIL_FROM"]
    message["To"] = note.mail_to
    message.set_content(note.body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
