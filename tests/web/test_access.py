"""Role pages refuse the wrong roles; list arguments are validated before FAB sees them."""

from __future__ import annotations

import pytest

from app.workflow.states import Role
from tests.conftest import FIXED_NOW
from tests.factories import (
    PASSWORD,
    make_people,
)
from tests.helpers import login, menu_items

PAGES = {
    "/applicant/base-info/": {Role.APPLICANT},
    "/unit/accounts/": {Role.UNIT_ADMIN},
    "/review/": {Role.UNIT_HANDLER, Role.UNIT_LEADER, Role.DEPT_HANDLER, Role.DEPT_LEADER},
    "/committee/dossiers/": {Role.COMMITTEE_SECRETARY},
    "/committee/exports/": {Role.COMMITTEE_SECRETARY},
    "/committee/experts/": {Role.COMMITTEE_SECRETARY},
    "/committee/results/": {Role.COMMITTEE_SECRETARY},
    "/committee/meetings/": {Role.COMMITTEE_SECRETARY},
    "/expert/": {Role.EXPERT},
    "/admin/": {Role.PROVINCE_ADMIN},
    "/admin/continuing-education/": {Role.PROVINCE_ADMIN},
    "/admin/statistics/": {Role.PROVINCE_ADMIN},
    "/admin/integrity/": {Role.PROVINCE_ADMIN},
    "/adminnoticeview/list/": {Role.PROVINCE_ADMIN},
    "/adminunitview/list/": {Role.PROVINCE_ADMIN},
    "/adminbatchview/list/": {Role.PROVINCE_ADMIN},
    "/users/list/": {Role.PROVINCE_ADMIN},
}


@pytest.fixture
def people(session):
    return make_people(session, FIXED_NOW)


@pytest.mark.parametrize("path", PAGES)
def test_pages_open_only_for_their_roles(people, new_client, path):
    for role, account in people.items():
        client = new_client()
        login(client, account.username, PASSWORD)
        response = client.get(path)
        if role in PAGES[path]:
            assert response.status_code == 200, (path, role)
        else:
            assert response.status_code in (302, 403), (path, role)
            assert response.status_code != 200


def test_anonymous_is_sent_to_login(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "query",
    [
        "psize_AdminUnitView=100000",
        "psize_AdminUnitView=abc",
        "psize_AdminUnitView=0",
        "page_AdminUnitView=-1",
        "_oc_AdminUnitView=password",
        "_oc_AdminUnitView=parent.nonexistent",
        "_oc_NoSuchView=name",
        "_od_AdminUnitView=sideways",
    ],
)
def test_bad_list_arguments_get_a_clear_400(people, client, query):
    login(client, people[Role.PROVINCE_ADMIN].username, PASSWORD)
    response = client.get(f"/adminunitview/list/?{query}")
    assert response.status_code == 400
    assert "无效" in response.get_data(as_text=True)


def test_good_list_arguments_pass(people, client):
    login(client, people[Role.PROVINCE_ADMIN].username, PASSWORD)
    response = client.get("/adminunitview/list/?psize_AdminUnitView=50&_oc_AdminUnitView=name")
    assert response.status_code == 200


def test_menus_show_only_what_a_role_can_open(people, new_client):
    admin = new_client()
    login(admin, people[Role.PROVINCE_ADMIN].username, PASSWORD)
    items = menu_items(admin.get("/admin/").get_data(as_text=True))
    assert {"全省申报概况", "年度批次"} <= items
    personal = {"填报信息", "申报人账号", "单位人员账号", "审查推荐", "评委会受理", "评审会议"}
    assert not items & (personal | {"评审结果公示与发证"})
    secretary = new_client()
    login(secretary, people[Role.COMMITTEE_SECRETARY].username, PASSWORD)
    items = menu_items(secretary.get("/committee/dossiers/").get_data(as_text=True))
    assert {"评委会受理", "评审会议", "评审结果公示与发证"} <= items
    assert not items & {"全省申报概况", "年度批次", "审查推荐", "填报信息"}
    applicant = new_client()
    login(applicant, people[Role.APPLICANT].username, PASSWORD)
    html = applicant.get("/applicant/").get_data(as_text=True)
    assert "年度批次" not in html  # an item of the admin's 系统管理 menu
    assert "审查推荐" not in html
