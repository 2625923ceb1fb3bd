"""Staff accounts: the province admin creates every role, unit admins only their unit's
handlers and leaders; nobody grants a role above their scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Account, AuditEvent
from app.roles import STAFF_ROLES, grantable_roles, may_grant
from app.workflow.states import Role
from tests.factories import PASSWORD, make_account, make_committee
from tests.helpers import login

STAFF_PASSWORD = "Staff@2026pw"


def _account(session, username: str) -> Account | None:
    session.expire_all()
    return session.scalars(select(Account).where(Account.username == username)).first()


# -- the rule itself (pure) ------------------------------------------------------------------


@pytest.mark.parametrize("granter", list(Role))
def test_who_may_grant_what(granter):
    expected = {
        Role.PROVINCE_ADMIN: set(STAFF_ROLES),
        Role.UNIT_ADMIN: {Role.UNIT_HANDLER, Role.UNIT_LEADER},
        Role.COMMITTEE_SECRETARY: {Role.EXPERT},
    }.get(granter, set())
    assert set(grantable_roles(granter)) == expected
    for role in Role:
        assert may_grant(granter, role) == (role in expected)
    assert not may_grant(granter, Role.APPLICANT)  # applicants: the unit admin's own pages


# -- province admin --------------------------------------------------------------------------


@pytest.fixture
def province(people, signed_in):
    return signed_in(people.province)


def _place(people, committee, role: Role) -> dict:
    org = people.org
    unit = {
        Role.DEPT_HANDLER: org.dept,
        Role.DEPT_LEADER: org.dept,
        Role.PROVINCE_ADMIN: org.province,
        Role.COMMITTEE_SECRETARY: None,
        Role.EXPERT: org.sibling,  # an expert's own employer, for 回避
    }.get(role, org.unit)
    data = {"unit_code": unit.code if unit else ""}
    if role in (Role.COMMITTEE_SECRETARY, Role.EXPERT):
        data["committee"] = str(committee.id)
    return data


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_province_admin_creates_staff_of_every_role(province, people, session, role):
    committee = make_committee(session, organiser=people.org.province)
    session.commit()
    username = f"new_{role.name.lower()}"
    data = {
        "username": username.upper(),  # stored in lower case
        "name": "新人员",
        "role": role.name,
        "password": STAFF_PASSWORD,
        **_place(people, committee, role),
    }
    response = province.post("/users/add", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    account = _account(session, username)
    assert account.role_names == {role.value}
    assert account.must_change_password
    if role in (Role.COMMITTEE_SECRETARY, Role.EXPERT):
        assert account.committee_id == committee.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.event == "account_created")).one()
    assert event.actor_id == people.province.id and role.value in event.detail


@pytest.mark.parametrize(
    ("role", "place", "message"),
    [
        (Role.UNIT_HANDLER, "dept", "须属于一个基层单位"),
        (Role.DEPT_LEADER, "unit", "须属于一个主管部门"),
        (Role.PROVINCE_ADMIN, "unit", "须属于一个省单位"),
        (Role.EXPERT, "unit", "须选择所属评委会"),
        (Role.UNIT_LEADER, "nowhere", "单位代码“NOPE”不存在"),
        ("NOPE", "unit", "请选择有效的角色"),
        ("APPLICANT", "unit", "请选择有效的角色"),
    ],
)
def test_a_staff_account_needs_the_place_its_role_needs(
    province, people, session, role, place, message
):
    code = {"dept": people.org.dept.code, "unit": people.org.unit.code, "nowhere": "NOPE"}[place]
    name = role.name if isinstance(role, Role) else role
    data = {
        "username": "misplaced",
        "name": "某人",
        "role": name,
        "password": STAFF_PASSWORD,
        "unit_code": code,
    }
    page = province.post("/users/add", data=data)
    assert message in page.get_data(as_text=True)
    assert _account(session, "misplaced") is None


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("ab", STAFF_PASSWORD, "用户名须为3-40位"),
        ("9lives", STAFF_PASSWORD, "以字母开头"),
        ("good_name", "weakpassword", "密码格式要求"),
    ],
)
def test_usernames_and_initial_passwords_are_checked(
    province, people, session, username, password, message
):
    data = {
        "username": username,
        "name": "某人",
        "role": "UNIT_HANDLER",
        "password": password,
        "unit_code": people.org.unit.code,
    }
    assert message in province.post("/users/add", data=data).get_data(as_text=True)


def test_a_taken_username_is_refused(province, people, session):
    data = {
        "username": people.admin.username,
        "name": "重名",
        "role": "UNIT_HANDLER",
        "password": STAFF_PASSWORD,
        "unit_code": people.org.unit.code,
    }
    assert "已存在" in province.post("/users/add", data=data).get_data(as_text=True)


def test_the_account_list_is_paginated_in_the_database(province, people, session):
    for n in range(30):
        make_account(session, Role.UNIT_HANDLER, unit=people.org.unit, username=f"many{n:02d}")
    session.commit()
    html = province.get("/users/list/").get_data(as_text=True)
    assert html.count("data-account=") == 20
    assert "第 1 / 2 页" in html
    only = province.get("/users/list/?role=UNIT_ADMIN").get_data(as_text=True)
    assert only.count("data-account=") == 2
    assert province.get("/users/list/?q=many05").get_data(as_text=True).count("data-account=") == 1


def test_the_province_admin_moves_renames_resets_and_unlocks_staff(province, people, session):
    from datetime import datetime

    staff = make_account(session, Role.UNIT_HANDLER, unit=people.org.unit)
    staff.locked_until = datetime(2030, 1, 1)
    session.commit()
    data = {"name": "改过名", "unit_code": people.org.sibling.code, "committee": ""}
    assert province.post(f"/users/{staff.id}/edit", data=data).status_code == 302
    assert _account(session, staff.username).unit_id == people.org.sibling.id
    bad = {"name": "改过名", "unit_code": people.org.dept.code, "committee": ""}
    assert "须属于一个基层单位" in province.post(f"/users/{staff.id}/edit", data=bad).get_data(
        as_text=True
    )
    assert province.post(f"/users/{staff.id}/unlock").status_code == 302
    assert _account(session, staff.username).locked_until is None
    assert (
        province.post(f"/users/{staff.id}/password", data={"password": STAFF_PASSWORD}).status_code
        == 302
    )
    assert _account(session, staff.username).must_change_password


def test_the_province_admin_resets_an_applicant_to_the_default(province, people, session):
    from app.services.accounts import INITIAL_PASSWORD_MARK

    assert province.post(f"/users/{people.applicant.id}/password").status_code == 302
    assert _account(session, people.applicant.username).password == INITIAL_PASSWORD_MARK


def test_nobody_manages_their_own_account_here(province, people):
    assert province.get(f"/users/{people.province.id}/edit").status_code == 404
    assert province.post(f"/users/{people.province.id}/active").status_code == 404


def test_disabling_ends_the_session_and_the_logins(
    province, people, session, signed_in, new_client
):
    staff = make_account(session, Role.UNIT_HANDLER, unit=people.org.unit)
    session.commit()
    client = signed_in(staff)
    assert province.post(f"/users/{staff.id}/active").status_code == 302
    assert client.get("/review/").status_code == 302
    assert login(new_client(), staff.username, PASSWORD).status_code == 200
    assert province.post(f"/users/{staff.id}/active").status_code == 302  # enable again
    assert login(new_client(), staff.username, PASSWORD).status_code == 302


# -- unit admin ------------------------------------------------------------------------------


@pytest.fixture
def unit_admin(people, signed_in):
    return signed_in(people.admin)


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.UNIT_LEADER])
def test_a_unit_admin_creates_handlers_and_leaders_of_the_unit(unit_admin, people, session, role):
    data = {
        "username": "unit_new",
        "name": "经办",
        "role": role.name,
        "password": STAFF_PASSWORD,
        "unit_id": people.org.other_unit.id,
    }
    assert unit_admin.post("/unit/staff/add", data=data).status_code == 302
    account = _account(session, "unit_new")
    assert account.role_names == {role.value}
    assert account.unit_id == people.org.unit.id  # never the forged unit


@pytest.mark.parametrize(
    "role",
    [
        "UNIT_ADMIN",
        "DEPT_HANDLER",
        "COMMITTEE_SECRETARY",
        "EXPERT",
        "PROVINCE_ADMIN",
        "APPLICANT",
        "BOGUS",
    ],
)
def test_a_unit_admin_cannot_grant_a_role_above_its_scope(unit_admin, session, role):
    data = {"username": "climber", "name": "越权", "role": role, "password": STAFF_PASSWORD}
    page = unit_admin.post("/unit/staff/add", data=data)
    assert page.status_code == 200
    assert "无权创建" in page.get_data(as_text=True) or "有效的角色" in page.get_data(as_text=True)
    assert _account(session, "climber") is None


def test_a_unit_admin_sees_and_manages_only_its_units_staff(unit_admin, people, session):
    mine = make_account(session, Role.UNIT_HANDLER, unit=people.org.unit, name="本单位经办")
    theirs = make_account(session, Role.UNIT_HANDLER, unit=people.org.other_unit, name="外单位经办")
    peer = make_account(session, Role.UNIT_ADMIN, unit=people.org.unit, name="另一个管理员")
    session.commit()
    html = unit_admin.get("/unit/staff/").get_data(as_text=True)
    assert "本单位经办" in html and "外单位经办" not in html
    for target in (theirs, peer, people.admin):
        assert unit_admin.get(f"/unit/staff/{target.id}/edit").status_code == 404
        assert (
            unit_admin.post(f"/unit/staff/{target.id}/edit", data={"name": "x"}).status_code == 404
        )
        assert (
            unit_admin.post(
                f"/unit/staff/{target.id}/password", data={"password": STAFF_PASSWORD}
            ).status_code
            == 404
        )
        assert unit_admin.post(f"/unit/staff/{target.id}/active").status_code == 404
    assert unit_admin.post(f"/unit/staff/{mine.id}/edit", data={"name": "改名"}).status_code == 302
    assert _account(session, mine.username).name == "改名"
    assert unit_admin.post(f"/unit/staff/{mine.id}/active").status_code == 302
    assert _account(session, mine.username).active is False


def test_a_unit_admin_cannot_use_the_province_page(unit_admin, people):
    assert unit_admin.get("/users/list/").status_code == 403
    data = {"username": "sneaky", "name": "x", "role": "PROVINCE_ADMIN", "password": STAFF_PASSWORD}
    assert unit_admin.post("/users/add", data=data).status_code == 403
    assert unit_admin.post(f"/users/{people.outsider.id}/password").status_code == 403
