"""Transitions beyond the table: rule inputs, messages, records and the whole journey."""

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from app.workflow import transitions as tr
from app.workflow.assignment import NO_COMMITTEE, Assignment, CommitteeSpec
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation, WorkflowError
from app.workflow.states import (
    EDITABLE_STATUSES,
    Action,
    ApplicationStatus,
    DeclarationMode,
    ReviewStage,
    Role,
)

S, G, R = ApplicationStatus, ReviewStage, Role
UR = S.UNDER_REVIEW
OPEN = CommitteeSpec(30, "甘肃省工程系列建设工程专业高级评委会", True, frozenset({1}))
CLOSED_REASON = "预分配评委会“甘肃省工程系列建设工程专业高级评委会”当前不接受申报（评委会关闭）"


def test_error_message_is_str_and_errors_share_a_base() -> None:
    error = RuleViolation("请填写退回原因")
    assert str(error) == error.message == "请填写退回原因"
    assert all(issubclass(c, WorkflowError) for c in (NotAllowed, InvalidState, RuleViolation))


# 进入申报


def test_enter_returns_the_initial_state(make_actor, now, window) -> None:
    transition = tr.enter(
        make_actor(R.APPLICANT),
        now,
        mode=DeclarationMode.NORMAL,
        assignment=Assignment(OPEN),
        window=window,
    )
    assert (transition.from_status, transition.from_stage) == (None, None)
    assert (transition.to_status, transition.to_stage) == (S.DRAFTING, None)
    assert (transition.action, transition.actor_id, transition.at) == (Action.ENTER, 1, now)


def test_only_an_applicant_enters(make_actor, now, window) -> None:
    with pytest.raises(NotAllowed, match="只有申报人可以进入申报"):
        tr.enter(
            make_actor(R.UNIT_HANDLER),
            now,
            mode=DeclarationMode.NORMAL,
            assignment=Assignment(OPEN),
            window=window,
        )


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (Assignment(None, NO_COMMITTEE), NO_COMMITTEE),
        (Assignment(OPEN, CLOSED_REASON), CLOSED_REASON),
    ],
    ids=["no-committee", "committee-closed"],
)
def test_enter_needs_an_open_committee(assignment, message, make_actor, now, window) -> None:
    with pytest.raises(RuleViolation) as caught:
        tr.enter(
            make_actor(R.APPLICANT),
            now,
            mode=DeclarationMode.NORMAL,
            assignment=assignment,
            window=window,
        )
    assert str(caught.value) == message


def test_enter_after_deadline_only_for_employer_assessment(make_actor, window) -> None:
    late = window.personal_deadline + timedelta(days=3)
    applicant = make_actor(R.APPLICANT)
    with pytest.raises(RuleViolation, match="个人申报已截止"):
        tr.enter(
            applicant, late, mode=DeclarationMode.NORMAL, assignment=Assignment(OPEN), window=window
        )
    transition = tr.enter(
        applicant, late, mode=DeclarationMode.EMPLOYER, assignment=Assignment(OPEN), window=window
    )
    assert transition.to_status == S.DRAFTING


# 一键删除申报信息


@pytest.mark.parametrize("status", [UR, S.EVALUATING, S.CERTIFIED, S.NOT_ACCEPTED])
def test_delete_after_submission_uses_the_manual_wording(status, make_app, make_actor, now) -> None:
    stage = G.UNIT_LEADER if status == UR else None
    app = make_app(status=status, stage=stage)
    with pytest.raises(InvalidState) as caught:
        tr.delete(app, make_actor(R.APPLICANT), now, committee_open=True)
    assert str(caught.value) == "删除失败，申报人已提交审查"


@pytest.mark.parametrize("status", sorted(EDITABLE_STATUSES))
def test_no_delete_while_the_committee_is_closed(status, make_app, make_actor, now) -> None:
    app = make_app(status=status)
    before = dict(vars(app))
    with pytest.raises(RuleViolation) as caught:
        tr.delete(app, make_actor(R.APPLICANT), now, committee_open=False)
    assert str(caught.value) == "评委会关闭状态下不允许一键删除"
    assert vars(app) == before


# 提交审核


@pytest.mark.parametrize(
    ("complete", "pledged", "message"),
    [(False, True, "尚未填写完整"), (True, False, "诚信提示")],
    ids=["incomplete", "no-pledge"],
)
def test_submit_needs_complete_dossier_and_pledge(
    complete, pledged, message, make_app, make_actor, now, window
) -> None:
    app = make_app()
    with pytest.raises(RuleViolation, match=message):
        tr.submit(
            app, make_actor(R.APPLICANT), now, complete=complete, pledged=pledged, window=window
        )
    assert (app.status, app.stage) == (S.DRAFTING, None)


def test_resubmit_clears_the_return_reason(make_app, make_actor, now, window) -> None:
    app = make_app(status=S.RETURNED)
    assert app.return_reason
    tr.submit(app, make_actor(R.APPLICANT), now, complete=True, pledged=True, window=window)
    assert (app.status, app.stage, app.return_reason) == (UR, G.UNIT_HANDLER, None)


# 审核通过


def test_unit_leader_needs_the_unit_publicity(make_app, make_actor, now) -> None:
    app = make_app(status=UR, stage=G.UNIT_LEADER)
    leader = make_actor(R.UNIT_LEADER)
    with pytest.raises(RuleViolation, match="单位公示尚未完成"):
        tr.approve(app, leader, now)
    assert app.stage == G.UNIT_LEADER
    tr.approve(app, leader, now, publicity_done=True)
    assert app.stage == G.DEPT_HANDLER


def test_unit_without_department_reports_to_the_committee(make_app, make_actor, now) -> None:
    app = make_app(status=UR, stage=G.UNIT_LEADER, department_id=None)
    transition = tr.approve(app, make_actor(R.UNIT_LEADER), now, publicity_done=True)
    assert (app.status, app.stage) == (UR, G.COMMITTEE_INTAKE)
    assert (transition.to_status, transition.to_stage) == (UR, G.COMMITTEE_INTAKE)


def test_approve_is_not_the_action_at_committee_intake(make_app, make_actor, now) -> None:
    app = make_app(status=UR, stage=G.COMMITTEE_INTAKE)
    with pytest.raises(InvalidState, match="受理"):
        tr.approve(app, make_actor(R.COMMITTEE_SECRETARY), now)


def test_second_approval_of_the_same_stage_loses(make_app, make_actor, now) -> None:
    """Two handlers on one dossier: the first moves it, the second finds it gone on."""
    app = make_app(status=UR, stage=G.UNIT_HANDLER)
    tr.approve(app, make_actor(R.UNIT_HANDLER, user_id=100), now)
    with pytest.raises(NotAllowed, match="当前由单位领导审查"):
        tr.approve(app, make_actor(R.UNIT_HANDLER, user_id=101), now)
    assert app.stage == G.UNIT_LEADER


# 退回修改


def test_handler_cannot_return_after_passing_only_the_leader_can(make_app, make_actor, now):
    app = make_app(status=UR, stage=G.UNIT_LEADER)
    with pytest.raises(NotAllowed) as caught:
        tr.return_for_revision(app, make_actor(R.UNIT_HANDLER), now, reason="论文不全")
    assert str(caught.value) == "该申报当前由单位领导审查，只有单位领导可以退回修改"
    tr.return_for_revision(app, make_actor(R.UNIT_LEADER), now, reason="论文不全")
    assert app.status == S.RETURNED


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_return_needs_a_reason(reason, make_app, make_actor, now) -> None:
    app = make_app(status=UR, stage=G.UNIT_HANDLER)
    before = dict(vars(app))
    with pytest.raises(RuleViolation, match="请填写退回原因"):
        tr.return_for_revision(app, make_actor(R.UNIT_HANDLER), now, reason=reason)
    assert vars(app) == before


def test_return_records_reason_and_sections(make_app, make_actor, now) -> None:
    app = make_app(status=UR, stage=G.COMMITTEE_INTAKE)
    transition = tr.return_for_revision(
        app, make_actor(R.COMMITTEE_SECRETARY), now, reason=" 论文检索证明缺失 ", sections=["论文"]
    )
    assert (app.status, app.stage, app.return_reason) == (S.RETURNED, None, "论文检索证明缺失")
    assert (transition.reason, transition.sections) == ("论文检索证明缺失", ("论文",))


# 受理 / 不予受理 / 表决 / 发证


@pytest.mark.parametrize("reason", ["", "  "])
def test_refuse_needs_a_reason(reason, make_app, make_actor, now) -> None:
    app = make_app(status=UR, stage=G.COMMITTEE_INTAKE)
    with pytest.raises(RuleViolation, match="不予受理的原因"):
        tr.refuse(app, make_actor(R.COMMITTEE_SECRETARY), now, reason=reason)
    assert app.status == UR


def test_refuse_keeps_the_reason_in_the_record_only(make_app, make_actor, now) -> None:
    app = make_app(status=UR, stage=G.COMMITTEE_INTAKE)
    transition = tr.refuse(app, make_actor(R.COMMITTEE_SECRETARY), now, reason="不符合申报条件")
    assert (app.status, app.return_reason, transition.reason) == (
        S.NOT_ACCEPTED,
        None,
        "不符合申报条件",
    )


def test_failed_vote(make_app, make_actor, now) -> None:
    app = make_app(status=S.EVALUATING)
    tr.close_vote(app, make_actor(R.COMMITTEE_SECRETARY), now, passed=False)
    assert (app.status, app.stage) == (S.FAILED, None)


def test_certificate_needs_the_result_publicity(make_app, make_actor, now) -> None:
    app = make_app(status=S.PUBLICITY)
    with pytest.raises(RuleViolation, match="公示期未满"):
        tr.issue_certificate(app, make_actor(R.COMMITTEE_SECRETARY), now, publicity_done=False)
    assert app.status == S.PUBLICITY


# clock and journey


def test_naive_clock_is_a_programming_error(make_app, make_actor) -> None:
    app = make_app(status=S.EVALUATING)
    with pytest.raises(ValueError, match="timezone-aware"):
        tr.close_vote(app, make_actor(R.COMMITTEE_SECRETARY), datetime(2024, 9, 1), passed=True)
    assert app.status == S.EVALUATING


def test_whole_journey_with_one_return(make_app, make_actor, now, window) -> None:
    app = make_app()
    secretary = make_actor(R.COMMITTEE_SECRETARY)
    steps = [
        lambda: tr.submit(
            app, make_actor(R.APPLICANT), now, complete=True, pledged=True, window=window
        ),
        lambda: tr.approve(app, make_actor(R.UNIT_HANDLER), now),
        lambda: tr.return_for_revision(app, make_actor(R.UNIT_LEADER), now, reason="缺公示材料"),
        lambda: tr.submit(
            app, make_actor(R.APPLICANT), now, complete=True, pledged=True, window=window
        ),
        lambda: tr.approve(app, make_actor(R.UNIT_HANDLER), now),
        lambda: tr.approve(app, make_actor(R.UNIT_LEADER), now, publicity_done=True),
        lambda: tr.approve(app, make_actor(R.DEPT_HANDLER), now),
        lambda: tr.approve(app, make_actor(R.DEPT_LEADER), now),
        lambda: tr.accept(app, secretary, now),
        lambda: tr.close_vote(app, secretary, now, passed=True),
        lambda: tr.issue_certificate(app, secretary, now, publicity_done=True),
    ]
    history = [step() for step in steps]
    after_review = [S.EVALUATING, S.PUBLICITY, S.CERTIFIED]
    assert [t.to_status for t in history] == [UR, UR, S.RETURNED] + [UR] * 5 + after_review
    assert all(a.to_status == b.from_status for a, b in pairwise(history))
    assert (app.status, app.stage, app.return_reason) == (S.CERTIFIED, None, None)
