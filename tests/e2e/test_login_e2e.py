"""Manual §2 in a real browser: a new applicant logs in through the captcha page with the default
password, is made to change it (修改初始密码, 图3-图5), and logs in again with the new one."""

from __future__ import annotations

import re

from app.services.accounts import create_applicant
from app.workflow.states import Role
from tests.accounts.conftest import valid_id
from tests.conftest import FIXED_NOW
from tests.e2e.conftest import login_in_browser
from tests.factories import make_account, make_batch, make_committee, make_org

NEW_PASSWORD = "Xin@2026mima"


def test_first_login_forces_the_manuals_password_change(session, browser_page):
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    make_committee(session)
    admin = make_account(session, Role.UNIT_ADMIN, unit=org.unit)
    number = valid_id(birth="19930815")
    create_applicant(
        session, admin, unit=org.unit, id_number=number, name="李新人", today=FIXED_NOW.date()
    )
    session.commit()

    page.goto("/login/")
    for label in ("身份证号/用户名", "密码", "验证码"):
        assert page.get_by_text(label, exact=True).count() == 1
    assert page.locator("#captcha-image").evaluate("img => img.naturalWidth") > 0

    # 图1-2: ID number, default password (last 8 characters), captcha, 登录
    login_in_browser(page, number, number[-8:])
    # 图3: the dialog asking for the initial password to be changed
    assert page.locator("h2.page-title").inner_text() == "修改初始密码"
    assert page.locator("#who-name").inner_text() == "李新人"
    assert page.locator("#who-unit").inner_text() == org.unit.name
    page.get_by_role("link", name="确定").click()
    # 图4: the new password, with the manual's rule
    assert (
        "至少包含数字、大写字母、小写字母、其他字符且不少于8位"
        in page.locator("#password-rule").inner_text()
    )
    page.get_by_label("新密码", exact=True).fill("weak")
    page.get_by_label("确认新密码").fill("weak")
    page.get_by_role("button", name="确定").click()
    assert "不少于8位" in page.locator("#password-error").inner_text()
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="确定").click()
    # 图5: 密码修改成功, 确定 leads back to the login page
    assert page.locator("#done-title").inner_text() == "密码修改成功"
    page.get_by_role("link", name="确定").click()
    assert re.search(r"/login/$", page.url)

    # the default password no longer works
    login_in_browser(page, number, number[-8:], expect_success=False)
    assert "密码或验证码错误" in page.locator("#login-error").inner_text()
    login_in_browser(page, number, NEW_PASSWORD)  # into the system: the applicant's pages
    assert "/login" not in page.url and "/password" not in page.url
    assert page.locator("#who-name").inner_text() == "李新人"
    assert page.locator("#nav-unit").inner_text() == org.unit.name
    assert not [p for p in problems if "Content Security Policy" in p], problems
