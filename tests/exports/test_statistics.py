"""申报统计: the numbers per committee × status for a year, on the page and in the .xlsx, and who
may see them."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.services import exports
from app.views.downloads import XLSX_MIME
from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.conftest import FIXED_NOW
from tests.factories import make_account, make_application, make_batch, make_committee
from tests.helpers import counting_queries, menu_items

S = ApplicationStatus
PAGE = "/admin/statistics/"
XLSX = "/admin/statistics/statistics.xlsx"
HEADER = [
    "评委会",
    "申报中",
    "资格审查中",
    "退回修改",
    "评审中",
    "公示中",
    "已发证",
    "未通过",
    "不予受理",
    "合计",
]
#: besides world's own four 2026 dossiers of 工程高评委 (3 评审中, 1 at 评委会受理)
SEEDED = {
    ("工程高评委", 2026): {
        S.DRAFTING: 2,
        S.RETURNED: 1,
        S.PUBLICITY: 1,
        S.CERTIFIED: 2,
        S.FAILED: 1,
        S.NOT_ACCEPTED: 1,
    },
    ("卫生高评委", 2026): {S.DRAFTING: 1, S.UNDER_REVIEW: 2, S.EVALUATING: 1},
    ("工程高评委", 2025): {S.CERTIFIED: 3},
    ("卫生高评委", 2025): {S.FAILED: 1, S.DRAFTING: 1},
}
#: statuses in HEADER order, then the row total
EXPECTED = {
    2026: [
        ["工程高评委", 2, 1, 1, 3, 1, 2, 1, 1, 12],
        ["卫生高评委", 1, 2, 0, 1, 0, 0, 0, 0, 4],
        ["教育评委会", 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["合计", 3, 3, 1, 4, 1, 2, 1, 1, 16],
    ],
    2025: [
        ["工程高评委", 0, 0, 0, 0, 0, 3, 0, 0, 3],
        ["卫生高评委", 1, 0, 0, 0, 0, 0, 1, 0, 2],
        ["教育评委会", 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["合计", 1, 0, 0, 0, 0, 3, 1, 0, 5],
    ],
    2024: [
        ["工程高评委", *[0] * 9],
        ["卫生高评委", *[0] * 9],
        ["教育评委会", *[0] * 9],
        ["合计", *[0] * 9],
    ],
}


@pytest.fixture
def seeded(session, world):
    """Two committees with applications in two years, and a third committee with none."""
    batches = {
        2026: world.evaluating[0].batch,
        2025: make_batch(session, FIXED_NOW - timedelta(days=365), year=2025, is_current=False),
    }
    committees = {c.name: c for c in (world.committee, world.other_committee)}
    for (name, year), counts in SEEDED.items():
        for status, n in counts.items():
            stage = ReviewStage.UNIT_HANDLER if status == S.UNDER_REVIEW else None
            for _ in range(n):
                make_application(
                    session,
                    unit=world.org.sibling,
                    committee=committees[name],
                    batch=batches[year],
                    status=status,
                    stage=stage,
                )
    make_committee(session, name="教育评委会")
    admin = make_account(session, Role.PROVINCE_ADMIN, unit=world.org.province)
    session.commit()
    return admin


def _table(stats: exports.Statistics) -> list[list]:
    return [list(row) for row in stats.table()]


@pytest.mark.parametrize("year", [2026, 2025, 2024])
def test_numbers_match_the_seeded_applications(session, seeded, year):
    from app.extensions import db

    with counting_queries(db.engine) as counter:
        stats = exports.statistics(session, year)
    assert counter["n"] == 1  # one GROUP BY
    assert _table(stats) == EXPECTED[year]
    assert list(exports.STATISTICS_HEADER) == HEADER


def test_page_shows_the_table(session, seeded, as_person):
    client = as_person(seeded)
    html = client.get(f"{PAGE}?year=2026").get_data(as_text=True)
    assert [_cells(row) for row in _rows(html)] == EXPECTED[2026]
    assert f'href="{XLSX}?year=2026"' in html
    assert '<option value="2025">2025年</option>' in html
    default = client.get(PAGE).get_data(as_text=True)  # the current year (app clock)
    assert [_cells(row) for row in _rows(default)] == EXPECTED[2026]


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="(?:committee|total)-row">(.*?)</tr>', html, re.S)


def _cells(row: str) -> list:
    cells = re.findall(r"<t[hd]>([^<]*)</t[hd]>", row)
    return [cells[0], *map(int, cells[1:])]


def test_xlsx_has_the_same_numbers(session, seeded, as_person):
    response = as_person(seeded).get(f"{XLSX}?year=2025", buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == XLSX_MIME
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''2025" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [HEADER, *EXPECTED[2025]]


@pytest.mark.parametrize("url", [PAGE, XLSX])
@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abc", "年度须为四位数字，如2026"),
        ("2026.0", "年度须为四位数字，如2026"),
        ("1999", "年度须在2000年至2027年之间"),
        ("9999", "年度须在2000年至2027年之间"),
    ],
)
def test_bad_year_gets_a_chinese_message(session, seeded, as_person, url, year, message):
    client = as_person(seeded)
    response = client.get(f"{url}?year={year}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(PAGE)
    assert message in client.get(PAGE).get_data(as_text=True)


def test_only_the_province_admin_sees_statistics(session, world, seeded, as_person, client):
    for url in (PAGE, XLSX):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    others = [world.secretary, world.experts[2], world.evaluating[0].applicant]
    others += [
        make_account(session, role, unit=world.org.unit)
        for role in (Role.UNIT_ADMIN, Role.UNIT_HANDLER, Role.UNIT_LEADER)
    ]
    session.commit()
    for account in others:
        person = as_person(account)
        for url in (PAGE, f"{XLSX}?year=2026"):
            response = person.get(url)
            assert response.status_code in (302, 403), (account.name, url)
            assert response.headers["Content-Type"] != XLSX_MIME
        home = person.get("/", follow_redirects=True).get_data(as_text=True)
        assert "申报统计" not in menu_items(home), account.name
    admin_menu = menu_items(as_person(seeded).get("/admin/").get_data(as_text=True))
    assert "申报统计" in admin_menu and "导出名单" not in admin_menu
