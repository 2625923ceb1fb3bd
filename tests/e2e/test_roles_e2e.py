"""In a real browser, people of each kind log in and land on their own page."""

from __future__ import annotations

import pytest

from app.workflow.states import Role
from tests.conftest import FIXED_NOW
from tests.e2e.conftest import login_in_browser
from tests.factories import PASSWORD, make_account, make_batch, make_committee, make_org


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.APPLICANT, "申报基础信息"),
        (Role.UNIT_HANDLER, "审查推荐"),
        (Role.PROVINCE_ADMIN, "全省申报概况"),
    ],
)
def test_log_in_and_see_name_and_unit(session, browser_page, role, heading):
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    make_committee(session)
    account = make_account(session, role, unit=org.unit, name="测试人员")
    session.commit()
    login_in_browser(browser_page, account.username, PASSWORD)
    assert browser_page.locator("h2.page-title").inner_text() == heading
    assert browser_page.locator("#who-name").inner_text() == "测试人员"
    assert browser_page.locator("#who-unit").inner_text() == org.unit.name
