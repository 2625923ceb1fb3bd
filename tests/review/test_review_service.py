"""The review chain on rows: stage holders, scopes, publicity, deadlines, bulk, conflicts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.clock import to_naive_utc
from app.models import Notification
from app.services import review
from app.services.dossier import DossierNotFound
from app.services.scopes import actor_for
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.conftest import FIXED_NOW

S, ST = ApplicationStatus, ReviewStage


def act(session, account, fn, application, when=FIXED_NOW, **kw):
    result = fn(session, actor_for(account), account.name, application.id, when, **kw)
    session.commit()
    return result


def publicise(session, province, applications, starts_on, ends_on, place="单位公示栏"):
    leader = province.person("unit", Role.UNIT_LEADER)
    review.record_publicity(
        session,
        actor_for(leader),
        application_ids=[a.id for a in applications],
        starts_on=starts_on,
        ends_on=ends_on,
        place=place,
        now=FIXED_NOW,
    )
    session.commit()


def test_unit_with_department_goes_through_every_stage(session, province, submitted):
    application = submitted()
    act(session, province.person("unit", Role.UNIT_HANDLER), review.approve, application)
    assert application.stage == ST.UNIT_LEADER
    publicise(session, province, [application], date(2026, 9, 28), date(2026, 10, 9))
    act(session, province.person("unit", Role.UNIT_LEADER), review.approve, application)
    assert application.stage == ST.DEPT_HANDLER
    act(session, province.person("dept", Role.DEPT_HANDLER), review.approve, application)
    act(session, province.person("dept", Role.DEPT_LEADER), review.approve, application)
    assert (application.status, application.stage) == (S.UNDER_REVIEW, ST.COMMITTEE_INTAKE)
    assert [h.to_stage for h in application.history][-4:] == [
        ST.UNIT_LEADER,
        ST.DEPT_HANDLER,
        ST.DEPT_LEADER,
        ST.COMMITTEE_INTAKE,
    ]


def test_unit_without_department_reports_to_the_committee(session, province, submitted):
    application = submitted(unit=province.org.lone_unit)
    act(session, province.person("lone", Role.UNIT_HANDLER), review.approve, application)
    leader = province.person("lone", Role.UNIT_LEADER)
    review.record_publicity(
        session,
        actor_for(leader),
        application_ids=[application.id],
        starts_on=date(2026, 10, 8),
        ends_on=date(2026, 10, 14),
        place="网站",
        now=FIXED_NOW,
    )
    act(session, leader, review.approve, application, when=FIXED_NOW + timedelta(days=1))
    assert application.stage == ST.COMMITTEE_INTAKE


def test_handler_cannot_return_after_passing_only_the_leader_can(session, province, submitted):
    application = submitted()
    handler = province.person("unit", Role.UNIT_HANDLER)
    act(session, handler, review.approve, application)
    with pytest.raises(NotAllowed, match="单位领导"):
        act(session, handler, review.return_for_revision, application, reason="补材料", sections=[])
    session.rollback()
    act(
        session,
        province.person("unit", Role.UNIT_LEADER),
        review.return_for_revision,
        application,
        reason="论文缺少目录页",
        sections=["业绩成果"],
    )
    assert application.status == S.RETURNED
    assert application.history[-1].sections == "业绩成果"


@pytest.mark.parametrize("place", ["sibling", "other"])
def test_staff_of_another_unit_cannot_see_or_act(session, province, submitted, place):
    application = submitted()
    with pytest.raises(DossierNotFound):
        act(session, province.person(place, Role.UNIT_HANDLER), review.approve, application)


def test_a_department_sees_only_its_units(session, province, submitted):
    application = submitted(unit=province.org.other_unit)
    with pytest.raises(DossierNotFound):
        act(session, province.person("dept", Role.DEPT_HANDLER), review.approve, application)


def test_return_needs_a_reason_and_known_sections(session, province, submitted):
    application = submitted()
    handler = province.person("unit", Role.UNIT_HANDLER)
    with pytest.raises(RuleViolation, match="退回原因"):
        act(session, handler, review.return_for_revision, application, reason="  ", sections=[])
    session.rollback()
    with pytest.raises(RuleViolation, match="模块无效"):
        act(
            session, handler, review.return_for_revision, application, reason="x", sections=["其他"]
        )


def test_leader_cannot_pass_without_publicity(session, province, submitted):
    application = submitted()
    act(session, province.person("unit", Role.UNIT_HANDLER), review.approve, application)
    with pytest.raises(RuleViolation, match="尚未登记单位公示"):
        act(session, province.person("unit", Role.UNIT_LEADER), review.approve, application)


def test_publicity_shorter_than_five_working_days_is_refused_with_first_allowed_date(
    session, province, submitted
):
    application = submitted()
    act(session, province.person("unit", Role.UNIT_HANDLER), review.approve, application)
    # Tue 29 Sep 2026 + National Day: the 5th working day is the adjusted Saturday 10 Oct
    with pytest.raises(RuleViolation, match="2026年10月10日"):
        publicise(session, province, [application], date(2026, 9, 29), date(2026, 10, 9))


def test_publicity_must_be_over_before_reporting(session, province, submitted):
    application = submitted()
    act(session, province.person("unit", Role.UNIT_HANDLER), review.approve, application)
    publicise(session, province, [application], date(2026, 10, 12), date(2026, 10, 16))
    leader = province.person("unit", Role.UNIT_LEADER)
    with pytest.raises(RuleViolation, match="2026年10月17日起"):
        act(session, leader, review.approve, application)  # FIXED_NOW is 15 Oct
    session.rollback()
    act(session, leader, review.approve, application, when=FIXED_NOW + timedelta(days=2))
    assert application.stage == ST.DEPT_HANDLER


def test_unit_deadline_is_enforced(session, province, submitted):
    application = submitted()
    application.batch.unit_deadline = to_naive_utc(FIXED_NOW - timedelta(hours=1))
    session.commit()
    with pytest.raises(RuleViolation, match="单位推荐已截止"):
        act(session, province.person("unit", Role.UNIT_HANDLER), review.approve, application)


def test_bulk_approve_reports_each_row_and_leaves_refused_rows_untouched(
    session, province, submitted
):
    mine = [submitted(), submitted()]
    foreign = submitted(unit=province.org.sibling)
    handler = province.person("unit", Role.UNIT_HANDLER)
    results = review.bulk_approve(
        session,
        actor_for(handler),
        handler.name,
        [mine[0].id, foreign.id, mine[1].id, 999999],
        FIXED_NOW,
    )
    session.commit()
    outcome = dict(results)
    assert outcome[mine[0].id] is None and outcome[mine[1].id] is None
    assert "不在您的审查范围" in outcome[foreign.id]
    assert "不在您的审查范围" in outcome[999999]
    session.refresh(foreign)
    assert foreign.stage == ST.UNIT_HANDLER
    assert [h.action.name for h in foreign.history] == ["SUBMIT"]


def test_acting_twice_gets_a_clear_message(session, province, submitted):
    application = submitted()
    handler = province.person("unit", Role.UNIT_HANDLER)
    act(session, handler, review.approve, application)
    with pytest.raises((NotAllowed, InvalidState)):
        act(session, handler, review.approve, application)


def test_counts_per_stage_and_filters(session, province, submitted):
    submitted()
    second = submitted()
    act(session, province.person("unit", Role.UNIT_HANDLER), review.approve, second)
    actor = actor_for(province.person("unit", Role.UNIT_HANDLER))
    counts = review.stage_counts(session, actor)
    assert counts == {"资格审查中（单位经办人）": 1, "资格审查中（单位领导）": 1}
    flt = review.ReviewFilter(name=second.applicant.name, waiting_only=False)
    assert session.scalars(review.filtered_queue(actor, flt)).all() == [second]
    flt = review.ReviewFilter(name="%", waiting_only=False)
    assert session.scalars(review.filtered_queue(actor, flt)).all() == []


def test_the_applicant_is_notified_of_returns_and_status_changes(session, province, submitted):
    application = submitted()
    act(
        session,
        province.person("unit", Role.UNIT_HANDLER),
        review.return_for_revision,
        application,
        reason="缺少聘书",
        sections=["学历资历"],
    )
    notes = session.query(Notification).filter_by(recipient_id=application.applicant_id).all()
    titles = [n.title for n in notes]
    assert "申报被退回修改" in titles
    assert any("缺少聘书" in n.body for n in notes)
