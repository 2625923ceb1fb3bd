"""The pure 继续教育 rules: which platform years a dossier shows, and what a year lacks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.workflow import evidence as ev
from app.workflow.evidence import Context, HoursRule, PlatformData, PlatformHours

D = Decimal
TODAY = date(2026, 10, 15)


@pytest.mark.parametrize(
    ("batch_year", "title_date", "years"),
    [
        (2026, None, (2022, 2023, 2024, 2025)),
        (2026, date(2015, 12, 20), (2022, 2023, 2024, 2025)),
        (2026, date(2023, 6, 1), (2024, 2025)),
        (2026, date(2025, 12, 31), ()),
        (2022, None, ()),
        (2023, None, (2022,)),
    ],
)
def test_required_years_run_from_2022_or_the_current_title(batch_year, title_date, years):
    assert ev.platform_required_years(batch_year, title_date) == years


@pytest.mark.parametrize(
    ("public", "professional", "shortfalls"),
    [
        (D(30), D(60), ()),
        (D("40.5"), D(70), ()),
        (D(20), D(70), ("公需科目20学时（应不少于30学时）",)),
        (
            D(30),
            D("59.5"),
            ("专业科目59.5学时（应不少于60学时）", "合计89.5学时（应不少于90学时）"),
        ),
        (
            D(0),
            D(0),
            (
                "公需科目0学时（应不少于30学时）",
                "专业科目0学时（应不少于60学时）",
                "合计0学时（应不少于90学时）",
            ),
        ),
    ],
)
def test_a_year_meets_90_hours_with_30_public_and_60_professional(public, professional, shortfalls):
    hours = PlatformHours(2023, public, professional)
    assert ev.hours_shortfalls(hours, HoursRule()) == shortfalls


def test_the_rule_is_a_setting():
    rule = HoursRule(total=D(72), public=D(24), professional=D(48))
    assert ev.hours_shortfalls(PlatformHours(2023, D(24), D(48)), rule) == ()
    assert rule.text == "每年不少于72学时，其中公需科目不少于24学时、专业科目不少于48学时"
    assert HoursRule().text == "每年不少于90学时，其中公需科目不少于30学时、专业科目不少于60学时"


def test_years_table_and_problems():
    platform = PlatformData(
        records=(
            PlatformHours(2022, D(30), D(60)),
            PlatformHours(2024, D(10), D(60)),
            PlatformHours(2026, D(5), D(5)),  # the batch year: shown, not required
        ),
        required_years=(2022, 2023, 2024, 2025),
    )
    rows = ev.platform_years(platform)
    assert [(r.year, r.required, r.meets) for r in rows] == [
        (2022, True, True),
        (2023, True, False),
        (2024, True, False),
        (2025, True, False),
        (2026, False, False),
    ]
    assert rows[0].status == "达标"
    assert rows[1].status == "未从继续教育平台获取到2023年度学时记录"
    assert rows[2].status.startswith("未达标：公需科目10学时（应不少于30学时）")
    problems = ev.platform_problems(platform)
    assert [p.message for p in problems] == [
        "未从继续教育平台获取到2023年度学时记录",
        "2024年度继续教育学时未达标：公需科目10学时（应不少于30学时），合计70学时（应不少于90学时）",
        "未从继续教育平台获取到2025年度学时记录",
    ]
    assert all(p.kind == ev.MATERIAL and p.entry_id is None and not p.blocking for p in problems)


def test_material_list_uses_the_platform_only_when_it_was_looked_up():
    platform = PlatformData(records=(), required_years=(2025,))
    without = Context(batch_year=2026, today=TODAY)
    with_platform = Context(batch_year=2026, today=TODAY, platform=platform)
    assert ev.section_problems([ev.MATERIAL], [], without) == []
    messages = [p.message for p in ev.section_problems([ev.MATERIAL], [], with_platform)]
    assert messages == ["未从继续教育平台获取到2025年度学时记录"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(D(30), "30"), (D("30.0"), "30"), (D("30.5"), "30.5"), (90, "90"), (D("100.0"), "100")],
)
def test_hours_are_shown_without_trailing_zeros(value, text):
    assert ev.format_hours(value) == text
