"""评审会议 on the real database: preparing, drawing, opening, secret ballots, the tally, scopes."""

from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import func, inspect, select

from app.clock import to_naive_utc
from app.extensions import db
from app.models import (
    Account,
    Application,
    ApplicationHistory,
    Attachment,
    AuditEvent,
    MeetingApplication,
    MeetingBallot,
    MeetingExpert,
    ReviewMeeting,
)
from app.models.review import Notification
from app.services import meetings
from app.services.attachments import AttachmentNotFound, attachment_for
from app.services.meetings import MeetingNotFound
from app.services.scopes import expert_condition, visible_applications
from app.workflow import permissions
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import (
    Action,
    ApplicationStatus,
    MeetingStatus,
    Role,
    VoteChoice,
    VoteOutcome,
)
from app.workflow.voting import Tally
from tests.conftest import FIXED_NOW
from tests.factories import make_account, make_application
from tests.helpers import in_own_session, run_together

S = ApplicationStatus
AGREE, DISAGREE, ABSTAIN = VoteChoice.AGREE, VoteChoice.DISAGREE, VoteChoice.ABSTAIN
NOT_SECRETARY = "只有评委会秘书可以管理评审会议"
ODD_SIZE = "抽取的评审专家人数须为奇数"
NOT_ASSIGNABLE = "所选申报中有不在评审中或已安排到其他评审会议的，请刷新页面后重新选择"
NOT_VOTING = "评审会议不在表决中，不能投票"


def in_status(status: MeetingStatus) -> str:
    return f"评审会议当前为“{status.label}”，不能进行此操作"


# --- helpers -------------------------------------------------------------------------------------


def secretary(world):
    return world.actor(world.secretary)


def create(session, world, actor=None, **overrides) -> ReviewMeeting:
    fields = {"name": "评审会", "held_on": FIXED_NOW.date(), "place": "兰州", "size": 5}
    return meetings.create_meeting(
        session, actor or secretary(world), world.secretary, **(fields | overrides)
    )


def vote(session, world, expert, meeting, application, choice=AGREE) -> None:
    meetings.cast_vote(session, world.actor(expert), meeting.id, application.id, choice, FIXED_NOW)


def declare(session, world, expert, meeting, application) -> None:
    meetings.declare_conflict(session, world.actor(expert), meeting.id, application.id, FIXED_NOW)


def close(session, world, meeting):
    results = meetings.close_meeting(
        session, secretary(world), world.secretary, meeting.id, FIXED_NOW
    )
    session.commit()
    return results


def routed(session, meeting, application) -> MeetingApplication:
    return session.scalars(
        select(MeetingApplication)
        .where(
            MeetingApplication.meeting_id == meeting.id,
            MeetingApplication.application_id == application.id,
        )
        .execution_options(populate_existing=True)
    ).one()


def routed_ids(session, meeting) -> list[int]:
    return list(
        session.scalars(
            select(MeetingApplication.application_id)
            .where(MeetingApplication.meeting_id == meeting.id)
            .order_by(MeetingApplication.application_id)
        )
    )


def drawn_ids(session, meeting) -> list[int]:
    return list(
        session.scalars(
            select(MeetingExpert.expert_id)
            .where(MeetingExpert.meeting_id == meeting.id)
            .order_by(MeetingExpert.expert_id)
        )
    )


def ballots(session, meeting, application) -> list[tuple[int, bool]]:
    return [
        tuple(row)
        for row in session.execute(
            select(MeetingBallot.expert_id, MeetingBallot.recused)
            .where(
                MeetingBallot.meeting_id == meeting.id,
                MeetingBallot.application_id == application.id,
            )
            .order_by(MeetingBallot.expert_id)
        )
    ]


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def audit_rows(session, event: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


def visible_ids(session, world, expert) -> set[int]:
    return {a.id for a in session.scalars(visible_applications(world.actor(expert)))}


def ids(*applications) -> set[int]:
    return {a.id for a in applications}


def status_of(session, application) -> ApplicationStatus:
    session.refresh(application)
    return application.status


class LastDraw:
    """Draws the last ``k`` of the pool (FixedDraw in the conftest draws the first)."""

    def sample(self, population, k):
        return list(population)[-k:]


class RecordingDraw:
    """Remembers the pool it was offered, then draws its first ``k``."""

    def __init__(self):
        self.population: list[int] = []

    def sample(self, population, k):
        self.population = list(population)
        return self.population[:k]


# --- create_meeting ------------------------------------------------------------------------------


def test_a_meeting_is_created_in_preparation_with_an_audit_line(session, world) -> None:
    meeting = create(session, world, name="  2026年第一次评审会 ", size=7)
    session.commit()
    assert meeting.status == MeetingStatus.PREPARING
    assert meeting.committee_id == world.committee.id
    assert meeting.name == "2026年第一次评审会"
    assert meeting.batch_id is not None
    assert meeting.created_by == world.secretary.id
    (row,) = audit_rows(session, "meeting_created")
    assert row.actor_id == world.secretary.id
    assert row.target == f"评审会议 {meeting.id}（2026年第一次评审会）"
    assert row.detail == "7人"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "请填写会议名称"),
        ({"name": "   "}, "请填写会议名称"),
        ({"name": None}, "请填写会议名称"),
        ({"name": "会" * 101}, "会议名称不超过100字，会议地点不超过200字"),
        ({"place": "地" * 201}, "会议名称不超过100字，会议地点不超过200字"),
        ({"size": 4}, ODD_SIZE),
        ({"size": 0}, ODD_SIZE),
        ({"size": -3}, ODD_SIZE),
        ({"size": 101}, "抽取的评审专家人数不超过99人"),
        ({"size": 100}, "抽取的评审专家人数不超过99人"),
    ],
)
def test_create_meeting_refuses_bad_input(session, world, overrides, message) -> None:
    with pytest.raises(RuleViolation) as refused:
        create(session, world, **overrides)
    assert refused.value.message == message
    assert count(session, ReviewMeeting) == 0


def test_the_longest_name_and_size_are_accepted(session, world) -> None:
    meeting = create(session, world, name="会" * 100, place="地" * 200, size=99)
    session.commit()
    assert meeting.size == 99


@pytest.mark.parametrize("role", [Role.EXPERT, Role.UNIT_HANDLER, Role.PROVINCE_ADMIN])
def test_only_a_secretary_creates_meetings(session, world, role) -> None:
    person = make_account(session, role, unit=world.org.unit, committee=world.committee)
    with pytest.raises(NotAllowed) as refused:
        create(session, world, actor=world.actor(person))
    assert refused.value.message == NOT_SECRETARY
    assert count(session, ReviewMeeting) == 0


def test_a_secretary_creates_meetings_for_their_own_committee(session, world) -> None:
    meeting = create(session, world, actor=world.actor(world.other_secretary))
    assert meeting.committee_id == world.other_committee.id


# --- add_dossiers / remove_dossier ---------------------------------------------------------------


def test_add_routes_evaluating_dossiers_once_each(session, world) -> None:
    meeting = create(session, world)
    first, second, _ = world.evaluating
    added = meetings.add_dossiers(
        session, secretary(world), meeting.id, [first.id, second.id, first.id]
    )
    session.commit()
    assert added == 2
    assert routed_ids(session, meeting) == sorted(ids(first, second))


@pytest.mark.parametrize("status", [S.PUBLICITY, S.FAILED, S.CERTIFIED, S.DRAFTING])
def test_only_evaluating_dossiers_may_be_added(session, world, status) -> None:
    other = make_application(
        session, unit=world.org.lone_unit, committee=world.committee, status=status
    )
    meeting = create(session, world)
    with pytest.raises(RuleViolation) as refused:
        meetings.add_dossiers(session, secretary(world), meeting.id, [other.id])
    assert refused.value.message == NOT_ASSIGNABLE
    assert routed_ids(session, meeting) == []


def test_a_dossier_at_intake_spoils_the_whole_choice(session, world) -> None:
    meeting = create(session, world)
    chosen = [world.evaluating[0].id, world.intake.id]
    with pytest.raises(RuleViolation, match=NOT_ASSIGNABLE):
        meetings.add_dossiers(session, secretary(world), meeting.id, chosen)
    assert routed_ids(session, meeting) == []


@pytest.mark.parametrize("started", [False, True])
def test_a_dossier_of_an_open_meeting_cannot_be_added_again(
    session, world, meeting_of, started
) -> None:
    meeting_of(dossiers=[world.evaluating[0]], start=started)
    second = create(session, world)
    with pytest.raises(RuleViolation) as refused:
        meetings.add_dossiers(session, secretary(world), second.id, [world.evaluating[0].id])
    assert refused.value.message == NOT_ASSIGNABLE
    assert routed_ids(session, second) == []
    assignable = session.scalars(meetings.assignable_applications(secretary(world))).all()
    assert {a.id for a in assignable} == ids(*world.evaluating[1:])


def test_another_committees_dossier_cannot_be_added(session, world) -> None:
    foreign = make_application(
        session,
        unit=world.org.lone_unit,
        committee=world.other_committee,
        status=S.EVALUATING,
    )
    meeting = create(session, world)
    with pytest.raises(RuleViolation, match=NOT_ASSIGNABLE):
        meetings.add_dossiers(session, secretary(world), meeting.id, [foreign.id])
    with pytest.raises(RuleViolation, match=NOT_ASSIGNABLE):
        meetings.add_dossiers(session, secretary(world), meeting.id, [2_000_000_000])


def test_adding_nothing_is_refused(session, world) -> None:
    meeting = create(session, world)
    with pytest.raises(RuleViolation) as refused:
        meetings.add_dossiers(session, secretary(world), meeting.id, [])
    assert refused.value.message == "请先勾选要加入本次会议的申报"


def test_dossiers_are_not_added_once_voting_started(session, world, meeting_of) -> None:
    meeting = meeting_of(dossiers=world.evaluating[:2], start=True)
    with pytest.raises(InvalidState) as refused:
        meetings.add_dossiers(session, secretary(world), meeting.id, [world.evaluating[2].id])
    assert refused.value.message == in_status(MeetingStatus.VOTING)


def test_another_committees_secretary_does_not_find_the_meeting(session, world) -> None:
    meeting = create(session, world)
    other = world.actor(world.other_secretary)
    with pytest.raises(MeetingNotFound):
        meetings.add_dossiers(session, other, meeting.id, [world.evaluating[0].id])
    with pytest.raises(MeetingNotFound):
        meetings.draw(session, other, world.other_secretary, meeting.id, FIXED_NOW)


def test_a_dossier_is_removed_while_preparing(session, world, meeting_of) -> None:
    meeting = meeting_of()
    first, second, third = world.evaluating
    meetings.remove_dossier(session, secretary(world), meeting.id, second.id)
    session.commit()
    assert routed_ids(session, meeting) == sorted(ids(first, third))
    assignable = session.scalars(meetings.assignable_applications(secretary(world))).all()
    assert [a.id for a in assignable] == [second.id]


def test_a_dossier_is_not_removed_once_voting_started(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    with pytest.raises(InvalidState) as refused:
        meetings.remove_dossier(session, secretary(world), meeting.id, world.evaluating[0].id)
    assert refused.value.message == in_status(MeetingStatus.VOTING)
    assert routed_ids(session, meeting) == sorted(ids(*world.evaluating))


def test_removing_a_dossier_not_routed_is_not_found(session, world, meeting_of) -> None:
    meeting = meeting_of(dossiers=[world.evaluating[0]])
    with pytest.raises(MeetingNotFound):
        meetings.remove_dossier(session, secretary(world), meeting.id, world.evaluating[1].id)


# --- draw ----------------------------------------------------------------------------------------


def test_a_new_draw_replaces_the_previous_one(session, world, meeting_of) -> None:
    meeting = meeting_of(size=3)
    assert drawn_ids(session, meeting) == [e.id for e in world.experts[:3]]
    drawn = meetings.draw(
        session, secretary(world), world.secretary, meeting.id, FIXED_NOW, rng=LastDraw()
    )
    session.commit()
    assert [a.id for a in drawn] == [e.id for e in world.experts[2:]]
    assert drawn_ids(session, meeting) == [e.id for e in world.experts[2:]]
    assert meeting.drawn_at == to_naive_utc(FIXED_NOW)


def test_a_seeded_draw_takes_distinct_experts_of_the_pool(session, world) -> None:
    meeting = create(session, world, size=3)
    drawn = meetings.draw(
        session,
        secretary(world),
        world.secretary,
        meeting.id,
        FIXED_NOW,
        rng=random.Random(2026),
    )
    session.commit()
    pool = {e.id for e in world.experts}
    assert len({a.id for a in drawn}) == 3
    assert {a.id for a in drawn} <= pool
    assert drawn_ids(session, meeting) == sorted(a.id for a in drawn)


def test_a_pool_too_small_is_refused_and_the_previous_draw_kept(session, world, meeting_of) -> None:
    meeting = meeting_of(size=5)
    world.experts[4].active = False
    session.commit()
    with pytest.raises(RuleViolation) as refused:
        meetings.draw(session, secretary(world), world.secretary, meeting.id, FIXED_NOW)
    assert refused.value.message == "评委会专家库中可抽取的专家只有4人，不足5人"
    session.rollback()
    assert drawn_ids(session, meeting) == [e.id for e in world.experts]


def test_a_meeting_larger_than_the_pool_cannot_be_drawn(session, world) -> None:
    meeting = create(session, world, size=7)
    with pytest.raises(RuleViolation, match="只有5人，不足7人"):
        meetings.draw(session, secretary(world), world.secretary, meeting.id, FIXED_NOW)
    assert drawn_ids(session, meeting) == []


def test_only_active_experts_of_the_committee_are_in_the_pool(session, world) -> None:
    world.experts[3].active = False
    make_account(session, Role.EXPERT, name="无评委会专家")
    make_account(session, Role.COMMITTEE_SECRETARY, committee=world.committee)
    meeting = create(session, world, size=3)
    rng = RecordingDraw()
    meetings.draw(session, secretary(world), world.secretary, meeting.id, FIXED_NOW, rng=rng)
    expected = [e.id for i, e in enumerate(world.experts) if i != 3]
    assert sorted(rng.population) == expected


def test_a_draw_writes_an_audit_line_with_the_names(session, world, meeting_of) -> None:
    meeting = meeting_of(size=3)
    (row,) = audit_rows(session, "experts_drawn")
    assert row.actor_id == world.secretary.id
    assert row.target == f"评审会议 {meeting.id}（{meeting.name}）"
    assert row.detail == "、".join(e.name for e in world.experts[:3])


def test_no_draw_once_voting_started(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    with pytest.raises(InvalidState) as refused:
        meetings.draw(session, secretary(world), world.secretary, meeting.id, FIXED_NOW)
    assert refused.value.message == in_status(MeetingStatus.VOTING)


# --- start_voting --------------------------------------------------------------------------------


def start(session, world, meeting, attending) -> None:
    meetings.start_voting(
        session, secretary(world), world.secretary, meeting.id, attending, FIXED_NOW
    )


def test_start_voting_records_attendance(session, world, meeting_of) -> None:
    meeting = meeting_of()
    present = [e.id for e in world.experts[:3]]
    start(session, world, meeting, present)
    session.commit()
    assert meeting.status == MeetingStatus.VOTING
    assert meeting.voting_started_at == to_naive_utc(FIXED_NOW)
    attendance = {row.expert_id: row.attended for row in meeting.experts}
    assert attendance == {e.id: e.id in present for e in world.experts}
    (row,) = audit_rows(session, "voting_started")
    assert row.detail == "应到5人，实到3人"


@pytest.mark.parametrize("stranger", ["other_expert", "undrawn", "secretary"])
def test_only_drawn_experts_can_be_present(session, world, meeting_of, stranger) -> None:
    meeting = meeting_of(size=3)
    person = {
        "other_expert": world.other_expert,
        "undrawn": world.experts[4],
        "secretary": world.secretary,
    }[stranger]
    with pytest.raises(RuleViolation) as refused:
        start(session, world, meeting, [world.experts[0].id, person.id])
    assert refused.value.message == "出席名单中有未抽取到本次会议的专家，请刷新页面后重新登记"
    session.rollback()
    assert meeting.status == MeetingStatus.PREPARING


def test_start_voting_needs_dossiers(session, world, meeting_of) -> None:
    meeting = meeting_of(dossiers=[])
    with pytest.raises(RuleViolation) as refused:
        start(session, world, meeting, [world.experts[0].id])
    assert refused.value.message == "请先添加参加本次评审会议的申报"


def test_start_voting_needs_a_draw(session, world) -> None:
    meeting = create(session, world)
    meetings.add_dossiers(session, secretary(world), meeting.id, [world.evaluating[0].id])
    with pytest.raises(RuleViolation) as refused:
        start(session, world, meeting, [])
    assert refused.value.message == "请先抽取评审专家"


def test_start_voting_needs_someone_present(session, world, meeting_of) -> None:
    meeting = meeting_of()
    with pytest.raises(RuleViolation) as refused:
        start(session, world, meeting, [])
    assert refused.value.message == "请登记出席会议的评审专家"
    session.rollback()
    assert meeting.status == MeetingStatus.PREPARING


def test_voting_starts_only_once(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    with pytest.raises(InvalidState) as refused:
        start(session, world, meeting, [world.experts[0].id])
    assert refused.value.message == in_status(MeetingStatus.VOTING)


# --- cast_vote -----------------------------------------------------------------------------------


def test_the_ballot_table_cannot_say_how_anyone_voted(session) -> None:
    columns = {c["name"] for c in inspect(session.get_bind()).get_columns("meeting_ballot")}
    assert columns == {"meeting_id", "application_id", "expert_id", "recused", "at"}


def test_votes_move_only_the_anonymous_counters(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    dossier = world.evaluating[1]
    for expert, choice in zip(world.experts[2:], (AGREE, DISAGREE, ABSTAIN), strict=True):
        vote(session, world, expert, meeting, dossier, choice)
    session.commit()
    row = routed(session, meeting, dossier)
    assert (row.agree, row.disagree, row.abstain) == (1, 1, 1)
    assert ballots(session, meeting, dossier) == [(e.id, False) for e in world.experts[2:]]
    untouched = routed(session, meeting, world.evaluating[2])
    assert (untouched.agree, untouched.disagree, untouched.abstain) == (0, 0, 0)


def test_a_second_vote_is_refused(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    dossier = world.evaluating[1]
    vote(session, world, world.experts[2], meeting, dossier, AGREE)
    session.commit()
    with pytest.raises(RuleViolation) as refused:
        vote(session, world, world.experts[2], meeting, dossier, DISAGREE)
    assert refused.value.message == "您已对该申报投过票，不能重复投票"
    session.rollback()
    row = routed(session, meeting, dossier)
    assert (row.agree, row.disagree) == (1, 0)
    assert len(ballots(session, meeting, dossier)) == 1


def test_an_expert_not_present_cannot_vote(session, world, meeting_of) -> None:
    absent = world.experts[4]
    meeting = meeting_of(start=True, attending=[e.id for e in world.experts[:4]])
    with pytest.raises(NotAllowed) as refused:
        vote(session, world, absent, meeting, world.evaluating[1])
    assert refused.value.message == "您未登记出席本次评审会议，不能投票"
    assert ballots(session, meeting, world.evaluating[1]) == []


@pytest.mark.parametrize("which", [0, 1], ids=["same-unit", "applicant-department"])
def test_an_expert_recused_by_unit_does_not_find_the_dossier(
    session, world, meeting_of, which
) -> None:
    meeting = meeting_of(start=True)
    expert = world.experts[which]
    with pytest.raises(MeetingNotFound):
        vote(session, world, expert, meeting, world.evaluating[0])
    with pytest.raises(MeetingNotFound):
        declare(session, world, expert, meeting, world.evaluating[0])
    assert ballots(session, meeting, world.evaluating[0]) == []
    vote(session, world, expert, meeting, world.evaluating[1])  # another unit's dossier: fine
    assert routed(session, meeting, world.evaluating[1]).agree == 1


def test_after_declaring_a_conflict_the_expert_cannot_vote(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    dossier = world.evaluating[1]
    declare(session, world, world.experts[2], meeting, dossier)
    session.commit()
    with pytest.raises(NotAllowed) as refused:
        vote(session, world, world.experts[2], meeting, dossier)
    assert refused.value.message == "您已回避该申报，不能投票"
    assert ballots(session, meeting, dossier) == [(world.experts[2].id, True)]
    assert routed(session, meeting, dossier).agree == 0


def test_a_conflict_may_be_declared_while_preparing(session, world, meeting_of) -> None:
    meeting = meeting_of()
    declare(session, world, world.experts[2], meeting, world.evaluating[1])
    assert ballots(session, meeting, world.evaluating[1]) == [(world.experts[2].id, True)]


@pytest.mark.parametrize(
    ("first", "message"),
    [("vote", "您已对该申报投过票，不能再申请回避"), ("declare", "您已回避该申报")],
)
def test_a_conflict_is_refused_after_a_ballot(session, world, meeting_of, first, message) -> None:
    meeting = meeting_of(start=True)
    dossier = world.evaluating[1]
    (vote if first == "vote" else declare)(session, world, world.experts[2], meeting, dossier)
    session.commit()
    with pytest.raises(RuleViolation) as refused:
        declare(session, world, world.experts[2], meeting, dossier)
    assert refused.value.message == message


def test_no_vote_before_voting_starts(session, world, meeting_of) -> None:
    meeting = meeting_of()
    with pytest.raises(InvalidState) as refused:
        vote(session, world, world.experts[2], meeting, world.evaluating[1])
    assert refused.value.message == NOT_VOTING


def test_no_vote_and_no_conflict_after_the_close(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    close(session, world, meeting)
    with pytest.raises(InvalidState) as refused:
        vote(session, world, world.experts[2], meeting, world.evaluating[1])
    assert refused.value.message == NOT_VOTING
    with pytest.raises(InvalidState) as refused:
        declare(session, world, world.experts[2], meeting, world.evaluating[1])
    assert refused.value.message == "评审会议已结束，不能申请回避"
    session.rollback()
    assert routed(session, meeting, world.evaluating[1]).agree == 0


@pytest.mark.parametrize("who", ["other_committee", "undrawn", "secretary"])
def test_those_not_drawn_do_not_find_the_meeting(session, world, meeting_of, who) -> None:
    meeting = meeting_of(size=3, start=True)
    person = {
        "other_committee": world.other_expert,
        "undrawn": world.experts[4],
        "secretary": world.secretary,
    }[who]
    with pytest.raises(MeetingNotFound):
        vote(session, world, person, meeting, world.evaluating[1])
    assert ballots(session, meeting, world.evaluating[1]) == []


def test_a_dossier_not_routed_to_the_meeting_is_not_found(session, world, meeting_of) -> None:
    meeting = meeting_of(dossiers=world.evaluating[:2], start=True)
    with pytest.raises(MeetingNotFound):
        vote(session, world, world.experts[2], meeting, world.evaluating[2])


# --- close_meeting -------------------------------------------------------------------------------


def votes(session, world, meeting, dossier, choices) -> None:
    """``choices[i]`` is the vote of world.experts[i] (None: no vote)."""
    for expert, choice in zip(world.experts, choices, strict=False):
        if choice is not None:
            vote(session, world, expert, meeting, dossier, choice)
    session.commit()


def history(session, application) -> list[ApplicationHistory]:
    return list(
        session.scalars(
            select(ApplicationHistory).where(ApplicationHistory.application_id == application.id)
        )
    )


def notes(session, application) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.recipient_id == application.applicant_id)
        )
    )


def test_a_passed_dossier_goes_to_publicity(session, world, meeting_of) -> None:
    dossier = world.evaluating[1]
    meeting = meeting_of(dossiers=[dossier], start=True)
    votes(session, world, meeting, dossier, [AGREE, AGREE, AGREE, AGREE, DISAGREE])
    (result,) = close(session, world, meeting)
    assert result.application.id == dossier.id
    assert result.outcome == VoteOutcome.PASSED
    assert result.tally == Tally(5, 5, agree=4, disagree=1)
    assert status_of(session, dossier) == S.PUBLICITY
    (step,) = history(session, dossier)
    assert step.action == Action.CLOSE_VOTE
    assert (step.from_status, step.to_status) == (S.EVALUATING, S.PUBLICITY)
    assert (step.actor_id, step.actor_role) == (world.secretary.id, Role.COMMITTEE_SECRETARY)
    assert step.actor_name == world.secretary.name
    (note,) = notes(session, dossier)
    assert note.application_id == dossier.id
    assert "公示中" in note.body
    row = routed(session, meeting, dossier)
    assert row.outcome == VoteOutcome.PASSED
    assert row.tally_text == "应到5人，实到5人；同意4票，不同意1票，弃权0票"
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.CLOSED
    assert meeting.closed_at == to_naive_utc(FIXED_NOW)
    (line,) = audit_rows(session, "meeting_closed")
    assert line.detail == f"{dossier.applicant.name} 通过"


def test_a_failed_dossier_is_not_passed(session, world, meeting_of) -> None:
    dossier = world.evaluating[2]
    meeting = meeting_of(dossiers=[dossier], start=True)
    votes(session, world, meeting, dossier, [AGREE, AGREE, AGREE, DISAGREE, ABSTAIN])
    (result,) = close(session, world, meeting)
    assert result.outcome == VoteOutcome.FAILED
    assert status_of(session, dossier) == S.FAILED
    (step,) = history(session, dossier)
    assert (step.action, step.to_status) == (Action.CLOSE_VOTE, S.FAILED)
    (note,) = notes(session, dossier)
    assert "未通过" in note.body
    assert routed(session, meeting, dossier).tally_text == (
        "应到5人，实到5人；同意3票，不同意1票，弃权1票"
    )


def test_present_experts_who_did_not_vote_count_against(session, world, meeting_of) -> None:
    dossier = world.evaluating[1]
    meeting = meeting_of(dossiers=[dossier], start=True)
    votes(session, world, meeting, dossier, [AGREE, AGREE, AGREE])
    (result,) = close(session, world, meeting)
    assert result.outcome == VoteOutcome.FAILED
    assert routed(session, meeting, dossier).tally_text == (
        "应到5人，实到5人；同意3票，不同意0票，弃权0票，未投票2人"
    )


def test_without_quorum_the_dossier_stays_for_another_meeting(session, world, meeting_of) -> None:
    dossier = world.evaluating[1]
    present = [e.id for e in world.experts[2:]]
    meeting = meeting_of(dossiers=[dossier], start=True, attending=present)
    votes(session, world, meeting, dossier, [None, None, AGREE, AGREE, AGREE])
    (result,) = close(session, world, meeting)
    assert result.outcome == VoteOutcome.NO_QUORUM
    assert status_of(session, dossier) == S.EVALUATING
    assert history(session, dossier) == []
    assert notes(session, dossier) == []
    row = routed(session, meeting, dossier)
    assert row.outcome == VoteOutcome.NO_QUORUM
    assert row.tally_text == "应到5人，实到3人；同意3票，不同意0票，弃权0票"
    assignable = session.scalars(meetings.assignable_applications(secretary(world))).all()
    assert dossier.id in {a.id for a in assignable}
    again = create(session, world, name="第二次评审会")
    assert meetings.add_dossiers(session, secretary(world), again.id, [dossier.id]) == 1


def test_recused_experts_leave_the_tally_of_that_dossier_only(session, world, meeting_of) -> None:
    """Experts [0] and [1] (the applicant's unit and 主管部门 of dossier [0]) are absent."""
    meeting = meeting_of(start=True, attending=[e.id for e in world.experts[2:]])
    for dossier in world.evaluating:
        votes(session, world, meeting, dossier, [None, None, AGREE, AGREE, AGREE])
    results = {r.application.id: r for r in close(session, world, meeting)}
    own_unit, other, lone = world.evaluating
    assert results[own_unit.id].tally == Tally(3, 3, agree=3)
    assert results[own_unit.id].outcome == VoteOutcome.PASSED
    assert results[other.id].tally == Tally(5, 3, agree=3)
    assert results[other.id].outcome == VoteOutcome.NO_QUORUM
    assert results[lone.id].outcome == VoteOutcome.NO_QUORUM
    assert routed(session, meeting, own_unit).tally_text.startswith("应到3人，实到3人；")
    assert status_of(session, own_unit) == S.PUBLICITY
    assert status_of(session, other) == S.EVALUATING


def test_a_declared_conflict_leaves_the_tally(session, world, meeting_of) -> None:
    dossier = world.evaluating[1]
    meeting = meeting_of(dossiers=[dossier], start=True)
    declare(session, world, world.experts[4], meeting, dossier)
    votes(session, world, meeting, dossier, [AGREE, AGREE, AGREE, DISAGREE])
    (result,) = close(session, world, meeting)
    # 3 of 4 passes; counted with the recused expert it would be 3 of 5 and fail
    assert result.tally == Tally(4, 4, agree=3, disagree=1)
    assert result.outcome == VoteOutcome.PASSED
    assert status_of(session, dossier) == S.PUBLICITY


@pytest.mark.parametrize(
    ("passing", "outcome", "status"),
    [((2, 3), VoteOutcome.FAILED, S.FAILED), ((1, 2), VoteOutcome.PASSED, S.PUBLICITY)],
)
def test_the_committees_pass_ratio_decides(
    session, world, meeting_of, passing, outcome, status
) -> None:
    world.committee.pass_numerator, world.committee.pass_denominator = passing
    session.commit()
    dossier = world.evaluating[1]
    meeting = meeting_of(dossiers=[dossier], start=True)
    votes(session, world, meeting, dossier, [AGREE, AGREE, AGREE, DISAGREE, DISAGREE])
    (result,) = close(session, world, meeting)
    assert result.outcome == outcome
    assert status_of(session, dossier) == status


@pytest.mark.parametrize(
    ("quorum", "outcome"), [((2, 3), VoteOutcome.NO_QUORUM), ((1, 2), VoteOutcome.PASSED)]
)
def test_the_committees_quorum_decides(session, world, meeting_of, quorum, outcome) -> None:
    world.committee.quorum_numerator, world.committee.quorum_denominator = quorum
    session.commit()
    dossier = world.evaluating[1]
    meeting = meeting_of(
        dossiers=[dossier], start=True, attending=[e.id for e in world.experts[2:]]
    )
    votes(session, world, meeting, dossier, [None, None, AGREE, AGREE, AGREE])
    (result,) = close(session, world, meeting)
    assert result.outcome == outcome


def test_a_meeting_closes_only_while_voting(session, world, meeting_of) -> None:
    meeting = meeting_of()
    with pytest.raises(InvalidState) as refused:
        close(session, world, meeting)
    assert refused.value.message == in_status(MeetingStatus.PREPARING)
    session.rollback()
    present = [e.id for e in world.experts]
    meetings.start_voting(
        session, secretary(world), world.secretary, meeting.id, present, FIXED_NOW
    )
    close(session, world, meeting)  # nobody voted: all three 未通过
    with pytest.raises(InvalidState) as refused:
        close(session, world, meeting)
    assert refused.value.message == in_status(MeetingStatus.CLOSED)
    session.rollback()
    assert count(session, ApplicationHistory) == 3  # one 表决结束 per dossier, not two


def test_only_the_committees_secretary_closes(session, world, meeting_of) -> None:
    meeting = meeting_of(start=True)
    with pytest.raises(MeetingNotFound):
        meetings.close_meeting(
            session,
            world.actor(world.other_secretary),
            world.other_secretary,
            meeting.id,
            FIXED_NOW,
        )
    with pytest.raises(NotAllowed, match=NOT_SECRETARY):
        meetings.close_meeting(
            session, world.actor(world.experts[2]), world.experts[2], meeting.id, FIXED_NOW
        )
    session.rollback()
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.VOTING


# --- scopes: what a drawn expert may read --------------------------------------------------------


def condition_ids(session, world, expert) -> set[int]:
    condition = expert_condition(world.actor(expert))
    return set(session.scalars(select(Application.id).where(condition)))


def test_a_drawn_expert_reads_the_routed_dossiers(session, world, meeting_of) -> None:
    meeting_of(size=5)
    expert = world.experts[2]
    assert visible_ids(session, world, expert) == ids(*world.evaluating)
    assert condition_ids(session, world, expert) == ids(*world.evaluating)
    actor = world.actor(expert)
    for application in session.scalars(visible_applications(actor)):
        assert permissions.can_view(application, actor, drawn=True)


def test_a_drawn_expert_reads_them_while_voting_too(session, world, meeting_of) -> None:
    meeting_of(size=5, start=True)
    assert visible_ids(session, world, world.experts[3]) == ids(*world.evaluating)


@pytest.mark.parametrize("which", [0, 1], ids=["same-unit", "applicant-department"])
def test_an_expert_does_not_read_dossiers_they_are_recused_for(
    session, world, meeting_of, which
) -> None:
    meeting_of(size=5)
    assert visible_ids(session, world, world.experts[which]) == ids(*world.evaluating[1:])
    assert condition_ids(session, world, world.experts[which]) == ids(*world.evaluating[1:])


def test_a_declared_conflict_hides_the_dossier(session, world, meeting_of) -> None:
    meeting = meeting_of(size=5)
    declare(session, world, world.experts[2], meeting, world.evaluating[1])
    session.commit()
    expected = ids(world.evaluating[0], world.evaluating[2])
    assert visible_ids(session, world, world.experts[2]) == expected
    assert visible_ids(session, world, world.experts[3]) == ids(*world.evaluating)


def test_experts_not_drawn_read_nothing(session, world, meeting_of) -> None:
    meeting_of(size=3)
    assert visible_ids(session, world, world.experts[3]) == set()
    assert visible_ids(session, world, world.experts[4]) == set()
    assert visible_ids(session, world, world.other_expert) == set()


def test_after_the_close_nothing_is_read(session, world, meeting_of) -> None:
    meeting = meeting_of(size=5, start=True, attending=[e.id for e in world.experts[2:]])
    close(session, world, meeting)
    # two dossiers are still 评审中 (no quorum) but the meeting is over
    assert status_of(session, world.evaluating[1]) == S.EVALUATING
    for expert in world.experts:
        assert visible_ids(session, world, expert) == set()


def test_a_dossier_no_longer_evaluating_is_not_read(session, world, meeting_of) -> None:
    meeting_of(size=5)
    world.evaluating[2].status = S.PUBLICITY
    session.commit()
    assert visible_ids(session, world, world.experts[2]) == ids(*world.evaluating[:2])


def test_a_closed_meeting_does_not_hide_the_same_dossier_in_a_new_one(
    session, world, meeting_of
) -> None:
    dossier = world.evaluating[1]
    first = meeting_of(size=5, dossiers=[dossier], start=True, attending=[world.experts[2].id])
    close(session, world, first)  # 1 of 5 present: no quorum, the dossier stays 评审中
    assert visible_ids(session, world, world.experts[2]) == set()
    meeting_of(size=5, dossiers=[dossier])
    assert visible_ids(session, world, world.experts[2]) == {dossier.id}


# --- attachment_for for experts ------------------------------------------------------------------


def a_file(session, application) -> Attachment:
    row = Attachment(
        application_id=application.id,
        part="正文",
        sha256="0" * 64,
        original_name="论文.pdf",
        mime="application/pdf",
        size=1024,
        pages=1,
    )
    session.add(row)
    session.commit()
    return row


def test_a_drawn_expert_gets_the_files_of_routed_dossiers(session, world, meeting_of) -> None:
    meeting_of(size=5)
    row = a_file(session, world.evaluating[1])
    got = attachment_for(session, world.actor(world.experts[2]), row.id)
    assert got.id == row.id
    assert attachment_for(session, world.actor(world.experts[0]), row.id).id == row.id


def test_a_recused_expert_does_not_get_the_file(session, world, meeting_of) -> None:
    meeting_of(size=5)
    row = a_file(session, world.evaluating[0])
    for expert in world.experts[:2]:
        with pytest.raises(AttachmentNotFound):
            attachment_for(session, world.actor(expert), row.id)
    assert attachment_for(session, world.actor(world.experts[2]), row.id).id == row.id


def test_a_declared_conflict_hides_the_file(session, world, meeting_of) -> None:
    meeting = meeting_of(size=5)
    row = a_file(session, world.evaluating[1])
    declare(session, world, world.experts[2], meeting, world.evaluating[1])
    session.commit()
    with pytest.raises(AttachmentNotFound):
        attachment_for(session, world.actor(world.experts[2]), row.id)


def test_experts_not_drawn_do_not_get_the_file(session, world, meeting_of) -> None:
    meeting_of(size=3)
    row = a_file(session, world.evaluating[1])
    for expert in (world.experts[3], world.experts[4], world.other_expert):
        with pytest.raises(AttachmentNotFound):
            attachment_for(session, world.actor(expert), row.id)


def test_after_the_close_the_file_is_gone_for_experts(session, world, meeting_of) -> None:
    meeting = meeting_of(size=5, start=True, attending=[e.id for e in world.experts[2:]])
    row = a_file(session, world.evaluating[1])
    assert attachment_for(session, world.actor(world.experts[2]), row.id).id == row.id
    close(session, world, meeting)
    assert status_of(session, world.evaluating[1]) == S.EVALUATING  # no quorum
    with pytest.raises(AttachmentNotFound):
        attachment_for(session, world.actor(world.experts[2]), row.id)


# --- concurrency (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.postgres_only
def test_the_same_expert_voting_twice_at_once_counts_once(
    app, session, world, meeting_of, dialect
) -> None:
    if dialect != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    meeting = meeting_of(start=True)
    dossier = world.evaluating[1]
    actor = world.actor(world.experts[2])
    meeting_id, dossier_id = meeting.id, dossier.id
    session.commit()
    outcomes: list[str] = []

    def cast(own):
        meetings.cast_vote(own, actor, meeting_id, dossier_id, AGREE, FIXED_NOW)

    run_together(in_own_session(app, outcomes, cast), in_own_session(app, outcomes, cast))
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok", outcomes
    (refusal,) = [o for o in outcomes if o != "ok"]
    assert refusal in {
        "您已对该申报投过票，不能重复投票",
        "您已对该申报投过票或申请过回避，不能重复提交",
    }
    session.expire_all()
    assert routed(session, meeting, dossier).agree == 1
    assert ballots(session, meeting, dossier) == [(world.experts[2].id, False)]


@pytest.mark.postgres_only
def test_experts_voting_at_once_are_all_counted(app, session, world, meeting_of, dialect) -> None:
    if dialect != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    meeting = meeting_of(start=True)
    dossier = world.evaluating[2]
    meeting_id, dossier_id = meeting.id, dossier.id
    choices = [AGREE, AGREE, DISAGREE, ABSTAIN, AGREE]
    actors = [world.actor(e) for e in world.experts]
    session.commit()
    outcomes: list[str] = []

    def voter(actor, choice):
        def work(own):
            meetings.cast_vote(own, actor, meeting_id, dossier_id, choice, FIXED_NOW)

        return in_own_session(app, outcomes, work)

    run_together(*(voter(a, c) for a, c in zip(actors, choices, strict=True)))
    assert outcomes == ["ok"] * 5
    session.expire_all()
    row = routed(session, meeting, dossier)
    assert (row.agree, row.disagree, row.abstain) == (3, 1, 1)
    assert len(ballots(session, meeting, dossier)) == 5


@pytest.mark.postgres_only
def test_a_vote_racing_the_close_is_counted_or_refused(
    app, session, world, meeting_of, dialect
) -> None:
    if dialect != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    voter = world.actor(world.experts[2])
    closer = world.actor(world.secretary)
    secretary_id = world.secretary.id
    seen = set()
    for _ in range(6):
        dossier = make_application(
            session, unit=world.org.lone_unit, committee=world.committee, status=S.EVALUATING
        )
        session.commit()
        meeting = meeting_of(dossiers=[dossier], start=True)
        meeting_id, dossier_id = meeting.id, dossier.id
        session.commit()
        voted: list[str] = []
        closed: list[str] = []

        def cast(own, meeting_id=meeting_id, dossier_id=dossier_id):
            meetings.cast_vote(own, voter, meeting_id, dossier_id, AGREE, FIXED_NOW)

        def finish(own, meeting_id=meeting_id):
            by = own.get(Account, secretary_id)
            meetings.close_meeting(own, closer, by, meeting_id, FIXED_NOW)

        run_together(in_own_session(app, voted, cast), in_own_session(app, closed, finish))
        assert closed == ["ok"]
        session.expire_all()
        row = routed(session, meeting, dossier)
        if voted == ["ok"]:
            assert row.agree == 1
            assert row.tally_text == "应到5人，实到5人；同意1票，不同意0票，弃权0票，未投票4人"
            assert ballots(session, meeting, dossier) == [(world.experts[2].id, False)]
        else:
            assert voted == [NOT_VOTING]
            assert row.agree == 0
            assert row.tally_text == "应到5人，实到5人；同意0票，不同意0票，弃权0票，未投票5人"
            assert ballots(session, meeting, dossier) == []
        assert row.outcome == VoteOutcome.FAILED
        seen.add(voted[0])
    assert seen <= {"ok", NOT_VOTING}


def waiting_on_locks(conn) -> int:
    """Sessions of this database waiting for a lock (a fresh statistics snapshot each call)."""
    waiting = conn.exec_driver_sql(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ).scalar()
    conn.rollback()
    return waiting


@pytest.mark.postgres_only
def test_one_dossier_added_to_two_meetings_at_once_lands_in_one(
    app, session, world, dialect
) -> None:
    """Both additions wait on the dossier's row lock (held here by a third connection), so each
    decided "in no open meeting" before the other committed: only one may win."""
    if dialect != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    dossier_id = world.evaluating[2].id
    actor = secretary(world)
    meeting_ids = [create(session, world, name=f"第{n}次评审会").id for n in (1, 2)]
    session.commit()
    outcomes: list[str] = []

    def adder(meeting_id):
        def work(own):
            meetings.add_dossiers(own, actor, meeting_id, [dossier_id])

        return in_own_session(app, outcomes, work)

    threads = [threading.Thread(target=adder(mid)) for mid in meeting_ids]
    with db.engine.connect() as blocker, db.engine.connect() as watcher:
        blocker.execute(
            select(Application.id).where(Application.id == dossier_id).with_for_update()
        )
        for thread in threads:
            thread.start()
        for _ in range(200):
            if waiting_on_locks(watcher) >= 2:
                break
            threading.Event().wait(0.05)
        assert waiting_on_locks(watcher) == 2, "both additions should wait on the dossier's lock"
        blocker.rollback()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted(["ok", NOT_ASSIGNABLE]), outcomes
    holders = session.scalars(
        select(MeetingApplication.meeting_id).where(MeetingApplication.application_id == dossier_id)
    ).all()
    assert len(holders) == 1
