"""Every (status, stage, action, role) against an explicit table of the allowed moves.

The actor is always in the dossier's scope here (own dossier, same unit, department and
committee); scope is tested in test_workflow_scope.py. Benign rule inputs are passed (window
open, dossier complete, pledge accepted, publicity done, reason given, vote passed) so only
status, stage and role decide.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.workflow import permissions as perm
from app.workflow import transitions as tr
from app.workflow.errors import InvalidState, NotAllowed
from app.workflow.rules import Window
from app.workflow.states import Action, ApplicationStatus, ReviewStage, Role

S, G, R, A = ApplicationStatus, ReviewStage, Role, Action
UR = S.UNDER_REVIEW
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 9, 1, 10, 0, tzinfo=SH)
WINDOW = Window(datetime(2024, 7, 1, tzinfo=SH), datetime(2024, 10, 1, tzinfo=SH))
DELETED = (None, None)

#: (status, stage, action, role) -> (status, stage) after the move; everything else is refused
ALLOWED = {
    (S.DRAFTING, None, A.DELETE, R.APPLICANT): DELETED,
    (S.RETURNED, None, A.DELETE, R.APPLICANT): DELETED,
    (S.DRAFTING, None, A.SUBMIT, R.APPLICANT): (UR, G.UNIT_HANDLER),
    (S.RETURNED, None, A.SUBMIT, R.APPLICANT): (UR, G.UNIT_HANDLER),
    (UR, G.UNIT_HANDLER, A.APPROVE, R.UNIT_HANDLER): (UR, G.UNIT_LEADER),
    (UR, G.UNIT_LEADER, A.APPROVE, R.UNIT_LEADER): (UR, G.DEPT_HANDLER),
    (UR, G.DEPT_HANDLER, A.APPROVE, R.DEPT_HANDLER): (UR, G.DEPT_LEADER),
    (UR, G.DEPT_LEADER, A.APPROVE, R.DEPT_LEADER): (UR, G.COMMITTEE_INTAKE),
    (UR, G.UNIT_HANDLER, A.RETURN, R.UNIT_HANDLER): (S.RETURNED, None),
    (UR, G.UNIT_LEADER, A.RETURN, R.UNIT_LEADER): (S.RETURNED, None),
    (UR, G.DEPT_HANDLER, A.RETURN, R.DEPT_HANDLER): (S.RETURNED, None),
    (UR, G.DEPT_LEADER, A.RETURN, R.DEPT_LEADER): (S.RETURNED, None),
    (UR, G.COMMITTEE_INTAKE, A.RETURN, R.COMMITTEE_SECRETARY): (S.RETURNED, None),
    (UR, G.COMMITTEE_INTAKE, A.ACCEPT, R.COMMITTEE_SECRETARY): (S.EVALUATING, None),
    (UR, G.COMMITTEE_INTAKE, A.REFUSE, R.COMMITTEE_SECRETARY): (S.NOT_ACCEPTED, None),
    (S.EVALUATING, None, A.CLOSE_VOTE, R.COMMITTEE_SECRETARY): (S.PUBLICITY, None),
    (S.PUBLICITY, None, A.ISSUE, R.COMMITTEE_SECRETARY): (S.CERTIFIED, None),
}
#: a refused move is NotAllowed where some role could act in that state, else InvalidState
ADMITTED = {(status, stage, action) for status, stage, action, _ in ALLOWED}

CALLS = {
    A.DELETE: lambda app, actor: tr.delete(app, actor, NOW, committee_open=True),
    A.SUBMIT: lambda app, actor: tr.submit(
        app, actor, NOW, complete=True, pledged=True, window=WINDOW
    ),
    A.APPROVE: lambda app, actor: tr.approve(app, actor, NOW, publicity_done=True),
    A.RETURN: lambda app, actor: tr.return_for_revision(app, actor, NOW, reason="缺少论文"),
    A.ACCEPT: lambda app, actor: tr.accept(app, actor, NOW),
    A.REFUSE: lambda app, actor: tr.refuse(app, actor, NOW, reason="不符合申报条件"),
    A.CLOSE_VOTE: lambda app, actor: tr.close_vote(app, actor, NOW, passed=True),
    A.ISSUE: lambda app, actor: tr.issue_certificate(app, actor, NOW, publicity_done=True),
}
PREDICATES = {
    A.DELETE: perm.can_delete,
    A.SUBMIT: perm.can_submit,
    A.APPROVE: perm.can_approve,
    A.RETURN: perm.can_return,
    A.ACCEPT: perm.can_accept,
    A.REFUSE: perm.can_refuse,
    A.CLOSE_VOTE: perm.can_close_vote,
    A.ISSUE: perm.can_issue_certificate,
}
STATES = [(status, stage) for status in S for stage in (G if status == UR else [None])]
CASES = [
    pytest.param(status, stage, action, role, id=f"{status.name}-{stage}-{action.name}-{role.name}")
    for status, stage in STATES
    for action in CALLS
    for role in R
]


def test_table_covers_every_state() -> None:
    assert len(STATES) == 12  # 7 plain statuses + 资格审查中 at each of its 5 stages
    assert len(CASES) == 12 * 8 * 9


@pytest.mark.parametrize(("status", "stage", "action", "role"), CASES)
def test_transition_table(status, stage, action, role, make_app, make_actor) -> None:
    app, actor = make_app(status=status, stage=stage), make_actor(role)
    expected = ALLOWED.get((status, stage, action, role))
    assert PREDICATES[action](app, actor) is (expected is not None)
    if expected is None:
        before = dict(vars(app))
        error = NotAllowed if (status, stage, action) in ADMITTED else InvalidState
        with pytest.raises(error):
            CALLS[action](app, actor)
        assert vars(app) == before
        return
    transition = CALLS[action](app, actor)
    assert (transition.from_status, transition.from_stage) == (status, stage)
    assert (transition.to_status, transition.to_stage) == expected
    assert (transition.action, transition.actor_role, transition.at) == (action, role, NOW)
    if expected != DELETED:  # the service deletes the row; the object itself is left as is
        assert (app.status, app.stage) == expected
