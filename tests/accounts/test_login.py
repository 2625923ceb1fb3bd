"""登录 (manual §2): captcha first, one message for every failure, lockout, rate limits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from stdnum.cn.ric import calc_check_digit

from app.extensions import limiter
from app.models import Account, AuditEvent, LoginChallenge
from app.services.accounts import INITIAL_PASSWORD_MARK, create_account, create_applicant
from app.views.auth import login_failed_message
from app.workflow.states import Role
from config import Config
from tests.accounts.conftest import valid_id
from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD, make_account
from tests.helpers import captcha_answer, login


def _error(response) -> bool:
    return login_failed_message() in response.get_data(as_text=True)


def _events(session, event: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


def _reload(session, account: Account) -> Account:
    session.expire_all()
    return session.get(Account, account.id)


def test_login_page_has_the_manuals_fields(client):
    html = client.get("/login/").get_data(as_text=True)
    for label in ("身份证号/用户名", "密码", "验证码", "登录"):
        assert label in html
    assert 'src="/login/captcha"' in html
    assert 'name="captcha"' in html


def test_captcha_is_an_uncached_png_and_the_cookie_does_not_hold_its_answer(app, client):
    response = client.get("/login/captcha")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert "no-store" in response.headers["Cache-Control"]
    cookie = client.get_cookie("session").value
    data = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert app.config["CAPTCHA_FIXED_ANSWER"] not in json.dumps(data)


def test_the_challenge_is_kept_server_side_as_a_keyed_hash(app, client, session):
    client.get("/login/captcha")
    row = session.scalars(select(LoginChallenge)).one()
    first_id = row.id
    assert len(row.answer_hash) == 64
    assert app.config["CAPTCHA_FIXED_ANSWER"] not in row.answer_hash
    client.get("/login/captcha")  # a new image replaces the browser's old challenge
    session.expire_all()
    (second,) = session.scalars(select(LoginChallenge))
    assert second.id != first_id


def test_good_login_goes_on_and_is_audited(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    response = login(client, account.username, PASSWORD)
    assert response.status_code == 302
    (event,) = _events(session, "login")
    assert event.actor_id == account.id
    assert event.ip == "127.0.0.1"
    assert _reload(session, account).login_count == 1


def test_every_failure_gets_the_same_message(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    attempts = [
        login(client, account.username, "Wrong@2026pw"),  # wrong password
        login(client, "nobody_here", PASSWORD),  # unknown user
        login(client, account.username, PASSWORD, captcha="0000"),  # wrong captcha
    ]
    no_image = client.post(
        "/login/", data={"username": account.username, "password": PASSWORD, "captcha": "2468"}
    )
    for response in [*attempts, no_image]:
        assert response.status_code == 200
        assert _error(response)
    details = {e.detail for e in _events(session, "login_failed")}
    assert details == {"密码错误", "账号不存在", "验证码错误或已失效"}


def test_the_password_is_not_checked_without_the_captcha(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    for _ in range(8):
        assert _error(login(client, account.username, "Wrong@2026pw", captcha="0000"))
    account = _reload(session, account)
    assert not account.fail_login_count
    assert account.locked_until is None
    assert login(client, account.username, PASSWORD).status_code == 302


def test_a_captcha_answers_once_even_when_the_cookie_is_replayed(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    answer = captcha_answer(client)
    cookie = client.get_cookie("session").value
    data = {"username": account.username, "password": "Wrong@2026pw", "captcha": answer}
    assert _error(client.post("/login/", data=data))
    client.set_cookie("session", cookie)  # the cookie from before the answer
    data["password"] = PASSWORD
    assert _error(client.post("/login/", data=data))
    assert login(client, account.username, PASSWORD).status_code == 302


def test_a_captcha_expires(app, client, session, monkeypatch):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    answer = captcha_answer(client)
    later = FIXED_NOW + timedelta(seconds=app.config["CAPTCHA_TTL_SECONDS"] + 1)
    monkeypatch.setitem(app.config, "FIXED_NOW", later)
    data = {"username": account.username, "password": PASSWORD, "captcha": answer}
    assert _error(client.post("/login/", data=data))


def test_email_login_is_not_accepted(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    assert _error(login(client, account.email, PASSWORD))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/security/login",
        "/api/v1/security/refresh",
        "/resetmypassword/form",
        "/resetpassword/form",
        "/userinfoeditview/form",
        "/roles/list/",
        "/groups/list/",
        "/users/userinfo/",
    ],
)
def test_fabs_own_login_api_and_user_views_are_not_registered(client, path):
    assert client.post(path, json={"username": "admin", "password": "x"}).status_code in (404, 405)
    assert client.get(path).status_code in (404, 405)


def _number_ending_in_x() -> str:
    body = next(
        f"62010219900101{n:03d}"
        for n in range(1000)
        if calc_check_digit(f"62010219900101{n:03d}") == "X"
    )
    return body + "X"


def test_applicants_log_in_with_their_id_number_as_typed(client, session, people):
    number = _number_ending_in_x()
    create_account(
        session,
        username=number,
        name="末位X",
        password=PASSWORD,
        role=Role.APPLICANT,
        unit=people.org.unit,
        id_number=number,
        must_change_password=False,
    )
    session.commit()
    typed = f" {number[:6]} {number[6:-1]}x "
    assert login(client, typed, PASSWORD).status_code == 302


def test_a_new_applicant_logs_in_with_the_default_password(client, session, people):
    number = valid_id(birth="19880808")
    account = create_applicant(
        session,
        people.admin,
        unit=people.org.unit,
        id_number=number,
        name="新人",
        today=FIXED_NOW.date(),
    )
    session.commit()
    assert account.password == INITIAL_PASSWORD_MARK
    assert _error(login(client, number, "12345678"))
    response = login(client, number, number[-8:])
    assert response.status_code == 302
    assert response.headers["Location"] == "/password/initial/"


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(
    app, client, session, monkeypatch
):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    for _ in range(5):
        assert _error(login(client, account.username, "Wrong@2026pw"))
    locked = _reload(session, account)
    assert locked.locked_until == FIXED_NOW.replace(tzinfo=None) + timedelta(minutes=15)
    assert len(_events(session, "locked")) == 1
    assert _error(login(client, account.username, PASSWORD))  # even the right password
    assert _events(session, "login_failed")[-1].detail == "账号锁定中"
    monkeypatch.setitem(app.config, "FIXED_NOW", FIXED_NOW + timedelta(minutes=14))
    assert _error(login(client, account.username, PASSWORD))
    monkeypatch.setitem(app.config, "FIXED_NOW", FIXED_NOW + timedelta(minutes=16))
    assert login(client, account.username, PASSWORD).status_code == 302
    unlocked = _reload(session, account)
    assert unlocked.locked_until is None
    assert unlocked.fail_login_count == 0


def test_a_good_login_resets_the_count(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    for _ in range(4):
        login(client, account.username, "Wrong@2026pw")
    assert login(client, account.username, PASSWORD).status_code == 302
    client.get("/logout/")
    for _ in range(4):
        login(client, account.username, "Wrong@2026pw")
    assert _reload(session, account).locked_until is None


def test_lockout_settings_are_read_from_the_config(app, client, session, monkeypatch):
    monkeypatch.setitem(app.config, "LOCKOUT_THRESHOLD", 2)
    monkeypatch.setitem(app.config, "LOCKOUT_MINUTES", 60)
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    login(client, account.username, "Wrong@2026pw")
    login(client, account.username, "Wrong@2026pw")
    assert _reload(session, account).locked_until == FIXED_NOW.replace(tzinfo=None) + timedelta(
        minutes=60
    )


def test_a_disabled_account_cannot_log_in(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    account.active = False
    session.commit()
    assert _error(login(client, account.username, PASSWORD))
    assert _events(session, "login_failed")[-1].detail == "账号已停用"


@pytest.fixture
def strict_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "CAPTCHA_RATE_LIMIT", "4 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_login_posts_are_rate_limited_per_address(client, session, strict_limits):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    data = {"username": account.username, "password": "Wrong@2026pw", "captcha": "0000"}
    for _ in range(3):
        assert client.post("/login/", data=data).status_code == 200
    refused = client.post("/login/", data=data)
    assert refused.status_code == 429
    assert "操作过于频繁" in refused.get_data(as_text=True)
    assert client.get("/login/").status_code == 200  # the page itself is not limited
    other = client.post("/login/", data=data, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 200


def test_captcha_images_are_rate_limited(client, strict_limits):
    for _ in range(4):
        assert client.get("/login/captcha").status_code == 200
    assert client.get("/login/captcha").status_code == 429


def test_production_refuses_the_captcha_test_hook():
    from app import create_app

    class Production(Config):
        SECRET_KEY = "not-read-from-the-instance-folder"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        CAPTCHA_FIXED_ANSWER = "1234"

    with pytest.raises(RuntimeError, match="CAPTCHA_FIXED_ANSWER"):
        create_app(Production)


def test_an_incomplete_form_uses_up_the_captcha_too(client, session):
    account = make_account(session, Role.UNIT_HANDLER)
    session.commit()
    captcha_answer(client)
    page = client.post("/login/", data={"username": account.username, "password": PASSWORD})
    assert "请输入验证码" in page.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(LoginChallenge)).first() is None
