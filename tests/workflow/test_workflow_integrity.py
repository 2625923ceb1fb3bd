"""撤销职称 rules, pure: who may revoke, the reason, and the three-year ban's last day."""

from __future__ import annotations

from datetime import date

import pytest

from app.workflow import integrity
from app.workflow.actors import Actor
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import Role


def actor(role: Role) -> Actor:
    return Actor(user_id=1, role=role, unit_id=1, committee_id=1)


@pytest.mark.parametrize(
    ("recorded", "last_day"),
    [
        (date(2026, 12, 5), date(2029, 12, 5)),
        (date(2027, 1, 1), date(2030, 1, 1)),
        (date(2028, 2, 29), date(2031, 2, 28)),
        (date(2028, 3, 1), date(2031, 3, 1)),
    ],
)
def test_the_ban_ends_on_the_same_date_three_years_later(recorded, last_day):
    assert integrity.ban_ends(recorded) == last_day


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PROVINCE_ADMIN])
def test_only_the_province_office_revokes(role):
    with pytest.raises(NotAllowed, match="只有省职改办管理员可以撤销职称"):
        integrity.check_revoke(actor(role), revoked=False, reason="论文抄袭")


def test_a_revoked_certificate_is_not_revoked_twice():
    with pytest.raises(InvalidState, match="已撤销"):
        integrity.check_revoke(actor(Role.PROVINCE_ADMIN), revoked=True, reason="论文抄袭")


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请填写撤销原因"), ("  \n ", "请填写撤销原因"), ("假" * 1001, "撤销原因不能超过1000字")],
)
def test_the_reason_is_required_and_bounded(reason, message):
    with pytest.raises(RuleViolation, match=message):
        integrity.check_revoke(actor(Role.PROVINCE_ADMIN), revoked=False, reason=reason)


def test_the_reason_is_kept_stripped():
    kept = integrity.check_revoke(actor(Role.PROVINCE_ADMIN), revoked=False, reason=" 伪造学历 ")
    assert kept == "伪造学历"


@pytest.mark.parametrize(
    ("today", "refused"),
    [(date(2029, 12, 3), True), (date(2029, 12, 4), True), (date(2029, 12, 5), False)],
)
def test_applying_is_refused_until_the_last_day_has_passed(today, refused):
    last = date(2029, 12, 4)
    if refused:
        with pytest.raises(RuleViolation, match=r"2029年12月04日（含）前不得申报职称"):
            integrity.check_not_banned(last, today)
    else:
        integrity.check_not_banned(last, today)
    integrity.check_not_banned(None, today)
