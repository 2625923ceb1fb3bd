"""专家库: the committee secretary manages their own committee's experts, and nobody else's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Account
from app.services import meetings
from app.workflow.states import Role
from tests.conftest import FIXED_NOW
from tests.factories import make_account
from tests.helpers import login

NEW_PASSWORD = "Zhuanjia@2026"


def new_expert(**changes):
    data = {
        "username": "zj_wang",
        "name": "王专家",
        "unit_code": "",
        "password": NEW_PASSWORD,
    }
    data.update(changes)
    return data


def pool(session, world) -> list[str]:
    return [a.name for a in session.scalars(meetings.expert_pool(world.committee.id))]


def text(response) -> str:
    assert response.status_code < 500
    return response.get_data(as_text=True)


def test_the_list_shows_our_experts_only(world, as_person):
    page = text(as_person(world.secretary).get("/committee/experts/"))
    page = page[page.index('class="table table-striped experts"') :]
    for expert in world.experts:
        assert expert.name in page
    assert world.other_expert.name not in page and world.secretary.name not in page
    assert world.org.unit.name in page  # the work unit that decides 回避


def test_the_secretary_adds_an_expert_to_the_pool(session, world, as_person, new_client):
    secretary = as_person(world.secretary)
    code = world.org.other_unit.code
    response = secretary.post("/committee/experts/add", data=new_expert(unit_code=code))
    assert response.status_code == 302
    expert = session.scalars(select(Account).where(Account.username == "zj_wang")).one()
    assert expert.committee_id == world.committee.id and expert.unit_id == world.org.other_unit.id
    assert [r.name for r in expert.roles] == [Role.EXPERT.value] and expert.must_change_password
    assert "王专家" in pool(session, world)
    assert login(new_client(), "zj_wang", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit_code": "NOPE"}, "单位代码“NOPE”不存在"),
        ({"username": "1x"}, "用户名须为3-40位"),
        ({"password": "short"}, "密码"),
        ({"name": ""}, "请输入姓名"),
    ],
)
def test_bad_input_is_refused_in_chinese(session, world, as_person, changes, message):
    response = as_person(world.secretary).post("/committee/experts/add", data=new_expert(**changes))
    assert response.status_code == 200 and message in text(response)
    assert session.scalars(select(Account).where(Account.username == "zj_wang")).first() is None


def test_a_taken_username_is_refused(session, world, as_person):
    data = new_expert(username=world.experts[2].username)
    page = text(as_person(world.secretary).post("/committee/experts/add", data=data))
    assert f"账号“{world.experts[2].username}”已存在" in page


def test_editing_sets_the_work_unit_that_decides_recusal(session, world, as_person):
    expert = world.experts[2]
    data = {"name": "改名专家", "unit_code": world.org.unit.code}
    response = as_person(world.secretary).post(f"/committee/experts/{expert.id}/edit", data=data)
    assert response.status_code == 302
    session.refresh(expert)
    assert expert.name == "改名专家" and expert.unit_id == world.org.unit.id
    assert expert.committee_id == world.committee.id


def test_disabling_takes_an_expert_out_of_the_draw(session, world, as_person):
    expert = world.experts[3]
    secretary = as_person(world.secretary)
    assert secretary.post(f"/committee/experts/{expert.id}/active").status_code == 302
    session.refresh(expert)
    assert not expert.active and expert.name not in pool(session, world)
    secretary.post(f"/committee/experts/{expert.id}/active")
    session.refresh(expert)
    assert expert.active


def test_resetting_the_password_forces_a_change(session, world, as_person, new_client):
    expert = world.experts[4]
    response = as_person(world.secretary).post(
        f"/committee/experts/{expert.id}/password", data={"password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    session.refresh(expert)
    assert expert.must_change_password
    assert login(new_client(), expert.username, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("action", ["edit", "password", "active"])
@pytest.mark.parametrize("target", ["other_expert", "other_secretary", "secretary", "applicant"])
def test_accounts_outside_the_pool_are_not_found(session, world, as_person, action, target):
    account = {
        "other_expert": world.other_expert,
        "other_secretary": world.other_secretary,
        "secretary": world.secretary,
        "applicant": world.intake.applicant,
    }[target]
    before = (account.name, account.active, account.password, account.unit_id)
    client = as_person(world.secretary)
    url = f"/committee/experts/{account.id}/{action}"
    data = {"name": "篡改", "unit_code": "", "password": NEW_PASSWORD}
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, data=data).status_code == 404
    session.refresh(account)
    assert (account.name, account.active, account.password, account.unit_id) == before


def test_the_other_secretary_cannot_touch_our_experts(session, world, as_person):
    client = as_person(world.other_secretary)
    expert = world.experts[2]
    assert client.post(f"/committee/experts/{expert.id}/active").status_code == 404
    assert world.experts[2].name not in text(client.get("/committee/experts/"))
    session.refresh(expert)
    assert expert.active


@pytest.mark.parametrize(
    "role", [Role.EXPERT, Role.APPLICANT, Role.UNIT_ADMIN, Role.PROVINCE_ADMIN]
)
def test_other_roles_cannot_use_the_page(session, world, as_person, role):
    account = {
        Role.EXPERT: world.experts[2],
        Role.APPLICANT: world.intake.applicant,
    }.get(role) or make_account(
        session, role, unit=world.org.province if role == Role.PROVINCE_ADMIN else world.org.unit
    )
    session.commit()
    client = as_person(account)
    assert client.get("/committee/experts/").status_code in (302, 403)
    client.post("/committee/experts/add", data=new_expert())
    assert session.scalars(select(Account).where(Account.username == "zj_wang")).first() is None


def test_the_menu_shows_the_pool_to_secretaries_only(session, world, as_person):
    assert "专家库" in text(as_person(world.secretary).get("/", follow_redirects=True))
    assert "专家库" not in text(as_person(world.experts[2]).get("/", follow_redirects=True))


def test_a_secretary_cannot_create_an_expert_for_another_committee(session, world):
    from app.services import accounts

    with pytest.raises(accounts.AccountError):
        accounts.create_staff(
            session,
            world.secretary,
            username="zj_li",
            name="李专家",
            role=Role.EXPERT,
            password=NEW_PASSWORD,
            committee=world.other_committee,
        )
    with pytest.raises(accounts.AccountError):
        accounts.create_staff(
            session,
            world.secretary,
            username="ms_li",
            name="李秘书",
            role=Role.COMMITTEE_SECRETARY,
            password=NEW_PASSWORD,
            committee=world.committee,
        )


# --- a drawn expert stays as drawn until the meeting closes -----------------------------------

SITTING = "该专家已被抽取参加尚未结束的评审会议"


@pytest.mark.parametrize("start", [False, True])
def test_a_sitting_expert_cannot_be_moved_disabled_or_reset(
    session, world, as_person, meeting_of, start
):
    """Moving a dissenter into the applicant's unit would recuse them and flip the vote;
    disabling one present would count as a vote not cast; a reset lets the secretary vote."""
    meeting_of(size=3, start=start)  # experts 0, 1, 2 drawn
    expert = world.experts[2]
    before = (expert.unit_id, expert.active, expert.password)
    client = as_person(world.secretary)
    moved = {"name": expert.name, "unit_code": world.evaluating[0].unit.code}
    for url, data in (
        (f"/committee/experts/{expert.id}/edit", moved),
        (f"/committee/experts/{expert.id}/active", {}),
        (f"/committee/experts/{expert.id}/password", {"password": NEW_PASSWORD}),
    ):
        assert SITTING in text(client.post(url, data=data, follow_redirects=True)), url
    session.refresh(expert)
    assert (expert.unit_id, expert.active, expert.password) == before
    # renaming changes nothing the vote depends on
    client.post(f"/committee/experts/{expert.id}/edit", data={"name": "改名专家", "unit_code": ""})
    session.refresh(expert)
    assert expert.name == "改名专家"


def test_after_the_meeting_closes_the_expert_can_be_changed(session, world, as_person, meeting_of):
    meeting = meeting_of(size=3, start=True)
    meetings.close_meeting(
        session, world.actor(world.secretary), world.secretary, meeting.id, FIXED_NOW
    )
    session.commit()
    expert = world.experts[2]
    response = as_person(world.secretary).post(f"/committee/experts/{expert.id}/active")
    assert response.status_code == 302
    session.refresh(expert)
    assert not expert.active


def test_an_undrawn_expert_can_be_changed_while_others_sit(session, world, as_person, meeting_of):
    meeting_of(size=3, start=True)
    expert = world.experts[4]  # not drawn
    data = {"name": expert.name, "unit_code": world.org.unit.code}
    assert (
        as_person(world.secretary)
        .post(f"/committee/experts/{expert.id}/edit", data=data)
        .status_code
        == 302
    )
    session.refresh(expert)
    assert expert.unit_id == world.org.unit.id
