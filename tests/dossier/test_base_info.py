"""申报基础信息 and 进入申报 (manual §3): drop-downs, the combination check, the refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import (
    Application,
    ApplicationHistory,
    Qualification,
    Series,
    Specialty,
)
from app.services import base_info as base_service
from app.workflow.states import ApplicationStatus, Role
from tests.conftest import FIXED_NOW
from tests.dossier.shell_helpers import (
    ENGINEERING_LEAF,
    base_ids,
    count_rows,
    dossier,
    make_world,
    no_english_errors,
    select_options,
    sign_in,
    text,
)
from tests.factories import lookup, make_account, make_batch, make_committee, make_org

URL = "/applicant/base-info/"


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def browser(client, world):
    sign_in(client, world.applicant)
    return client


def applications(session) -> list[Application]:
    session.expire_all()
    return list(session.scalars(select(Application)))


# --- the page --------------------------------------------------------------------------------


def test_landing_page_without_dossier_is_the_base_info_form(browser):
    response = browser.get("/applicant/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(URL)
    html = text(browser.get(URL))
    for label in (
        "申报基础信息",
        "申报方式",
        "申报系列",
        "申报资格",
        "申报专业",
        "有效范围",
        "进入申报",
    ):
        assert label in html
    assert "正常申报（评审正常）" in html
    assert "用人单位考核认定" in html
    assert "工程" in html and "全省基层有效" in html


def test_committee_mode_is_not_offered_but_explained(session, browser):
    html = text(browser.get(URL))
    modes = select_options(html, "mode")
    assert modes == ["请选择", "正常申报（评审正常）", "用人单位考核认定", "破格申报", "转系列申报"]
    assert "先选择“正常申报（评审正常）”" in html


def test_levels_of_a_series_as_json(session, browser):
    series = lookup(session, Series, code="engineering")
    data = browser.get(f"{URL}api/levels?series={series.id}").get_json()
    names = [o["name"] for o in data["options"]]
    assert names == ["正高级工程师", "高级工程师", "工程师", "助理工程师", "技术员"]


def test_specialty_tree_cascades_as_json(session, browser):
    series = lookup(session, Series, code="engineering")
    roots = browser.get(f"{URL}api/specialties?series={series.id}").get_json()["options"]
    assert [o["name"] for o in roots] == ["工学"]
    second = browser.get(f"{URL}api/specialties?series={series.id}&parent={roots[0]['id']}")
    assert "建设工程" in [o["name"] for o in second.get_json()["options"]]
    leaf = lookup(session, Specialty, series_id=series.id, path=ENGINEERING_LEAF)
    third = browser.get(f"{URL}api/specialties?series={series.id}&parent={leaf.parent_id}")
    assert "土木工程" in [o["name"] for o in third.get_json()["options"]]
    below_leaf = browser.get(f"{URL}api/specialties?series={series.id}&parent={leaf.id}")
    assert below_leaf.get_json()["options"] == []


@pytest.mark.parametrize(
    "query", ["series=", "series=abc", "series=-1", "series=1&parent=x", "series=99999999999"]
)
def test_bad_json_arguments_get_a_clear_400(browser, query):
    kind = "specialties" if "parent" in query else "levels"
    response = browser.get(f"{URL}api/{kind}?{query}")
    assert response.status_code == 400
    assert "无效" in response.get_json()["error"]


def test_unknown_or_foreign_nodes_get_404(session, browser):
    engineering = lookup(session, Series, code="engineering")
    health_leaf = session.scalars(
        select(Specialty).where(Specialty.series_id != engineering.id, Specialty.depth == 2)
    ).first()
    assert browser.get(f"{URL}api/levels?series=999999").status_code == 404
    foreign = browser.get(f"{URL}api/specialties?series={engineering.id}&parent={health_leaf.id}")
    assert foreign.status_code == 404


def test_without_javascript_the_refresh_button_fills_the_next_drop_downs(session, browser):
    ids = base_ids(session)
    partial = {"mode": ids["mode"], "series": ids["series"], "specialty_1": ids["specialty_1"]}
    html = text(browser.post(URL, data={**partial, "refresh": "更新选项"}))
    assert "高级工程师" in select_options(html, "qualification")  # 申报资格 of 工程
    assert "建设工程" in select_options(html, "specialty_2")  # children of 工学
    assert select_options(html, "specialty_3") == ["请选择"]  # waits for the second level
    assert "请选择申报资格" not in html  # refreshing is not submitting
    assert applications(session) == []


# --- 进入申报 -----------------------------------------------------------------------------------


def test_enter_creates_the_dossier_with_the_pre_assigned_committee(session, browser, world):
    response = browser.post(URL, data=base_ids(session))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/")
    (application,) = applications(session)
    assert application.status == ApplicationStatus.DRAFTING
    assert application.committee_id == world.committee.id
    assert application.applicant_id == world.applicant.id
    assert application.unit_id == world.org.unit.id
    assert application.specialty.path == ENGINEERING_LEAF
    assert count_rows(session, ApplicationHistory, application_id=application.id) == 1
    home = text(browser.get("/applicant/"))
    assert "预分配评委会" in home and world.committee.name in home
    assert "评审进度" in home and "申报中" in home
    assert "申报信息" in home


def test_after_entering_the_base_info_is_read_only(session, browser, world):
    browser.post(URL, data=base_ids(session))
    again = browser.get(URL)
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/applicant/base-info/show")
    shown = text(browser.get("/applicant/base-info/show"))
    assert "<select" not in shown
    for value in ("工程", "高级工程师", ENGINEERING_LEAF, "全省有效", world.committee.name):
        assert value in shown
    other = base_ids(session, level="engineering-zj")
    response = browser.post(URL, data=other, follow_redirects=True)
    assert base_service.ALREADY_ENTERED in text(response)
    (application,) = applications(session)
    assert application.qualification.code == "engineering-fg"


def test_a_second_click_that_wins_the_race_is_answered_without_500(
    session, browser, world, monkeypatch
):
    dossier(session, world)
    monkeypatch.setattr(base_service, "entered_this_batch", lambda *a, **k: False)
    response = browser.post(URL, data=base_ids(session))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/")
    assert base_service.ALREADY_ENTERED in text(browser.get("/applicant/"))
    assert len(applications(session)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mode": ""}, "请选择申报方式"),
        ({"series": "abc"}, "请选择申报系列"),
        ({"qualification": ""}, "请选择申报资格"),
        ({"specialty_3": ""}, "请选择申报专业（三级）"),
        ({"scope": "0"}, "请选择有效范围"),
        ({"scope": "999999"}, "有效范围无效"),
        ({"mode": "999999"}, "申报方式无效"),
        ({"series": "999999"}, "申报系列无效"),
    ],
)
def test_missing_or_unknown_values_are_refused(session, browser, change, message):
    response = browser.post(URL, data={**base_ids(session), **change})
    assert response.status_code == 200
    assert message in text(response) and no_english_errors(text(response))
    assert applications(session) == []


def test_level_of_another_series_is_refused(session, browser):
    ids = base_ids(session)
    ids["qualification"] = str(lookup(session, Qualification, code="health-doctor-fg").id)
    html = text(browser.post(URL, data=ids))
    assert "申报资格不属于所选申报系列" in html
    assert applications(session) == []


def test_specialty_of_another_series_is_refused(session, browser):
    teacher = base_ids(session, level="school_teacher-fg", specialty="中小学教育》中学》数学")
    ids = base_ids(session)
    for level in ("specialty_1", "specialty_2", "specialty_3"):
        ids[level] = teacher[level]
    html = text(browser.post(URL, data=ids))
    assert base_service.BAD_SPECIALTY in html
    assert applications(session) == []


def test_specialty_must_be_a_third_level_node(session, browser):
    ids = base_ids(session)
    ids["specialty_3"] = ids["specialty_2"]
    assert base_service.BAD_SPECIALTY in text(browser.post(URL, data=ids))
    assert applications(session) == []


def test_inconsistent_specialty_levels_are_refused(session, browser):
    ids = base_ids(session)
    machine = base_ids(session, specialty="工学》机械》车辆工程")
    ids["specialty_2"] = machine["specialty_2"]
    assert "前后不一致" in text(browser.post(URL, data=ids))
    assert applications(session) == []


def test_forged_committee_mode_is_refused_with_the_manual_rule(session, browser):
    ids = base_ids(session, mode="committee")
    html = text(browser.post(URL, data=ids))
    assert base_service.COMMITTEE_MODE_FIRST in html
    assert applications(session) == []


def test_retired_dictionary_entries_are_refused(session, browser):
    level = lookup(session, Qualification, code="engineering-fg")
    level.active = False
    session.commit()
    try:
        html = text(browser.post(URL, data=base_ids(session)))
        assert "申报资格不属于所选申报系列" in html
        series = lookup(session, Series, code="engineering")
        names = [
            o["name"] for o in browser.get(f"{URL}api/levels?series={series.id}").json["options"]
        ]
        assert "高级工程师" not in names
    finally:
        level.active = True
        session.commit()
    assert applications(session) == []


# --- refusals from the lifecycle ---------------------------------------------------------------


def test_no_accepting_committee_says_why_and_creates_nothing(session, client):
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    make_committee(session, series=("health",))
    applicant = make_account(session, unit=org.unit)
    session.commit()
    sign_in(client, applicant)
    response = client.post(URL, data=base_ids(session))
    assert response.status_code == 200
    assert "没有受理该申报系列" in text(response)
    assert applications(session) == []


def test_closed_committee_says_why_and_creates_nothing(session, client):
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    make_committee(session, is_open=False, name="农业系列评委会")
    applicant = make_account(session, unit=org.unit)
    session.commit()
    sign_in(client, applicant)
    html = text(client.post(URL, data=base_ids(session)))
    assert "预分配评委会“农业系列评委会”当前不接受申报" in html
    assert applications(session) == []


def test_after_the_personal_deadline_only_employer_assessment_enters(session, client):
    org = make_org(session)
    make_batch(session, FIXED_NOW, opened_days_ago=60, closes_in_days=-1)
    make_committee(session)
    applicant = make_account(session, unit=org.unit)
    session.commit()
    sign_in(client, applicant)
    html = text(client.post(URL, data=base_ids(session)))
    assert "个人申报已截止" in html
    assert applications(session) == []
    response = client.post(URL, data=base_ids(session, mode="employer"))
    assert response.status_code == 302
    (application,) = applications(session)
    assert application.mode_item.code == "employer"


def test_before_the_batch_opens_nobody_enters(session, client):
    org = make_org(session)
    make_batch(session, FIXED_NOW, opened_days_ago=-5, closes_in_days=30)
    make_committee(session)
    applicant = make_account(session, unit=org.unit)
    session.commit()
    sign_in(client, applicant)
    assert "申报尚未开始" in text(client.post(URL, data=base_ids(session, mode="employer")))
    assert applications(session) == []


def test_without_a_current_batch_nobody_enters(session, client):
    org = make_org(session)
    make_batch(session, FIXED_NOW, is_current=False)
    make_committee(session)
    applicant = make_account(session, unit=org.unit)
    session.commit()
    sign_in(client, applicant)
    assert "当前没有开放的年度申报批次" in text(client.get(URL))
    assert "当前没有开放的年度申报批次" in text(client.post(URL, data=base_ids(session)))
    assert applications(session) == []


# --- who may use it ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.COMMITTEE_SECRETARY, Role.PROVINCE_ADMIN])
def test_other_roles_cannot_use_the_applicant_pages(session, client, world, role):
    account = make_account(session, role, unit=world.org.unit, committee=world.committee)
    session.commit()
    sign_in(client, account)
    for path in (URL, f"{URL}show", f"{URL}api/levels?series=1"):
        assert client.get(path).status_code in (302, 401, 403), path
    assert client.post(URL, data=base_ids(session)).status_code in (302, 403)
    assert applications(session) == []


def test_anonymous_gets_no_options(client, world):
    assert client.get(f"{URL}api/levels?series=1").status_code in (401, 302)


def test_an_account_without_unit_cannot_enter(session, client, world):
    homeless = make_account(session, unit=None)
    session.commit()
    sign_in(client, homeless)
    html = text(client.post(URL, data=base_ids(session)))
    assert base_service.NO_UNIT in html
    assert applications(session) == []


def test_applicants_enter_only_for_themselves(session, new_client, world):
    first, second = new_client(), new_client()
    sign_in(first, world.applicant)
    sign_in(second, world.other)
    first.post(URL, data=base_ids(session))
    second.post(URL, data=base_ids(session, level="engineering-zj"))
    owners = {a.applicant_id: a.qualification.code for a in applications(session)}
    assert owners == {world.applicant.id: "engineering-fg", world.other.id: "engineering-zj"}
    shown = text(second.get("/applicant/base-info/show"))
    assert "工程师" in shown and "高级工程师" not in shown
