"""审查推荐 pages: lists, the dossier page and its actions, publicity, progress; scopes."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.factories import PASSWORD
from tests.helpers import login


@pytest.fixture
def as_person(new_client):
    def open_as(account):
        client = new_client()
        login(client, account.username, PASSWORD)
        return client

    return open_as


def test_list_shows_only_what_waits_for_me(session, province, submitted, as_person):
    mine, foreign = submitted(), submitted(unit=province.org.sibling)
    page = as_person(province.person("unit", Role.UNIT_HANDLER)).get("/review/")
    html = page.get_data(as_text=True)
    assert mine.applicant.name in html
    assert foreign.applicant.name not in html
    assert "资格审查中（单位经办人）：1" in html


def test_filters_and_bad_filter_values(session, province, submitted, as_person):
    application = submitted()
    client = as_person(province.person("unit", Role.UNIT_HANDLER))
    name = application.applicant.name
    assert name in client.get(f"/review/?tab=all&name={name}").get_data(as_text=True)
    assert name not in client.get("/review/?tab=all&name=nobody").get_data(as_text=True)
    for query in ("series=abc", "level=-1", "status=BOGUS", "page=x", "id_number=%27%3B--"):
        assert client.get(f"/review/?tab=all&{query}").status_code == 200


def test_approve_and_return_through_the_page(session, province, submitted, as_person):
    application = submitted()
    handler = as_person(province.person("unit", Role.UNIT_HANDLER))
    page = handler.get(f"/review/dossier/{application.id}")
    assert "审核通过" in page.get_data(as_text=True)
    handler.post(f"/review/dossier/{application.id}/return", data={"reason": ""})
    session.refresh(application)
    assert application.status == ApplicationStatus.UNDER_REVIEW
    handler.post(
        f"/review/dossier/{application.id}/return",
        data={"reason": "聘用证明不完整", "sections": ["学历资历"]},
    )
    session.refresh(application)
    assert application.status == ApplicationStatus.RETURNED
    assert application.return_reason == "聘用证明不完整"


@pytest.mark.parametrize("place", ["sibling", "other"])
def test_other_units_get_404_on_the_dossier_and_its_actions(
    session, province, submitted, as_person, place
):
    application = submitted()
    client = as_person(province.person(place, Role.UNIT_HANDLER))
    assert client.get(f"/review/dossier/{application.id}").status_code == 404
    assert client.post(f"/review/dossier/{application.id}/approve").status_code == 404
    session.refresh(application)
    assert application.stage == ReviewStage.UNIT_HANDLER


def test_applicant_and_unit_admin_cannot_use_review_pages(session, province, submitted, as_person):
    application = submitted()
    for account in (application.applicant, province.person("unit", Role.UNIT_ADMIN)):
        client = as_person(account)
        assert client.get("/review/").status_code != 200
        assert client.post(f"/review/dossier/{application.id}/approve").status_code != 200
    session.refresh(application)
    assert application.stage == ReviewStage.UNIT_HANDLER


def test_bulk_approve_from_the_list(session, province, submitted, as_person):
    first, second = submitted(), submitted()
    client = as_person(province.person("unit", Role.UNIT_HANDLER))
    response = client.post(
        "/review/bulk-approve",
        data={"ids": [str(first.id), str(second.id), "abc"]},
        follow_redirects=True,
    )
    assert "已审核通过 2 份申报" in response.get_data(as_text=True)


def test_publicity_form_and_printable_list(session, province, submitted, as_person):
    application = submitted()
    handler = as_person(province.person("unit", Role.UNIT_HANDLER))
    handler.post(f"/review/dossier/{application.id}/approve")
    leader = as_person(province.person("unit", Role.UNIT_LEADER))
    short = leader.post(
        "/review/publicity/",
        data={
            "applications": [str(application.id)],
            "starts_on": "2026-09-29",
            "ends_on": "2026-10-09",
            "place": "公示栏",
        },
        follow_redirects=True,
    )
    assert "结束日期最早为2026年10月10日" in short.get_data(as_text=True)
    ok = leader.post(
        "/review/publicity/",
        data={
            "applications": [str(application.id)],
            "starts_on": "2026-09-28",
            "ends_on": "2026-10-09",
            "place": "公示栏",
        },
        follow_redirects=True,
    )
    assert "单位公示已登记" in ok.get_data(as_text=True)
    from app.models import UnitPublicity

    publicity = session.query(UnitPublicity).one()
    sheet = leader.get(f"/review/publicity/{publicity.id}/list.xlsx", buffered=True)
    assert sheet.status_code == 200
    assert "filename*=UTF-8''" in sheet.headers["Content-Disposition"]
    rows = list(load_workbook(BytesIO(sheet.data)).active.values)
    assert rows[1] == ("姓名", "工作单位", "申报系列", "申报资格", "申报专业")
    assert rows[2][0] == application.applicant.name
    other_leader = as_person(province.person("sibling", Role.UNIT_LEADER))
    assert other_leader.get(f"/review/publicity/{publicity.id}/list.xlsx").status_code == 404
    assert handler.get("/review/publicity/").status_code in (302, 403)


def test_progress_page_counts_and_lists(session, province, submitted, as_person):
    from tests.factories import make_account

    make_account(session, unit=province.org.unit, name="还没开始")
    session.commit()
    submitted()
    client = as_person(province.person("unit", Role.UNIT_HANDLER))
    html = client.get("/review/progress/").get_data(as_text=True)
    assert "未填报" in html and "资格审查中（单位经办人）" in html
    listed = client.get("/review/progress/?bucket=未填报").get_data(as_text=True)
    assert "还没开始" in listed
    assert client.get("/review/progress/?bucket=乱写").status_code == 400


def test_publicity_page_states_a_year_without_a_published_schedule(
    session, province, new_client, app
):
    from datetime import UTC, datetime

    from tests.conftest import FIXED_NOW

    app.config["FIXED_NOW"] = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 2027 is 90 days ahead
    try:
        leader = new_client()
        login(leader, province.person("unit", Role.UNIT_LEADER).username, PASSWORD)
        html = leader.get("/review/publicity/").get_data(as_text=True)
    finally:
        app.config["FIXED_NOW"] = FIXED_NOW
    assert "2027年的节假日调休安排尚未公布" in html
    assert "2026年的节假日" not in html


def test_review_pages_issue_a_fixed_number_of_queries(session, province, submitted, as_person):
    from app.extensions import db
    from tests.helpers import counting_queries

    handler = as_person(province.person("unit", Role.UNIT_HANDLER))

    def queries(url: str) -> int:
        handler.get(url)
        with counting_queries(db.engine) as counter:
            assert handler.get(url).status_code == 200
        return counter["n"]

    first = submitted()
    small = (queries("/review/"), queries("/review/?tab=all"), queries("/review/progress/"))
    detail_small = queries(f"/review/dossier/{first.id}")
    for _ in range(15):
        submitted()
    large = (queries("/review/"), queries("/review/?tab=all"), queries("/review/progress/"))
    assert large == small
    assert queries(f"/review/dossier/{first.id}") == detail_small
