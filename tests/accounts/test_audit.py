"""The audit log: who, when, from where, what; the province admin searches it."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent
from app.services.audit import EVENT_LABELS
from tests.conftest import FIXED_NOW
from tests.helpers import login


def test_account_work_leaves_a_trail(people, signed_in, new_client, session):
    username, admin_id = people.applicant.username, people.admin.id
    login(new_client(), username, "Wrong@2026pw")
    admin = signed_in(people.admin)
    admin.post(f"/unit/accounts/{people.applicant.id}/edit", data={"name": "改名了"})
    admin.post(f"/unit/accounts/{people.applicant.id}/reset")
    admin.post(f"/unit/accounts/{people.applicant.id}/delete")
    admin.get("/logout/")
    session.expire_all()
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [r.event for r in rows] == [
        "login_failed",
        "login",
        "account_updated",
        "password_reset",
        "account_deleted",
        "logout",
    ]
    for row in rows:
        assert row.at == FIXED_NOW.replace(tzinfo=None)
        assert row.ip == "127.0.0.1"
        assert row.event in EVENT_LABELS
    assert rows[0].actor_id is None and rows[0].actor_name == username
    assert all(r.actor_id == admin_id for r in rows[1:])
    assert username in rows[4].target  # kept after the account is gone


def test_the_province_admin_searches_the_log(people, signed_in, new_client):
    login(new_client(), "who_is_this", "Wrong@2026pw")
    client = signed_in(people.province)
    page = client.get("/adminauditview/list/?_flt_2_actor_name=who_is")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "who_is_this" in html and "登录失败" in html
    assert signed_in(people.admin).get("/adminauditview/list/").status_code == 403


def test_the_log_cannot_be_edited_from_the_web(people, signed_in, session):
    client = signed_in(people.province)
    (row,) = session.scalars(select(AuditEvent))
    assert client.get(f"/adminauditview/edit/{row.id}").status_code in (403, 404)
    assert client.post(f"/adminauditview/delete/{row.id}").status_code in (403, 404)
    assert client.post("/adminauditview/add", data={"event": "forged"}).status_code in (403, 404)
    session.expire_all()
    assert session.scalars(select(AuditEvent.event).where(AuditEvent.id == row.id)).one() == "login"
