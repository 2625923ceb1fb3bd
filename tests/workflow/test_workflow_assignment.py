"""预分配评委会: the most specific accepting committee wins, and only then is it checked open.

Specialty path 工学(1) > 建设工程(2) > 土木工程(3); organisation 省(100) > 主管部门(200) > 单位(300).
"""

import pytest

from app.workflow.assignment import NO_COMMITTEE, CommitteeSpec, pick_committee

SERIES, LEVEL = 5, 51
BASE = {
    "series_id": SERIES,
    "level_id": LEVEL,
    "specialty_path": (1, 2, 3),
    "scope_code": "province",
    "unit_path": (100, 200, 300),
}


def committee(
    id: int, name: str = "", is_open: bool = True, org_root_id: int | None = None, **accepts
) -> CommitteeSpec:
    """A series-wide open committee unless ``accepts`` narrows it (sets of ids or codes)."""
    sets = {"series_ids": frozenset({SERIES})} | {k: frozenset(v) for k, v in accepts.items()}
    return CommitteeSpec(id, name or f"评委会{id}", is_open, org_root_id=org_root_id, **sets)


def picked(committees, **overrides) -> int | None:
    assignment = pick_committee(committees, **(BASE | overrides))
    return assignment.committee.id if assignment.committee else None


def test_specialty_subtree_beats_series_wide() -> None:
    committees = [committee(1), committee(2, specialty_ids={2})]
    assert picked(committees) == 2
    assert picked(committees + [committee(3, specialty_ids={3})]) == 3


def test_deepest_specialty_root_counts() -> None:
    assert picked([committee(1, specialty_ids={3, 9}), committee(2, specialty_ids={2})]) == 1
    assert picked([committee(1, specialty_ids={1}), committee(2, specialty_ids={2})]) == 2


def test_org_subtree_beats_province() -> None:
    assert picked([committee(1), committee(2, org_root_id=200)]) == 2
    assert picked([committee(1, org_root_id=200), committee(2, org_root_id=300)]) == 2


def test_specialty_weighs_before_org() -> None:
    committees = [committee(1, org_root_id=300), committee(2, specialty_ids={2})]
    assert picked(committees) == 2


def test_restricted_scope_then_restricted_levels_break_ties() -> None:
    scoped = committee(2, scope_codes={"province"})
    levelled = committee(3, level_ids={LEVEL})
    assert picked([committee(1), levelled, scoped]) == 2
    assert picked([committee(1), levelled]) == 3


def test_equal_specificity_lowest_id_wins_whatever_the_order() -> None:
    assert picked([committee(7), committee(4), committee(9)]) == 4


@pytest.mark.parametrize(
    "outsider",
    [
        committee(2, series_ids={6}),
        committee(2, level_ids={52}),
        committee(2, specialty_ids={9}),
        committee(2, scope_codes={"grassroots"}),
        committee(2, org_root_id=201),
        committee(2, series_ids=set()),
    ],
    ids=["series", "level", "specialty", "scope", "org", "no-series"],
)
def test_non_accepting_committee_is_never_picked(outsider) -> None:
    assert picked([outsider]) is None
    assert picked([outsider, committee(5)]) == 5


def test_none_accepts() -> None:
    assignment = pick_committee([committee(1, series_ids={6})], **BASE)
    assert (assignment.committee, assignment.reason, assignment.ok) == (None, NO_COMMITTEE, False)
    assert pick_committee([], **BASE).reason == NO_COMMITTEE


def test_closed_best_committee_gives_its_reason_not_a_fallback() -> None:
    closed = committee(2, "土木工程专业评委会", is_open=False, specialty_ids={3})
    assignment = pick_committee([committee(1), closed], **BASE)
    assert assignment.committee == closed
    assert not assignment.ok
    assert assignment.reason == "预分配评委会“土木工程专业评委会”当前不接受申报（评委会关闭）"


def test_closed_less_specific_committee_does_not_matter() -> None:
    assignment = pick_committee(
        [committee(1, is_open=False), committee(2, specialty_ids={2})], **BASE
    )
    assert (assignment.committee.id, assignment.reason, assignment.ok) == (2, None, True)
