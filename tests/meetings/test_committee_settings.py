"""The committee's vote rules and result publicity days, edited by the province admin."""

from __future__ import annotations

import pytest

from app.workflow.states import Role
from tests.factories import make_account


@pytest.fixture
def admin(session, world, as_person):
    account = make_account(session, Role.PROVINCE_ADMIN, unit=world.org.province)
    session.commit()
    return as_person(account)


def _form(world, **changes) -> dict:
    committee = world.committee
    data = {
        "name": committee.name,
        "organiser": str(committee.organiser_id),
        "is_open": "y",
        "series": [str(s.id) for s in committee.series],
        "paper_min": "3",
        "paper_max": "5",
        "quorum_numerator": "2",
        "quorum_denominator": "3",
        "pass_numerator": "2",
        "pass_denominator": "3",
        "result_publicity_days": "5",
    }
    data.update(changes)
    return data


def test_the_admin_sets_the_ratios_and_days(session, world, admin):
    response = admin.post(
        f"/admincommitteeview/edit/{world.committee.id}",
        data=_form(world, pass_numerator="1", pass_denominator="2", result_publicity_days="7"),
    )
    assert response.status_code == 302
    session.refresh(world.committee)
    committee = world.committee
    assert (committee.pass_numerator, committee.pass_denominator) == (1, 2)
    assert committee.result_publicity_days == 7
    assert [s.code for s in committee.series] == ["engineering"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pass_numerator": "4", "pass_denominator": "3"}, "分子不能大于分母"),
        ({"quorum_numerator": "0"}, "比例的分子和分母须为1-100的整数"),
        ({"pass_denominator": "101"}, "比例的分子和分母须为1-100的整数"),
        ({"result_publicity_days": "0"}, "评审结果公示工作日数须为1-60的整数"),
    ],
)
def test_bad_rules_are_refused_in_chinese_and_nothing_changes(
    session, world, admin, changes, message
):
    response = admin.post(
        f"/admincommitteeview/edit/{world.committee.id}", data=_form(world, **changes)
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    session.refresh(world.committee)
    committee = world.committee
    assert (committee.quorum_numerator, committee.quorum_denominator) == (2, 3)
    assert (committee.pass_numerator, committee.pass_denominator) == (2, 3)
    assert committee.result_publicity_days == 5


def test_the_secretary_cannot_edit_the_rules(session, world, as_person):
    client = as_person(world.secretary)
    response = client.post(
        f"/admincommitteeview/edit/{world.committee.id}", data=_form(world, pass_numerator="1")
    )
    assert response.status_code in (302, 403)
    session.refresh(world.committee)
    assert world.committee.pass_numerator == 2


def test_an_unticked_box_saves_false(session, world, admin):
    """FAB would require every NOT NULL column, and an unticked checkbox sends nothing."""
    data = _form(world)
    del data["is_open"]
    response = admin.post(f"/admincommitteeview/edit/{world.committee.id}", data=data)
    assert response.status_code == 302
    session.refresh(world.committee)
    assert world.committee.is_open is False


def test_a_holiday_is_recorded_with_the_box_unticked(session, admin):
    from sqlalchemy import select

    from app.models import WorkdayOverride

    response = admin.post("/adminworkdayview/add", data={"day": "2027-02-08", "note": "春节"})
    assert response.status_code == 302
    row = session.scalars(select(WorkdayOverride)).one()
    assert row.workday is False and row.note == "春节"


@pytest.mark.parametrize("unit_type", ["BOGUS", "", None])
def test_a_unit_with_a_bad_type_is_refused_in_chinese(session, world, admin, unit_type):
    from sqlalchemy import func, select

    from app.models import Unit

    before = session.scalar(select(func.count()).select_from(Unit))
    data = {"code": "999001", "name": "新单位", "region": "兰州市"}
    if unit_type is not None:
        data["type"] = unit_type
    response = admin.post("/adminunitview/add", data=data)
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(Unit)) == before
    if unit_type != "BOGUS":
        assert "请选择单位类型" in response.get_data(as_text=True)


def test_a_unit_is_still_added_by_its_type(session, world, admin):
    from sqlalchemy import select

    from app.models import Unit

    data = {"code": "999002", "name": "新单位", "region": "兰州市", "type": "BASE"}
    data["parent"] = str(world.org.dept.id)
    assert admin.post("/adminunitview/add", data=data).status_code == 302
    assert session.scalars(select(Unit).where(Unit.code == "999002")).one().type.name == "BASE"


@pytest.mark.parametrize(("value", "status"), [("y", 200), ("n", 400), ("", 400), ("是", 400)])
def test_a_boolean_filter_takes_only_what_fab_understands(session, world, admin, value, status):
    """FAB compares anything but "y" to the column as text: PostgreSQL refuses (a 500)."""
    assert admin.get(f"/admincommitteeview/list/?_flt_0_is_open={value}").status_code == status
