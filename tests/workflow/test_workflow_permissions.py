"""can_view / can_edit / is_stage_holder over every state and role, from explicit tables."""

import pytest

from app.workflow.permissions import can_edit, can_view, is_stage_holder
from app.workflow.states import ApplicationStatus, ReviewStage, Role

S, G, R = ApplicationStatus, ReviewStage, Role
UR = S.UNDER_REVIEW
STATES = [(status, stage) for status in S for stage in (G if status == UR else [None])]

EVERYTHING = frozenset(STATES)
SUBMITTED = EVERYTHING - {(S.DRAFTING, None)}
AT_COMMITTEE = frozenset(
    {
        (UR, G.COMMITTEE_INTAKE),
        (S.EVALUATING, None),
        (S.PUBLICITY, None),
        (S.CERTIFIED, None),
        (S.FAILED, None),
        (S.NOT_ACCEPTED, None),
    }
)
#: role -> states in which an in-scope actor of that role sees the dossier
VISIBLE = {
    R.APPLICANT: EVERYTHING,
    R.UNIT_ADMIN: SUBMITTED,
    R.UNIT_HANDLER: SUBMITTED,
    R.UNIT_LEADER: SUBMITTED,
    R.DEPT_HANDLER: SUBMITTED,
    R.DEPT_LEADER: SUBMITTED,
    R.COMMITTEE_SECRETARY: AT_COMMITTEE,
    R.EXPERT: frozenset(),  # through meeting assignments, not this predicate
    R.PROVINCE_ADMIN: EVERYTHING,
}
EDITABLE = {(R.APPLICANT, S.DRAFTING), (R.APPLICANT, S.RETURNED)}
HOLDER = {
    (G.UNIT_HANDLER, R.UNIT_HANDLER),
    (G.UNIT_LEADER, R.UNIT_LEADER),
    (G.DEPT_HANDLER, R.DEPT_HANDLER),
    (G.DEPT_LEADER, R.DEPT_LEADER),
    (G.COMMITTEE_INTAKE, R.COMMITTEE_SECRETARY),
}
CASES = [
    pytest.param(status, stage, role, id=f"{status.name}-{stage}-{role.name}")
    for status, stage in STATES
    for role in R
]


@pytest.mark.parametrize(("status", "stage", "role"), CASES)
def test_view_table(status, stage, role, make_app, make_actor) -> None:
    app = make_app(status=status, stage=stage)
    assert can_view(app, make_actor(role)) is ((status, stage) in VISIBLE[role])


@pytest.mark.parametrize(("status", "stage", "role"), CASES)
def test_edit_table(status, stage, role, make_app, make_actor) -> None:
    app = make_app(status=status, stage=stage)
    assert can_edit(app, make_actor(role)) is ((role, status) in EDITABLE)


@pytest.mark.parametrize(("status", "stage", "role"), CASES)
def test_stage_holder_table(status, stage, role, make_app, make_actor) -> None:
    app = make_app(status=status, stage=stage)
    assert is_stage_holder(app, make_actor(role)) is ((stage, role) in HOLDER)
