"""The outbox: e-mails go out through a real SMTP server, and wait when it is down."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from app.models import DossierItem, ItemKind, MailState, Notification
from app.services import review
from app.services.notifications import send_pending
from app.services.scopes import actor_for
from app.workflow.states import Role
from tests.conftest import FIXED_NOW


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def returned_with_email(session, province, submitted, app):
    application = submitted()
    session.add(
        DossierItem(
            application_id=application.id,
            kind=ItemKind.PERSONAL,
            data={"email": "zhang@example.cn"},
        )
    )
    session.commit()
    app.config["MAIL_SERVER"] = "127.0.0.1"
    handler = province.person("unit", Role.UNIT_HANDLER)
    try:
        review.return_for_revision(
            session,
            actor_for(handler),
            handler.name,
            application.id,
            FIXED_NOW,
            reason="缺少学位证书",
            sections=["学历资历"],
        )
        session.commit()
    finally:
        app.config["MAIL_SERVER"] = None
    return application


def _config(port: int) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_FROM": "zc@localhost"}


def test_pending_mail_is_delivered(session, returned_with_email):
    note = session.query(Notification).filter_by(mail_state=MailState.PENDING).one()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        counts = send_pending(session, _config(controller.port), FIXED_NOW)
    finally:
        controller.stop()
    assert counts == {"sent": 1, "failed": 0}
    assert note.mail_state == MailState.SENT
    assert inbox.messages[0].rcpt_tos == ["zhang@example.cn"]
    mail = message_from_bytes(inbox.messages[0].content, policy=default)
    assert mail["Subject"] == "申报被退回修改"
    assert "缺少学位证书" in mail.get_content()


def test_mail_server_down_keeps_the_message_and_retries_later(session, returned_with_email):
    note = session.query(Notification).filter_by(mail_state=MailState.PENDING).one()
    counts = send_pending(session, _config(_free_port()), FIXED_NOW)
    assert counts == {"sent": 0, "failed": 1}
    assert note.mail_state == MailState.FAILED and note.attempts == 1
    # not due again at once ...
    assert send_pending(session, _config(_free_port()), FIXED_NOW) == {"sent": 0, "failed": 0}
    # ... but later, when the server is back
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        later = FIXED_NOW + timedelta(hours=1)
        assert send_pending(session, _config(controller.port), later)["sent"] == 1
    finally:
        controller.stop()
    assert note.mail_state == MailState.SENT
    assert len(inbox.messages) == 1
