"""Right role, wrong dossier: other applicant, unit, department or committee is refused."""

import pytest

from app.workflow import transitions as tr
from app.workflow.errors import NotAllowed
from app.workflow.permissions import can_edit, can_view, is_stage_holder
from app.workflow.states import ApplicationStatus, ReviewStage, Role

S, G, R = ApplicationStatus, ReviewStage, Role
UR = S.UNDER_REVIEW

OUT_OF_SCOPE = [
    pytest.param(R.APPLICANT, {"user_id": 2}, S.DRAFTING, None, id="other-applicant"),
    pytest.param(R.UNIT_HANDLER, {"unit_id": 11}, UR, G.UNIT_HANDLER, id="other-unit-handler"),
    pytest.param(R.UNIT_LEADER, {"unit_id": 11}, UR, G.UNIT_LEADER, id="other-unit-leader"),
    pytest.param(R.UNIT_HANDLER, {"unit_id": None}, UR, G.UNIT_HANDLER, id="handler-no-unit"),
    pytest.param(R.DEPT_HANDLER, {"department_id": 21}, UR, G.DEPT_HANDLER, id="other-dept"),
    pytest.param(R.DEPT_LEADER, {"department_id": 21}, UR, G.DEPT_LEADER, id="other-dept-lead"),
    pytest.param(
        R.COMMITTEE_SECRETARY, {"committee_id": 31}, UR, G.COMMITTEE_INTAKE, id="other-committee"
    ),
]


@pytest.mark.parametrize(("role", "overrides", "status", "stage"), OUT_OF_SCOPE)
def test_out_of_scope_actor_is_refused_everything(
    role, overrides, status, stage, make_app, make_actor, now
) -> None:
    app = make_app(status=status, stage=stage)
    actor = make_actor(role, **overrides)
    before = dict(vars(app))
    assert not can_view(app, actor)
    assert not can_edit(app, actor)
    assert not is_stage_holder(app, actor)
    with pytest.raises(NotAllowed) as caught:
        if role == R.APPLICANT:
            tr.delete(app, actor, now, committee_open=True)
        else:
            tr.return_for_revision(app, actor, now, reason="材料不全")
    assert "本人" in str(caught.value) or "不属于您所在的" in str(caught.value)
    assert vars(app) == before


@pytest.mark.parametrize("role", [R.DEPT_HANDLER, R.DEPT_LEADER])
def test_unit_without_department_is_in_no_department_scope(role, make_app, make_actor) -> None:
    app = make_app(status=UR, stage=G.UNIT_HANDLER, department_id=None)
    assert not can_view(app, make_actor(role, department_id=None))
    assert not can_view(app, make_actor(role))


def test_other_committee_cannot_accept_refuse_or_close(make_app, make_actor, now) -> None:
    stranger = make_actor(R.COMMITTEE_SECRETARY, committee_id=31)
    at_intake = make_app(status=UR, stage=G.COMMITTEE_INTAKE)
    with pytest.raises(NotAllowed, match="不属于您所在的评委会"):
        tr.accept(at_intake, stranger, now)
    with pytest.raises(NotAllowed):
        tr.refuse(at_intake, stranger, now, reason="不符合条件")
    with pytest.raises(NotAllowed):
        tr.close_vote(make_app(status=S.EVALUATING), stranger, now, passed=True)
    with pytest.raises(NotAllowed):
        tr.issue_certificate(make_app(status=S.PUBLICITY), stranger, now, publicity_done=True)


def test_other_applicant_cannot_submit(make_app, make_actor, now, window) -> None:
    app = make_app()
    with pytest.raises(NotAllowed, match="只有申报人本人可以提交审核"):
        tr.submit(
            app, make_actor(R.APPLICANT, user_id=2), now, complete=True, pledged=True, window=window
        )
    assert app.status == S.DRAFTING


def test_other_unit_staff_do_not_see_submitted_dossier(make_app, make_actor) -> None:
    app = make_app(status=S.EVALUATING)
    for role in (R.UNIT_ADMIN, R.UNIT_HANDLER, R.UNIT_LEADER):
        assert can_view(app, make_actor(role))
        assert not can_view(app, make_actor(role, unit_id=11))


def test_province_admin_sees_all_but_acts_on_nothing(make_app, make_actor, now) -> None:
    admin = make_actor(R.PROVINCE_ADMIN, unit_id=None, department_id=None, committee_id=None)
    app = make_app(status=UR, stage=G.COMMITTEE_INTAKE)
    assert can_view(app, admin)
    with pytest.raises(NotAllowed, match="只有评委会秘书可以受理"):
        tr.accept(app, admin, now)
