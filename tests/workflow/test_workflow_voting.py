"""评审会议 rules as pure functions: ratios, tallies, drawing, recusal, meeting moves, ballots."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.permissions import can_view
from app.workflow.states import ApplicationStatus, MeetingStatus, Role, VoteOutcome
from app.workflow.voting import (
    DEFAULT_PASS,
    DEFAULT_QUORUM,
    Ratio,
    Tally,
    can_manage_meeting,
    check_ballot,
    check_conflict,
    check_size,
    close,
    draw_experts,
    is_recused,
    require_manage,
    start_voting,
)
from tests.workflow.conftest import COMMITTEE_ID, DEPT_ID, UNIT_ID

M, S = MeetingStatus, ApplicationStatus
TWO_THIRDS = Ratio(2, 3)
HALF = Ratio(1, 2)
ODD_SIZE = "抽取的评审专家人数须为奇数"
NOT_MANAGER = "只有本评委会的评委会秘书可以管理该评审会议"


def meeting(status=M.PREPARING, committee_id=COMMITTEE_ID) -> SimpleNamespace:
    return SimpleNamespace(status=status, committee_id=committee_id)


# --- Ratio ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("numerator", "denominator"), [(0, 3), (-1, 3), (4, 3), (1, 0), (0, 0)])
def test_a_ratio_must_lie_between_nothing_and_all(numerator, denominator) -> None:
    with pytest.raises(ValueError, match=f"bad ratio {numerator}/{denominator}"):
        Ratio(numerator, denominator)


def test_a_whole_ratio_is_allowed_and_labelled() -> None:
    assert Ratio(3, 3).label == "3/3"
    assert TWO_THIRDS.label == "2/3"


def test_the_defaults_are_two_thirds() -> None:
    assert (DEFAULT_QUORUM.numerator, DEFAULT_QUORUM.denominator) == (2, 3)
    assert (DEFAULT_PASS.numerator, DEFAULT_PASS.denominator) == (2, 3)


@pytest.mark.parametrize(
    ("part", "whole", "met"),
    [
        (4, 6, True),  # exactly 2/3, counted in integers
        (3, 5, False),  # 0.6 < 2/3
        (2, 3, True),
        (1, 2, False),
        (7, 10, True),
        (6, 10, False),
        (5, 5, True),
        (0, 5, False),
        (0, 0, False),  # nobody there: never met
        (1, 0, False),
    ],
)
def test_two_thirds_boundaries(part, whole, met) -> None:
    assert TWO_THIRDS.met(part, whole) is met


def test_a_half_is_met_by_exactly_half() -> None:
    assert HALF.met(3, 6) is True
    assert HALF.met(2, 5) is False


# --- Tally ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tally", "outcome"),
    [
        pytest.param(Tally(5, 3, agree=3), VoteOutcome.NO_QUORUM, id="3-of-5-present-no-quorum"),
        pytest.param(Tally(6, 4, agree=4), VoteOutcome.PASSED, id="4-of-6-present-is-quorum"),
        pytest.param(Tally(0, 0), VoteOutcome.NO_QUORUM, id="no-members"),
        pytest.param(Tally(5, 0), VoteOutcome.NO_QUORUM, id="nobody-present"),
        pytest.param(Tally(6, 6, agree=4, disagree=2), VoteOutcome.PASSED, id="exactly-2/3-agree"),
        pytest.param(Tally(5, 5, agree=3, disagree=2), VoteOutcome.FAILED, id="3-of-5-agree"),
        pytest.param(Tally(5, 5, agree=4, abstain=1), VoteOutcome.PASSED, id="4-of-5-agree"),
        pytest.param(Tally(6, 6, agree=3, abstain=3), VoteOutcome.FAILED, id="abstain-counts"),
        pytest.param(Tally(6, 6, agree=3), VoteOutcome.FAILED, id="non-voters-count"),
        pytest.param(Tally(9, 6, agree=4, abstain=2), VoteOutcome.PASSED, id="of-those-present"),
        pytest.param(Tally(5, 5, disagree=5), VoteOutcome.FAILED, id="all-disagree"),
        pytest.param(Tally(1, 1, agree=1), VoteOutcome.PASSED, id="a-single-member"),
    ],
)
def test_outcome_at_two_thirds(tally, outcome) -> None:
    assert tally.outcome(TWO_THIRDS, TWO_THIRDS) == outcome


def test_quorum_and_pass_ratios_are_separate() -> None:
    tally = Tally(6, 3, agree=2, disagree=1)
    assert tally.outcome(TWO_THIRDS, TWO_THIRDS) == VoteOutcome.NO_QUORUM
    assert tally.outcome(HALF, TWO_THIRDS) == VoteOutcome.PASSED
    assert Tally(6, 6, agree=3).outcome(TWO_THIRDS, HALF) == VoteOutcome.PASSED


def test_tally_text_names_every_count() -> None:
    text = Tally(5, 5, agree=3, disagree=1, abstain=1).text
    assert text == "应到5人，实到5人；同意3票，不同意1票，弃权1票"


def test_tally_text_names_those_present_who_did_not_vote() -> None:
    text = Tally(7, 5, agree=2, disagree=1).text
    assert text == "应到7人，实到5人；同意2票，不同意1票，弃权0票，未投票2人"


# --- drawing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, -1, 2, 4, 10])
def test_an_even_or_empty_size_is_refused(size) -> None:
    with pytest.raises(RuleViolation, match=ODD_SIZE):
        check_size(size)


@pytest.mark.parametrize("size", [1, 3, 99])
def test_an_odd_size_is_accepted(size) -> None:
    assert check_size(size) is None


def test_drawing_an_even_number_is_refused_before_the_pool_is_looked_at() -> None:
    with pytest.raises(RuleViolation, match=ODD_SIZE):
        draw_experts([1, 2, 3, 4, 5], 4, random.Random(1))


def test_a_pool_too_small_is_refused_with_both_numbers() -> None:
    with pytest.raises(RuleViolation) as refused:
        draw_experts([11, 12], 3, random.Random(1))
    assert refused.value.message == "评委会专家库中可抽取的专家只有2人，不足3人"


def test_an_empty_pool_is_refused() -> None:
    with pytest.raises(RuleViolation, match="只有0人，不足1人"):
        draw_experts([], 1, random.Random(1))


def test_a_draw_is_distinct_sorted_and_from_the_pool() -> None:
    pool = list(range(100, 130))
    for seed in range(20):
        drawn = draw_experts(pool, 7, random.Random(seed))
        assert len(drawn) == len(set(drawn)) == 7
        assert set(drawn) <= set(pool)
        assert drawn == sorted(drawn)


def test_a_draw_with_the_same_seed_is_the_same() -> None:
    pool = list(range(1, 40))
    assert draw_experts(pool, 5, random.Random(7)) == draw_experts(pool, 5, random.Random(7))


def test_a_draw_is_random_not_the_first_ids() -> None:
    pool = list(range(1, 40))
    draws = {tuple(draw_experts(pool, 5, random.Random(seed))) for seed in range(10)}
    assert len(draws) > 1
    assert draws != {(1, 2, 3, 4, 5)}


def test_drawing_the_whole_pool_takes_everyone() -> None:
    assert draw_experts((5, 3, 9), 3, random.Random(0)) == [3, 5, 9]


# --- recusal -------------------------------------------------------------------------------------


APP = SimpleNamespace(unit_id=UNIT_ID, department_id=DEPT_ID)
NO_DEPT_APP = SimpleNamespace(unit_id=UNIT_ID, department_id=None)


@pytest.mark.parametrize(
    ("expert_unit", "app", "declared", "recused"),
    [
        pytest.param(UNIT_ID, APP, False, True, id="same-unit"),
        pytest.param(DEPT_ID, APP, False, True, id="applicant-department"),
        pytest.param(99, APP, False, False, id="other-unit"),
        pytest.param(99, APP, True, True, id="declared"),
        pytest.param(None, APP, False, False, id="expert-without-unit"),
        pytest.param(None, APP, True, True, id="declared-without-unit"),
        pytest.param(None, NO_DEPT_APP, False, False, id="no-unit-vs-no-department"),
        pytest.param(UNIT_ID, NO_DEPT_APP, False, True, id="same-unit-no-department"),
        pytest.param(DEPT_ID, NO_DEPT_APP, False, False, id="department-not-the-applicants"),
    ],
)
def test_recusal(expert_unit, app, declared, recused) -> None:
    assert is_recused(expert_unit, app, declared) is recused


# --- managing a meeting ---------------------------------------------------------------------------


def test_the_committees_own_secretary_manages(make_actor) -> None:
    assert can_manage_meeting(meeting(), make_actor(Role.COMMITTEE_SECRETARY)) is True
    require_manage(meeting(), make_actor(Role.COMMITTEE_SECRETARY), M.PREPARING)


@pytest.mark.parametrize(
    ("role", "committee_id"),
    [
        (Role.COMMITTEE_SECRETARY, COMMITTEE_ID + 1),
        (Role.COMMITTEE_SECRETARY, None),
        (Role.EXPERT, COMMITTEE_ID),
        (Role.PROVINCE_ADMIN, COMMITTEE_ID),
        (Role.UNIT_HANDLER, COMMITTEE_ID),
    ],
)
def test_only_the_committees_secretary_manages(role, committee_id, make_actor) -> None:
    actor = make_actor(role, committee_id=committee_id)
    assert can_manage_meeting(meeting(), actor) is False
    with pytest.raises(NotAllowed) as refused:
        require_manage(meeting(), actor, M.PREPARING)
    assert refused.value.message == NOT_MANAGER


def test_a_meeting_without_committee_is_nobodys(make_actor) -> None:
    actor = make_actor(Role.COMMITTEE_SECRETARY, committee_id=None)
    assert can_manage_meeting(meeting(committee_id=None), actor) is False


@pytest.mark.parametrize(
    ("status", "wanted"),
    [(M.VOTING, M.PREPARING), (M.CLOSED, M.PREPARING), (M.PREPARING, M.VOTING)],
)
def test_the_wrong_meeting_status_is_named(status, wanted, make_actor) -> None:
    with pytest.raises(InvalidState) as refused:
        require_manage(meeting(status), make_actor(Role.COMMITTEE_SECRETARY), wanted)
    assert refused.value.message == f"评审会议当前为“{status.label}”，不能进行此操作"


def test_the_wrong_person_is_told_before_the_wrong_status(make_actor) -> None:
    actor = make_actor(Role.EXPERT)
    with pytest.raises(NotAllowed, match=NOT_MANAGER):
        require_manage(meeting(M.CLOSED), actor, M.PREPARING)


def test_start_voting_opens_the_meeting(make_actor) -> None:
    held = meeting()
    start_voting(held, make_actor(Role.COMMITTEE_SECRETARY), dossiers=2, drawn=5, attending=4)
    assert held.status == M.VOTING


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"dossiers": 0, "drawn": 5, "attending": 5}, "请先添加参加本次评审会议的申报"),
        ({"dossiers": 1, "drawn": 0, "attending": 0}, "请先抽取评审专家"),
        ({"dossiers": 1, "drawn": 5, "attending": 0}, "请登记出席会议的评审专家"),
    ],
)
def test_start_voting_needs_dossiers_experts_and_attendance(counts, message, make_actor) -> None:
    held = meeting()
    with pytest.raises(RuleViolation) as refused:
        start_voting(held, make_actor(Role.COMMITTEE_SECRETARY), **counts)
    assert refused.value.message == message
    assert held.status == M.PREPARING


@pytest.mark.parametrize("status", [M.VOTING, M.CLOSED])
def test_start_voting_only_from_preparation(status, make_actor) -> None:
    held = meeting(status)
    with pytest.raises(InvalidState, match=f"评审会议当前为“{status.label}”"):
        start_voting(held, make_actor(Role.COMMITTEE_SECRETARY), dossiers=1, drawn=1, attending=1)
    assert held.status == status


def test_start_voting_by_another_committee_is_refused(make_actor) -> None:
    held = meeting()
    actor = make_actor(Role.COMMITTEE_SECRETARY, committee_id=COMMITTEE_ID + 1)
    with pytest.raises(NotAllowed, match=NOT_MANAGER):
        start_voting(held, actor, dossiers=1, drawn=1, attending=1)
    assert held.status == M.PREPARING


def test_close_ends_the_vote(make_actor) -> None:
    held = meeting(M.VOTING)
    close(held, make_actor(Role.COMMITTEE_SECRETARY))
    assert held.status == M.CLOSED


@pytest.mark.parametrize("status", [M.PREPARING, M.CLOSED])
def test_close_only_while_voting(status, make_actor) -> None:
    held = meeting(status)
    with pytest.raises(InvalidState) as refused:
        close(held, make_actor(Role.COMMITTEE_SECRETARY))
    assert refused.value.message == f"评审会议当前为“{status.label}”，不能进行此操作"
    assert held.status == status


def test_close_by_an_expert_is_refused(make_actor) -> None:
    held = meeting(M.VOTING)
    with pytest.raises(NotAllowed, match=NOT_MANAGER):
        close(held, make_actor(Role.EXPERT))
    assert held.status == M.VOTING


# --- ballots -------------------------------------------------------------------------------------


def ballot(**overrides) -> None:
    fields = {
        "meeting_status": M.VOTING,
        "attended": True,
        "recused": False,
        "already_cast": False,
    }
    check_ballot(**(fields | overrides))


def test_a_present_expert_may_vote_while_voting() -> None:
    assert ballot() is None


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"meeting_status": M.PREPARING}, InvalidState, "评审会议不在表决中，不能投票"),
        ({"meeting_status": M.CLOSED}, InvalidState, "评审会议不在表决中，不能投票"),
        ({"recused": True}, NotAllowed, "您已回避该申报，不能投票"),
        ({"already_cast": True}, RuleViolation, "您已对该申报投过票，不能重复投票"),
        ({"attended": False}, NotAllowed, "您未登记出席本次评审会议，不能投票"),
        # the meeting's state is told first, then recusal, then a second ballot
        ({"meeting_status": M.CLOSED, "recused": True}, InvalidState, "评审会议不在表决中"),
        ({"recused": True, "attended": False}, NotAllowed, "您已回避该申报，不能投票"),
        ({"already_cast": True, "attended": False}, RuleViolation, "不能重复投票"),
    ],
)
def test_ballot_refusals(overrides, error, message) -> None:
    with pytest.raises(error) as refused:
        ballot(**overrides)
    assert message in refused.value.message


@pytest.mark.parametrize("status", [M.PREPARING, M.VOTING])
def test_a_conflict_may_be_declared_while_the_meeting_is_open(status) -> None:
    assert check_conflict(meeting_status=status, recused=False, already_cast=False) is None


@pytest.mark.parametrize(
    ("status", "recused", "cast", "error", "message"),
    [
        (M.CLOSED, False, False, InvalidState, "评审会议已结束，不能申请回避"),
        (M.VOTING, True, False, RuleViolation, "您已回避该申报"),
        (M.VOTING, False, True, RuleViolation, "您已对该申报投过票，不能再申请回避"),
        (M.PREPARING, True, False, RuleViolation, "您已回避该申报"),
    ],
)
def test_conflict_refusals(status, recused, cast, error, message) -> None:
    with pytest.raises(error) as refused:
        check_conflict(meeting_status=status, recused=recused, already_cast=cast)
    assert refused.value.message == message


# --- what an expert reads -------------------------------------------------------------------------


@pytest.mark.parametrize("drawn", [False, True])
@pytest.mark.parametrize("status", list(S))
def test_an_expert_views_only_drawn_dossiers_under_evaluation(
    drawn, status, make_app, make_actor
) -> None:
    app = make_app(status=status)
    expected = drawn and status == S.EVALUATING
    assert can_view(app, make_actor(Role.EXPERT), drawn=drawn) is expected


def test_an_expert_out_of_every_scope_still_needs_only_the_draw(make_app, make_actor) -> None:
    app = make_app(status=S.EVALUATING)
    stranger = make_actor(Role.EXPERT, unit_id=None, department_id=None, committee_id=None)
    assert can_view(app, stranger, drawn=True) is True
    assert can_view(app, stranger) is False


def test_drawn_does_not_widen_other_roles(make_app, make_actor) -> None:
    app = make_app(status=S.EVALUATING)
    assert can_view(app, make_actor(Role.APPLICANT, user_id=999), drawn=True) is False
    assert can_view(app, make_actor(Role.UNIT_HANDLER, unit_id=999), drawn=True) is False
    assert (
        can_view(app, make_actor(Role.COMMITTEE_SECRETARY, committee_id=999), drawn=True) is False
    )
