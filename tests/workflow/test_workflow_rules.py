"""Batch window edges (Beijing time, 用人单位考核认定 exempt) and 评委会考核认定 eligibility."""

from datetime import UTC, datetime, timedelta

import pytest

from app.workflow import transitions as tr
from app.workflow.errors import RuleViolation
from app.workflow.rules import Window, check_committee_assessment, in_window
from app.workflow.states import ApplicationStatus, DeclarationMode, Grade, Role

SECOND = timedelta(seconds=1)
NORMAL, EMPLOYER, COMMITTEE = DeclarationMode


@pytest.mark.parametrize(
    ("offset_from_open", "expected"),
    [(-SECOND, False), (timedelta(0), True), (SECOND, True)],
    ids=["second-before-open", "at-open", "second-after-open"],
)
@pytest.mark.parametrize("mode", [NORMAL, COMMITTEE, EMPLOYER])
def test_window_opening_edge(offset_from_open, expected, mode, window) -> None:
    assert in_window(window, window.opens_at + offset_from_open, mode) is expected


@pytest.mark.parametrize(
    ("offset_from_deadline", "normal", "employer"),
    [(-SECOND, True, True), (timedelta(0), False, True), (SECOND, False, True)],
    ids=["second-before-deadline", "at-deadline", "second-after-deadline"],
)
def test_window_deadline_edge(offset_from_deadline, normal, employer, window) -> None:
    moment = window.personal_deadline + offset_from_deadline
    assert in_window(window, moment, NORMAL) is normal
    assert in_window(window, moment, COMMITTEE) is normal
    assert in_window(window, moment, EMPLOYER) is employer


def test_deadline_compares_instants_not_wall_clocks(window) -> None:
    # 30 September 24:00 in Beijing is 16:00 UTC the same day
    assert in_window(window, datetime(2024, 9, 30, 15, 59, 59, tzinfo=UTC), NORMAL)
    assert not in_window(window, datetime(2024, 9, 30, 16, 0, 0, tzinfo=UTC), NORMAL)


@pytest.mark.parametrize(
    ("offset", "mode", "allowed"),
    [
        (-SECOND, NORMAL, True),
        (SECOND, NORMAL, False),
        (-SECOND, EMPLOYER, True),
        (SECOND, EMPLOYER, True),
        (timedelta(days=60), EMPLOYER, True),
    ],
)
def test_submit_at_the_deadline(offset, mode, allowed, make_app, make_actor, window) -> None:
    app = make_app(mode=mode)
    now = window.personal_deadline + offset
    applicant = make_actor(Role.APPLICANT)
    if allowed:
        tr.submit(app, applicant, now, complete=True, pledged=True, window=window)
        assert app.status == ApplicationStatus.UNDER_REVIEW
        return
    with pytest.raises(RuleViolation) as caught:
        tr.submit(app, applicant, now, complete=True, pledged=True, window=window)
    assert str(caught.value) == "个人申报已截止（截止时间2024年10月01日00:00）"
    assert app.status == ApplicationStatus.DRAFTING


def test_messages_show_beijing_time_whatever_zone_the_window_uses(make_app, make_actor) -> None:
    utc_window = Window(
        datetime(2024, 7, 1, 1, 0, tzinfo=UTC), datetime(2024, 9, 30, 16, 0, tzinfo=UTC)
    )
    with pytest.raises(RuleViolation, match="系统开启时间为2024年07月01日09:00"):
        tr.submit(
            make_app(),
            make_actor(Role.APPLICANT),
            datetime(2024, 6, 30, tzinfo=UTC),
            complete=True,
            pledged=True,
            window=utc_window,
        )


def test_window_rejects_naive_or_reversed_times(window) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Window(datetime(2024, 7, 1), window.personal_deadline)
    with pytest.raises(ValueError, match="before"):
        Window(window.personal_deadline, window.opens_at)
    with pytest.raises(ValueError, match="timezone-aware"):
        in_window(window, datetime(2024, 9, 1), NORMAL)


#: (grade, 有效范围 code) pairs for which 评委会考核认定 is allowed
ASSESSABLE = {
    (Grade.SENIOR_FULL, "grassroots"),
    (Grade.SENIOR_FULL, "hardship"),
    (Grade.SENIOR_DEPUTY, "grassroots"),
    (Grade.SENIOR_DEPUTY, "hardship"),
}


@pytest.mark.parametrize("scope_code", ["province", "grassroots", "hardship", "unit", "bogus"])
@pytest.mark.parametrize("grade", list(Grade))
def test_committee_assessment_rule(grade, scope_code) -> None:
    if (grade, scope_code) in ASSESSABLE:
        check_committee_assessment(grade, scope_code)
        return
    with pytest.raises(RuleViolation) as caught:
        check_committee_assessment(grade, scope_code)
    assert str(caught.value) == "评委会考核认定仅限于全省基层有效或全省艰苦边远地区有效的高级职称"
