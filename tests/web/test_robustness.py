"""Bad ids and retired routes never give a 500."""

from __future__ import annotations

import pytest

from app.workflow.states import Role
from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD, make_account, make_batch, make_committee, make_org
from tests.helpers import login

HUGE = "99999999999999999999999"


@pytest.fixture
def people(session):
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    make_committee(session)
    made = {
        role: make_account(session, role, unit=org.unit)
        for role in (Role.APPLICANT, Role.UNIT_ADMIN, Role.UNIT_HANDLER, Role.UNIT_LEADER)
    }
    made[Role.PROVINCE_ADMIN] = make_account(session, Role.PROVINCE_ADMIN, unit=org.province)
    session.commit()
    return made


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        (Role.APPLICANT, "get", f"/applicant/items/{HUGE}/edit"),
        (Role.APPLICANT, "post", f"/applicant/items/{HUGE}/delete"),
        (Role.APPLICANT, "get", f"/attachments/{HUGE}"),
        (Role.APPLICANT, "get", f"/attachments/{HUGE}/thumb"),
        (Role.UNIT_HANDLER, "get", f"/review/dossier/{HUGE}"),
        (Role.UNIT_HANDLER, "post", f"/review/dossier/{HUGE}/approve"),
        (Role.UNIT_LEADER, "get", f"/review/publicity/{HUGE}/list.xlsx"),
        (Role.UNIT_ADMIN, "get", f"/unit/accounts/{HUGE}/edit"),
        (Role.PROVINCE_ADMIN, "get", f"/adminunitview/show/{HUGE}"),
        (Role.PROVINCE_ADMIN, "get", f"/adminunitview/edit/{HUGE}"),
        (Role.PROVINCE_ADMIN, "get", "/adminunitview/show/-1"),
        (Role.PROVINCE_ADMIN, "get", "/adminunitview/show/abc"),
    ],
)
def test_out_of_range_ids(people, new_client, role, method, path):
    client = new_client()
    login(client, people[role].username, PASSWORD)
    response = getattr(client, method)(path)
    assert response.status_code in (302, 400, 404), (path, response.status_code)


def test_a_huge_number_in_an_admin_form_is_refused_politely(people, new_client):
    client = new_client()
    login(client, people[Role.PROVINCE_ADMIN].username, PASSWORD)
    response = client.post("/adminbatchview/add", data={"year": HUGE, "name": "x"})
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("route", ["/adminunitview/action_post", "/adminunitview/action/x/1"])
def test_bulk_action_routes_are_not_registered(people, new_client, route):
    client = new_client()
    login(client, people[Role.PROVINCE_ADMIN].username, PASSWORD)
    assert client.post(route, data={"action": "x", "rowid": "1"}).status_code in (404, 405)


ADMIN_PAGES = [
    "/adminunitview/list/",
    "/adminseriesview/list/",
    "/adminqualificationview/list/",
    "/adminspecialtyview/list/",
    "/admincommitteeview/list/",
    "/adminbatchview/list/",
    "/adminbatchoverrideview/list/",
    "/adminauditview/list/",
    "/adminworkdayview/list/",
    "/admincommitteeview/add",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_the_province_admins_only(people, new_client, path):
    for role, account in people.items():
        client = new_client()
        login(client, account.username, PASSWORD)
        status = client.get(path).status_code
        if role == Role.PROVINCE_ADMIN:
            assert status == 200, path
        else:
            assert status in (302, 403), (path, role)


def test_unit_form_offers_only_the_province_and_departments_as_parents(session, people, new_client):
    from app.models import Unit
    from app.workflow.states import UnitType

    client = new_client()
    login(client, people[Role.PROVINCE_ADMIN].username, PASSWORD)
    html = client.get("/adminunitview/add").get_data(as_text=True)
    for unit in session.query(Unit).all():
        offered = f">{unit.name}</option>" in html
        assert offered == (unit.type != UnitType.BASE), unit.name
