"""导出名单 and 导出评审结果 through the web: file contents, who may download, bad input, and a
fixed number of SQL statements whatever the number of rows."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from app.services import exports, meetings
from app.views.downloads import XLSX_MIME
from app.workflow.states import ApplicationStatus, ReviewStage, Role, VoteChoice
from tests.conftest import FIXED_NOW
from tests.factories import make_account, make_application, make_batch
from tests.helpers import counting_queries, menu_items

LIST_URL = "/committee/exports/applications.xlsx"
S = ApplicationStatus

#: a dossier of the secretary's committee in every status of their scope (this year)
SEEN = {
    "张伟": (S.UNDER_REVIEW, ReviewStage.COMMITTEE_INTAKE),
    "王芳": (S.EVALUATING, None),
    "李娜": (S.PUBLICITY, None),
    "刘洋": (S.CERTIFIED, None),
    "陈静": (S.FAILED, None),
    "杨磊": (S.NOT_ACCEPTED, None),
}
#: this year's dossiers of the committee that are not (or no longer) the committee's business
NOT_YET = {
    "赵敏": (S.DRAFTING, None),
    "黄强": (S.UNDER_REVIEW, ReviewStage.UNIT_HANDLER),
    "周杰": (S.RETURNED, None),
}
SUBMITTED = datetime(2026, 9, 1, 2, 30)  # naive UTC, as stored: 10:30 in Beijing


def results_url(meeting_id) -> str:
    return f"/committee/exports/meetings/{meeting_id}/results.xlsx"


def download(client, url: str) -> list[list]:
    """The sheet's rows of a successful download; checks the response headers on the way."""
    response = client.get(url, buffered=True)  # buffered: the test client closes the file
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Content-Type"] == XLSX_MIME
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    assert int(response.headers["Content-Length"]) == len(response.data)
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def names(rows: list[list], column: int = 1) -> set[str]:
    return {row[column] for row in rows[1:]}


@pytest.fixture
def dossiers(session, world):
    """Chinese-named dossiers: SEEN and NOT_YET of world.committee, one of the other committee
    (吴刚) and one of last year's batch (郑爽)."""
    last_year = make_batch(session, FIXED_NOW - timedelta(days=365), year=2025, is_current=False)
    made = {}

    def make(name, status, stage, **kw):
        applicant = make_account(session, unit=world.org.unit, name=name)
        made[name] = make_application(
            session, applicant=applicant, unit=world.org.unit, status=status, stage=stage, **kw
        )

    for name, (status, stage) in {**SEEN, **NOT_YET}.items():
        make(name, status, stage, committee=world.committee)
    make("吴刚", S.EVALUATING, None, committee=world.other_committee)
    make("郑爽", S.EVALUATING, None, committee=world.committee, batch=last_year)
    made["张伟"].submitted_at = SUBMITTED
    session.commit()
    return made


# --- 申报人员名单 ------------------------------------------------------------------------------


def test_list_has_every_status_of_the_committee_and_nothing_else(
    session, world, dossiers, as_person
):
    rows = download(as_person(world.secretary), LIST_URL)
    assert rows[0] == list(exports.APPLICANT_HEADER)
    routed = {a.applicant.name for a in [*world.evaluating, world.intake]}
    assert names(rows) == set(SEEN) | routed
    assert [row[0] for row in rows[1:]] == list(range(1, len(rows)))
    status_of = {row[1]: row[11] for row in rows[1:]}
    assert status_of["张伟"] == "资格审查中（评委会受理）"
    for name in ("王芳", "李娜", "刘洋", "陈静", "杨磊"):
        assert status_of[name] == SEEN[name][0].label


def test_a_row_has_every_column(session, world, dossiers, as_person):
    rows = download(as_person(world.secretary), LIST_URL)
    row = next(r for r in rows if r[1] == "张伟")
    id_number = dossiers["张伟"].applicant.id_number
    assert row[2:] == [
        id_number,
        "男" if int(id_number[16]) % 2 else "女",
        "设计院",
        "住建厅",
        "工程",
        "高级工程师",
        "工学》建设工程》土木工程",
        "全省有效",
        "正常申报（评审正常）",
        "资格审查中（评委会受理）",
        datetime(2026, 9, 1, 10, 30),  # Beijing time, a real date cell
    ]
    lone = next(r for r in rows if r[1] == world.evaluating[2].applicant.name)
    assert (lone[4], lone[5], lone[12]) == ("农科院", None, None)  # no 主管部门, not submitted


def test_content_disposition_carries_the_chinese_name(session, world, as_person):
    response = as_person(world.secretary).get(f"{LIST_URL}?status=CERTIFIED", buffered=True)
    name = "工程高评委2026年度申报人员名单（已发证）.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=CERTIFIED", {"刘洋"}),
        ("status=NOT_ACCEPTED", {"杨磊"}),
        ("status=UNDER_REVIEW", {"张伟", "intake"}),
        ("year=2025", {"郑爽"}),
        ("year=2025&status=CERTIFIED", set()),
        ("year=2027", set()),
    ],
)
def test_list_filters(session, world, dossiers, as_person, query, expected):
    expected = {world.intake.applicant.name if n == "intake" else n for n in expected}
    rows = download(as_person(world.secretary), f"{LIST_URL}?{query}")
    assert rows[0] == list(exports.APPLICANT_HEADER)
    assert names(rows) == expected


def test_other_secretary_exports_only_their_own_committee(session, world, dossiers, as_person):
    rows = download(as_person(world.other_secretary), LIST_URL)
    assert names(rows) == {"吴刚"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "年度须为四位数字，如2026"),
        ("year=20261", "年度须为四位数字，如2026"),
        ("year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96", "年度须为四位数字，如2026"),  # full-width
        ("year=-2026", "年度须为四位数字，如2026"),
        ("year=1999", "年度须在2000年至2027年之间"),
        ("year=2028", "年度须在2000年至2027年之间"),
        ("status=XYZ", "申报状态无效，请从列表中选择"),
        ("status=DRAFTING", "申报状态无效，请从列表中选择"),  # never the committee's
        ("status=%E5%B7%B2%E5%8F%91%E8%AF%81", "申报状态无效，请从列表中选择"),  # 已发证
    ],
)
def test_bad_list_arguments_get_a_chinese_message(session, world, as_person, query, message):
    client = as_person(world.secretary)
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/committee/exports/")
    page = client.get(response.headers["Location"])
    assert message in page.get_data(as_text=True)


def test_export_page_offers_years_and_statuses(session, world, dossiers, as_person):
    html = as_person(world.secretary).get("/committee/exports/").get_data(as_text=True)
    assert 'action="/committee/exports/applications.xlsx"' in html
    assert '<option value="2026" selected>2026年</option>' in html
    assert '<option value="2025">2025年</option>' in html
    for status in exports.COMMITTEE_STATUSES:
        assert f'<option value="{status.name}">{status.label}</option>' in html
    assert 'value="DRAFTING"' not in html


# --- 评审结果 ----------------------------------------------------------------------------------


def _vote(session, world, meeting, votes):
    """``votes``: {expert index: [choice per world.evaluating dossier, None = no vote]}."""
    for index, choices in votes.items():
        actor = world.actor(world.experts[index])
        for application, choice in zip(world.evaluating, choices, strict=True):
            if choice is not None:
                meetings.cast_vote(session, actor, meeting.id, application.id, choice, FIXED_NOW)
    session.commit()


def test_results_of_a_closed_meeting(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3, start=True)  # experts 0, 1, 2 drawn and present
    A, D, X = VoteChoice.AGREE, VoteChoice.DISAGREE, VoteChoice.ABSTAIN
    # experts 0 (same unit) and 1 (its 主管部门) are recused for world.evaluating[0]
    _vote(session, world, meeting, {0: [None, A, D], 1: [None, X, D], 2: [A, A, A]})
    meetings.close_meeting(
        session, world.actor(world.secretary), world.secretary, meeting.id, FIXED_NOW
    )
    session.commit()
    rows = download(as_person(world.secretary), results_url(meeting.id))
    assert rows[0] == list(exports.RESULT_HEADER)
    first, second, third = (a.applicant.name for a in world.evaluating)
    level, path = "高级工程师", "工学》建设工程》土木工程"
    assert rows[1:] == [
        [1, first, "设计院", level, path, 1, 1, 1, 0, 0, "通过"],
        [2, second, "人民医院", level, path, 3, 3, 2, 0, 1, "通过"],
        [3, third, "农科院", level, path, 3, 3, 1, 2, 0, "未通过"],
    ]
    routed_rows = meetings.meeting_page_data(session, meeting)["routed"]
    for row, routed in zip(rows[1:], routed_rows, strict=True):
        assert routed.tally_text.startswith(f"应到{row[5]}人，实到{row[6]}人；同意{row[7]}票")


def test_a_closed_meetings_counts_stay_as_they_were_closed(session, world, meeting_of, as_person):
    """专家库 may change an expert's work unit later: the closed record does not move."""
    meeting = meeting_of(size=3, start=True)
    A = VoteChoice.AGREE
    _vote(session, world, meeting, {0: [None, A, A], 1: [None, A, A], 2: [A, A, A]})
    meetings.close_meeting(
        session, world.actor(world.secretary), world.secretary, meeting.id, FIXED_NOW
    )
    session.commit()
    client = as_person(world.secretary)
    before = download(client, results_url(meeting.id))
    world.experts[2].unit_id = world.evaluating[1].unit_id  # now recused for dossier [1]
    session.commit()
    after = download(client, results_url(meeting.id))
    assert after == before and before[2][5:7] == [3, 3]


def test_results_before_the_meeting_closes_show_no_votes(session, world, meeting_of, as_person):
    client = as_person(world.secretary)
    preparing = meeting_of(size=3, dossiers=world.evaluating[1:2])
    assert download(client, results_url(preparing.id))[1][5:] == [
        3,
        None,
        None,
        None,
        None,
        "筹备中",
    ]
    voting = meeting_of(
        size=3, dossiers=world.evaluating[2:], start=True, attending=[world.experts[2].id]
    )
    _vote(session, world, voting, {2: [None, None, VoteChoice.AGREE]})
    assert download(client, results_url(voting.id))[1][5:] == [3, 1, None, None, None, "表决中"]


def test_results_name_the_meeting(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3)
    response = as_person(world.secretary).get(results_url(meeting.id), buffered=True)
    name = f"{meeting.name}评审结果.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["Content-Disposition"]


# --- buttons and menus -------------------------------------------------------------------------


def test_buttons_on_the_secretary_pages(session, world, meeting_of, as_person):
    client = as_person(world.secretary)
    listing = client.get("/committee/dossiers/").get_data(as_text=True)
    assert 'href="/committee/exports/"' in listing and "导出名单" in listing
    meeting = meeting_of(size=3)
    page = client.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="{results_url(meeting.id)}"' in page and "导出评审结果" in page
    items = menu_items(listing)
    assert "导出名单" in items and "申报统计" not in items


# --- who may download --------------------------------------------------------------------------


@pytest.fixture
def outsiders(session, world):
    """One account of every role that must not export a committee's lists."""
    org = world.org
    people = {
        role: make_account(session, role, unit=org.dept if "主管部门" in role.value else org.unit)
        for role in (
            Role.APPLICANT,
            Role.UNIT_ADMIN,
            Role.UNIT_HANDLER,
            Role.UNIT_LEADER,
            Role.DEPT_HANDLER,
            Role.DEPT_LEADER,
            Role.PROVINCE_ADMIN,
        )
    }
    people[Role.EXPERT] = world.experts[2]
    session.commit()
    return people


def _secretary_urls(meeting) -> list[str]:
    return ["/committee/exports/", LIST_URL, f"{LIST_URL}?year=2026", results_url(meeting.id)]


def test_anonymous_is_sent_to_login(session, world, meeting_of, client):
    for url in _secretary_urls(meeting_of(size=3)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_other_roles_are_refused(session, world, meeting_of, outsiders, as_person):
    meeting = meeting_of(size=3, start=True)
    for role, account in outsiders.items():
        client = as_person(account)
        for url in _secretary_urls(meeting):
            response = client.get(url)
            assert response.status_code in (302, 403), (role, url, response.status_code)
            assert response.headers["Content-Type"] != XLSX_MIME
        home = client.get("/", follow_redirects=True)
        assert home.status_code == 200
        assert "导出名单" not in menu_items(home.get_data(as_text=True)), role


@pytest.mark.parametrize("meeting_id", ["999999", "abc", "-1", "1.5", "0"])
def test_forged_meeting_ids_are_404(session, world, meeting_of, as_person, meeting_id):
    meeting_of(size=3)
    response = as_person(world.secretary).get(results_url(meeting_id))
    assert response.status_code == 404


def test_another_committees_meeting_is_404(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3, start=True)
    response = as_person(world.other_secretary).get(results_url(meeting.id))
    assert response.status_code == 404
    assert response.headers["Content-Type"] != XLSX_MIME


def test_huge_meeting_id_is_not_a_500(session, world, as_person):
    response = as_person(world.secretary).get(results_url("9" * 30))
    assert response.status_code in (400, 404)


# --- a fixed number of SQL statements ----------------------------------------------------------


def _queries(client, url: str) -> tuple[int, int]:
    """SQL statements of one download (after a warm-up), and the data rows it held."""
    from app.extensions import db

    download(client, url)
    with counting_queries(db.engine) as counter:
        rows = download(client, url)
    return counter["n"], len(rows) - 1


def _more(session, world, n: int, status=S.EVALUATING):
    made = [
        make_application(
            session, unit=world.org.lone_unit, committee=world.committee, status=status
        )
        for _ in range(n)
    ]
    session.commit()
    return made


def test_list_export_issues_the_same_statements_for_1_and_many_rows(session, world, as_person):
    client = as_person(world.secretary)
    url = f"{LIST_URL}?status=CERTIFIED"
    _more(session, world, 1, S.CERTIFIED)
    one, rows = _queries(client, url)
    assert rows == 1
    _more(session, world, 30, S.CERTIFIED)
    many, rows = _queries(client, url)
    assert rows == 31
    assert one == many


def test_list_export_reads_in_chunks(session, world, as_person):
    """yield_per: rows arrive a chunk at a time from one statement, none lost between chunks."""
    from app.extensions import db

    _more(session, world, 7)
    actor = world.actor(world.secretary)
    expected = list(exports.applicant_rows(session, actor, 2026))
    with counting_queries(db.engine) as counter:
        chunked = list(exports.applicant_rows(session, actor, 2026, chunk=2))
    assert len(chunked) == 11
    assert chunked == expected
    assert counter["n"] <= 2  # the committee (unless already loaded) and the rows


def test_results_export_issues_the_same_statements_for_1_and_many_rows(
    session, world, meeting_of, as_person
):
    client = as_person(world.secretary)
    small = meeting_of(size=3, dossiers=[world.evaluating[2]], start=True)
    large = meeting_of(size=3, dossiers=_more(session, world, 12), start=True)
    for meeting in (small, large):
        meetings.close_meeting(
            session, world.actor(world.secretary), world.secretary, meeting.id, FIXED_NOW
        )
    session.commit()
    one, rows_one = _queries(client, results_url(small.id))
    many, rows_many = _queries(client, results_url(large.id))
    assert (rows_one, rows_many) == (1, 12)
    assert one == many
