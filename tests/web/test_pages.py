"""The app starts, speaks Chinese, and sends each role to its own page."""

from __future__ import annotations

import pytest

from app.workflow.states import Role
from tests.factories import make_account, make_batch, make_committee, make_org
from tests.helpers import login


def test_login_page_renders_in_chinese(client):
    page = client.get("/login/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "登录" in html
    assert "职称申报评审管理信息系统" in html
    assert "Sign In" not in html


def test_visitors_land_on_the_website_that_leads_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal/")
    home = client.get("/portal/").get_data(as_text=True)
    assert "职称申报入口" in home and 'href="/login/"' in home


@pytest.mark.parametrize("role", [r for r in Role])
def test_each_role_lands_on_its_page(client, session, role):
    from tests.conftest import FIXED_NOW

    org = make_org(session)
    make_batch(session, FIXED_NOW)
    committee = make_committee(session)
    unit = {Role.DEPT_HANDLER: org.dept, Role.DEPT_LEADER: org.dept}.get(role, org.unit)
    account = make_account(session, role, unit=unit, committee=committee)
    session.commit()
    assert login(client, account.username, "Test@2026pw").status_code == 302
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<strong id="who-name">{account.name}</strong>' in html
    assert EXPECTED_TITLE[role] in html


EXPECTED_TITLE = {
    Role.APPLICANT: "申报基础信息",  # no application yet: the base info comes first
    Role.UNIT_ADMIN: "申报人账号",
    Role.UNIT_HANDLER: "审查推荐",
    Role.UNIT_LEADER: "审查推荐",
    Role.DEPT_HANDLER: "审查推荐",
    Role.DEPT_LEADER: "审查推荐",
    Role.COMMITTEE_SECRETARY: "评委会受理",
    Role.EXPERT: "评审会议",
    Role.PROVINCE_ADMIN: "全省申报概况",
}
