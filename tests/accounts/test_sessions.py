"""Sessions: old cookies die on logout and password change, idle timeout, cookie flags,
security headers, CSRF, and the forced 修改初始密码 (manual §2, 图3-图5)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Account, AuditEvent
from app.services.accounts import create_applicant
from app.validators.passwords import PASSWORD_RULE
from app.workflow.states import Role
from tests.accounts.conftest import valid_id
from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD, make_account
from tests.helpers import login

NEW_PASSWORD = "Neu@2026pw"


def _shows_page(client, path: str) -> bool:
    return client.get(path).status_code == 200


def _clone(new_client, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    other = new_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_a_cookie_from_before_logout_no_longer_works(people, signed_in, new_client):
    client = signed_in(people.admin)
    stolen = _clone(new_client, client)
    assert _shows_page(stolen, "/unit/accounts/")
    client.get("/logout/")
    response = stolen.get("/unit/accounts/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_changing_the_password_ends_every_other_session(people, signed_in, new_client):
    client = signed_in(people.admin)
    other = signed_in(people.admin)
    response = client.post(
        "/password/change",
        data={"current": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/password/done"
    assert client.get("/unit/accounts/").status_code == 302
    assert other.get("/unit/accounts/").status_code == 302
    assert login(new_client(), people.admin.username, NEW_PASSWORD).status_code == 302


def test_an_admin_reset_ends_the_applicants_session(people, signed_in):
    applicant = signed_in(people.applicant)
    admin = signed_in(people.admin)
    admin.post(f"/unit/accounts/{people.applicant.id}/reset")
    assert applicant.get("/applicant/").status_code == 302


def test_an_idle_session_times_out(app, people, signed_in, monkeypatch):
    client = signed_in(people.admin)
    for minutes in (29, 58):  # each request restarts the clock
        monkeypatch.setitem(app.config, "FIXED_NOW", FIXED_NOW + timedelta(minutes=minutes))
        assert _shows_page(client, "/unit/accounts/")
    monkeypatch.setitem(app.config, "FIXED_NOW", FIXED_NOW + timedelta(minutes=58 + 31))
    response = client.get("/unit/accounts/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    monkeypatch.setitem(app.config, "FIXED_NOW", FIXED_NOW + timedelta(minutes=58 + 32))
    assert client.get("/unit/accounts/").status_code == 302  # logged out for good


def test_session_cookie_flags(app, client, session, monkeypatch):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    cookie = login(client, account.username, PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = client.get("/login/captcha")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_security_headers_and_a_csp_nonce_that_fab_pages_use(people, signed_in):
    client = signed_in(people.province)
    response = client.get("/adminunitview/list/")
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "no-store" in headers["Cache-Control"]
    login_page = client.get("/login/")
    assert login_page.headers["Content-Security-Policy"] != csp  # a fresh nonce each response


def test_fab_pages_show_name_and_unit_in_the_navbar(people, signed_in):
    html = signed_in(people.province).get("/adminunitview/list/").get_data(as_text=True)
    assert '<span id="nav-name">省管理员</span>' in html
    assert f'<span id="nav-unit">{people.org.province.name}</span>' in html


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_posts_without_a_csrf_token_are_refused(app, people, signed_in, session, monkeypatch):
    client = signed_in(people.admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production
    target = people.applicant
    target_id = target.id
    refused = [
        client.post("/unit/accounts/add", data={"id_number": valid_id(), "name": "某人"}),
        client.post(f"/unit/accounts/{target.id}/delete"),
        client.post(f"/unit/accounts/{target.id}/reset"),
        client.post(
            "/password/change",
            data={"current": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ),
        client.post("/login/", data={"username": "x", "password": "y", "captcha": "2468"}),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused)
    session.expire_all()
    assert session.get(Account, target_id) is not None
    assert session.scalars(select(Account).where(Account.first_name == "某人")).first() is None
    form = client.get(f"/unit/accounts/{target_id}/delete").get_data(as_text=True)
    accepted = client.post(f"/unit/accounts/{target_id}/delete", data={"csrf_token": _token(form)})
    assert accepted.status_code == 302
    session.expire_all()
    assert session.get(Account, target_id) is None


def test_login_works_with_csrf_on(people, new_client, csrf_on):
    client = new_client()
    token = _token(client.get("/login/").get_data(as_text=True))
    client.get("/login/captcha")
    response = client.post(
        "/login/",
        data={
            "csrf_token": token,
            "username": people.admin.username,
            "password": PASSWORD,
            "captcha": "2468",
        },
    )
    assert response.status_code == 302


# -- 修改初始密码 -------------------------------------------------------------------------------


@pytest.fixture
def newcomer(session, people):
    number = valid_id(birth="19920304")
    account = create_applicant(
        session,
        people.admin,
        unit=people.org.unit,
        id_number=number,
        name="新申报人",
        today=FIXED_NOW.date(),
    )
    session.commit()
    return account


@pytest.fixture
def first_login(newcomer, client):
    response = login(client, newcomer.username, newcomer.id_number[-8:])
    assert response.headers["Location"] == "/password/initial/"
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/applicant/",
        "/unit/accounts/",
        "/users/list/",
        "/password/change",
        "/api/v1/menu/",
        "/admin/",
    ],
)
def test_the_forced_change_cannot_be_skipped_by_url(first_login, path):
    response = first_login.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/password/initial/"


def test_the_forced_change_cannot_be_skipped_by_post(first_login):
    response = first_login.post("/unit/accounts/add", data={"name": "x"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/password/initial/"


def test_the_dialog_form_and_success_follow_the_manual(first_login, newcomer, new_client, session):
    dialog = first_login.get("/password/initial/").get_data(as_text=True)
    assert "修改初始密码" in dialog and "确定" in dialog
    assert '<strong id="who-name">新申报人</strong>' in dialog  # name and unit to check
    form = first_login.get("/password/initial/new").get_data(as_text=True)
    assert PASSWORD_RULE in form and "确定" in form
    done = first_login.post(
        "/password/initial/new", data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.headers["Location"] == "/password/done"
    success = first_login.get("/password/done").get_data(as_text=True)
    assert "密码修改成功" in success and 'href="/login/"' in success and "确定" in success
    assert first_login.get("/applicant/").status_code == 302  # logged out: log in again
    assert "验证码" in login(first_login, newcomer.username, newcomer.id_number[-8:]).get_data(
        as_text=True
    )
    again = new_client()
    assert login(again, newcomer.username, NEW_PASSWORD).headers["Location"] == "/"
    home = again.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert '<strong id="who-name">新申报人</strong>' in home.get_data(as_text=True)
    session.expire_all()
    assert session.get(Account, newcomer.id).must_change_password is False
    events = session.scalars(select(AuditEvent.event).where(AuditEvent.actor_id == newcomer.id))
    assert "password_changed" in set(events)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("abc", "abc", "不少于8位"),
        ("abcdefgh1!", "abcdefgh1!", "大写字母"),
        ("ABCDEFGH1!", "ABCDEFGH1!", "小写字母"),
        ("Abcdefghi!", "Abcdefghi!", "数字"),
        ("Abcdefgh12", "Abcdefgh12", "其他字符"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "两次输入的新密码不一致"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_rule(first_login, new, confirm, message):
    page = first_login.post("/password/initial/new", data={"new_password": new, "confirm": confirm})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert message in html
    assert first_login.get("/applicant/").headers["Location"] == "/password/initial/"


def test_the_new_password_must_differ_from_the_initial_one(session, people, client):
    staff = make_account(
        session, Role.UNIT_HANDLER, unit=people.org.unit, must_change_password=True
    )
    session.commit()
    assert login(client, staff.username, PASSWORD).headers["Location"] == "/password/initial/"
    page = client.post(
        "/password/initial/new", data={"new_password": PASSWORD, "confirm": PASSWORD}
    )
    assert "新密码不能与初始密码相同" in page.get_data(as_text=True)


def test_a_later_change_needs_the_current_password(people, signed_in, session):
    client = signed_in(people.admin)
    page = client.post(
        "/password/change",
        data={"current": "Wrong@2026pw", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "原密码错误" in page.get_data(as_text=True)
    same = client.post(
        "/password/change",
        data={"current": PASSWORD, "new_password": PASSWORD, "confirm": PASSWORD},
    )
    assert "新密码不能与原密码相同" in same.get_data(as_text=True)
    assert client.get("/unit/accounts/").status_code == 200
