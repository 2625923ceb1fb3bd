"""Working days by the State Council's calendar, as the publicity rules count them."""

from __future__ import annotations

from datetime import date

import pytest

from app.workdays import Override, WorkdayCalendar


@pytest.fixture
def cal() -> WorkdayCalendar:
    return WorkdayCalendar.for_years([2026, 2027])


def test_ordinary_week(cal):
    assert cal.workdays_between(date(2026, 3, 9), date(2026, 3, 15)) == 5  # Mon..Sun


def test_national_day_holiday_is_skipped(cal):
    # 2026: 10-01..10-07 off; Sat 09-20 and Sat 10-10 are adjusted working days
    assert not cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 10, 7))
    assert cal.workdays_between(date(2026, 9, 28), date(2026, 10, 9)) == 5


def test_adjusted_working_saturday_counts(cal):
    saturday = date(2026, 10, 10)
    assert saturday.weekday() == 5
    assert cal.is_workday(saturday)
    assert cal.workdays_between(date(2026, 10, 8), date(2026, 10, 12)) == 4  # Thu Fri Sat Mon


def test_five_working_days_across_the_holiday(cal):
    # publicity starting Tue 29 Sep 2026: 29, 30 Sep, then 8, 9, 10 (Sat, adjusted) Oct
    assert cal.nth_workday_from(date(2026, 9, 29), 5) == date(2026, 10, 10)


def test_a_year_without_a_published_schedule_is_reported(cal):
    assert cal.is_published(2026)
    assert not cal.is_published(2027)
    assert cal.unpublished_years(date(2026, 12, 28), date(2027, 1, 8)) == [2027]
    # the fixed holiday is still known
    assert not cal.is_workday(date(2027, 1, 1))


def test_admin_overrides_publish_a_year():
    cal = WorkdayCalendar.for_years(
        [2027],
        overrides=[
            Override(date(2027, 2, 20), workday=True, note="春节调休上班"),
            Override(date(2027, 2, 15), workday=False, note="春节"),
        ],
    )
    assert cal.is_published(2027)
    assert cal.is_workday(date(2027, 2, 20))  # a Saturday
    assert not cal.is_workday(date(2027, 2, 15))  # a Monday


def test_nth_workday_needs_a_positive_count(cal):
    with pytest.raises(ValueError):
        cal.nth_workday_from(date(2026, 1, 5), 0)
