"""评审会议 on rows: the secretary prepares, draws, opens and closes; experts read and vote.

The workflow (app.workflow.voting) decides; this module loads, locks, counts and records.
Ballots say who voted and when; the choice only increments the dossier's anonymous counters,
so not even the database can tell how an expert voted.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.clock import to_naive_utc
from app.models import (
    Account,
    Application,
    Committee,
    MeetingApplication,
    MeetingBallot,
    MeetingExpert,
    ReviewMeeting,
)
from app.services import audit
from app.services.applications import current_batch, perform
from app.services.scopes import expert_condition, visible_applications
from app.workflow import transitions, voting
from app.workflow.actors import Actor
from app.workflow.errors import NotAllowed, RuleViolation
from app.workflow.states import ApplicationStatus, MeetingStatus, Role, VoteChoice, VoteOutcome

NAME_MAX = 100
PLACE_MAX = 200
MAX_SIZE = 99
_COUNTER = {
    VoteChoice.AGREE: MeetingApplication.agree,
    VoteChoice.DISAGREE: MeetingApplication.disagree,
    VoteChoice.ABSTAIN: MeetingApplication.abstain,
}


class MeetingNotFound(LookupError):
    """No such meeting (or dossier in it) for this person; views answer 404."""


# --- the secretary's side ----------------------------------------------------------------------


def committee_meetings(actor: Actor) -> Select:
    return (
        select(ReviewMeeting)
        .where(ReviewMeeting.committee_id == _committee_of(actor))
        .order_by(ReviewMeeting.id.desc())
    )


def _committee_of(actor: Actor) -> int:
    if actor.role != Role.COMMITTEE_SECRETARY or actor.committee_id is None:
        raise NotAllowed("只有评委会秘书可以管理评审会议")
    return actor.committee_id


def meeting_for(
    session: Session, actor: Actor, meeting_id: int, *, for_update: bool = False
) -> ReviewMeeting:
    """One meeting of the secretary's committee; locked (PostgreSQL) when it is to change."""
    stmt = committee_meetings(actor).where(ReviewMeeting.id == meeting_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    meeting = session.scalars(stmt).first()
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    return meeting


def create_meeting(
    session: Session,
    actor: Actor,
    by: Account,
    *,
    name: str,
    held_on: date,
    place: str,
    size: int,
) -> ReviewMeeting:
    committee_id = _committee_of(actor)
    name, place = (name or "").strip(), (place or "").strip()
    if not name:
        raise RuleViolation("请填写会议名称")
    if len(name) > NAME_MAX or len(place) > PLACE_MAX:
        raise RuleViolation(f"会议名称不超过{NAME_MAX}字，会议地点不超过{PLACE_MAX}字")
    if size > MAX_SIZE:
        raise RuleViolation(f"抽取的评审专家人数不超过{MAX_SIZE}人")
    voting.check_size(size)
    batch = current_batch(session)
    meeting = ReviewMeeting(
        committee_id=committee_id,
        batch_id=batch.id if batch else None,
        name=name,
        held_on=held_on,
        place=place,
        size=size,
        created_by=by.id,
    )
    session.add(meeting)
    session.flush()
    audit.record(session, "meeting_created", actor=by, target=_label(meeting), detail=f"{size}人")
    return meeting


def _label(meeting: ReviewMeeting) -> str:
    return f"评审会议 {meeting.id}（{meeting.name}）"


def assignable_applications(actor: Actor) -> Select:
    """评审中 dossiers of the committee that no open meeting holds yet."""
    held = exists().where(
        MeetingApplication.application_id == Application.id,
        MeetingApplication.meeting_id == ReviewMeeting.id,
        ReviewMeeting.status.in_(voting.OPEN_MEETING_STATUSES),
    )
    return (
        visible_applications(actor)
        .where(Application.status == ApplicationStatus.EVALUATING, ~held)
        .order_by(None)
        .order_by(Application.id)
    )


def add_dossiers(
    session: Session, actor: Actor, meeting_id: int, application_ids: Iterable[int]
) -> int:
    """Route dossiers to a meeting in preparation; each must be 评审中 and in no open meeting."""
    meeting = meeting_for(session, actor, meeting_id, for_update=True)
    voting.require_manage(meeting, actor, MeetingStatus.PREPARING)
    wanted = list(dict.fromkeys(application_ids))
    if not wanted:
        raise RuleViolation("请先勾选要加入本次会议的申报")
    stmt = assignable_applications(actor).where(Application.id.in_(wanted))
    found = session.scalars(stmt.with_for_update(of=Application)).all()
    if len(found) == len(wanted):
        # the rows are locked now: a fresh statement sees what an earlier lock holder committed
        # (PostgreSQL hands a waiting FOR UPDATE its row without re-checking the NOT EXISTS)
        found = session.scalars(stmt).all()
    if len(found) != len(wanted):
        raise RuleViolation("所选申报中有不在评审中或已安排到其他评审会议的，请刷新页面后重新选择")
    for application in found:
        session.add(MeetingApplication(meeting_id=meeting.id, application_id=application.id))
    session.flush()
    return len(found)


def remove_dossier(session: Session, actor: Actor, meeting_id: int, application_id: int) -> None:
    meeting = meeting_for(session, actor, meeting_id, for_update=True)
    voting.require_manage(meeting, actor, MeetingStatus.PREPARING)
    row = _routed(session, meeting.id, application_id)
    session.delete(row)
    session.flush()


def _routed(session: Session, meeting_id: int, application_id: int) -> MeetingApplication:
    row = session.scalars(
        select(MeetingApplication).where(
            MeetingApplication.meeting_id == meeting_id,
            MeetingApplication.application_id == application_id,
        )
    ).first()
    if row is None:
        raise MeetingNotFound(application_id)
    return row


def expert_pool(committee_id: int) -> Select:
    """The committee's active experts (评审专家 accounts tied to it)."""
    return (
        select(Account)
        .where(
            Account.committee_id == committee_id,
            Account.active.is_(True),
            Account.roles.any(name=Role.EXPERT.value),
        )
        .order_by(Account.id)
    )


def draw(
    session: Session,
    actor: Actor,
    by: Account,
    meeting_id: int,
    now: datetime,
    rng: random.Random | None = None,
) -> list[Account]:
    """随机抽取: replace the drawn experts with a fresh random draw from the pool."""
    meeting = meeting_for(session, actor, meeting_id, for_update=True)
    voting.require_manage(meeting, actor, MeetingStatus.PREPARING)
    pool = session.scalars(expert_pool(meeting.committee_id)).all()
    chosen = set(
        voting.draw_experts([a.id for a in pool], meeting.size, rng or random.SystemRandom())
    )
    meeting.experts.clear()
    session.flush()
    drawn = [a for a in pool if a.id in chosen]
    meeting.experts.extend(MeetingExpert(expert_id=a.id) for a in drawn)
    meeting.drawn_at = to_naive_utc(now)
    session.flush()
    names = "、".join(a.name for a in drawn)
    audit.record(session, "experts_drawn", actor=by, target=_label(meeting), detail=names)
    return drawn


def start_voting(
    session: Session, actor: Actor, by: Account, meeting_id: int, attending: Iterable[int], now
) -> None:
    """开始表决 with the attendance: only drawn experts can be marked present."""
    meeting = meeting_for(session, actor, meeting_id, for_update=True)
    present = set(attending)
    drawn = {row.expert_id for row in meeting.experts}
    if present - drawn:
        raise RuleViolation("出席名单中有未抽取到本次会议的专家，请刷新页面后重新登记")
    voting.start_voting(
        meeting, actor, dossiers=len(meeting.dossiers), drawn=len(drawn), attending=len(present)
    )
    for row in meeting.experts:
        row.attended = row.expert_id in present
    meeting.voting_started_at = to_naive_utc(now)
    session.flush()
    detail = f"应到{len(drawn)}人，实到{len(present)}人"
    audit.record(session, "voting_started", actor=by, target=_label(meeting), detail=detail)


@dataclass(frozen=True)
class DossierResult:
    application: Application
    outcome: VoteOutcome
    tally: voting.Tally


def close_meeting(
    session: Session, actor: Actor, by: Account, meeting_id: int, now: datetime
) -> list[DossierResult]:
    """结束表决: tally each dossier; 通过 → 公示中, 未通过 → 未通过, 表决无效 stays 评审中."""
    meeting = meeting_for(session, actor, meeting_id, for_update=True)
    voting.close(meeting, actor)
    meeting.closed_at = to_naive_utc(now)
    quorum, passing = ratios(meeting.committee)
    results = []
    for row, tally in tallies(session, meeting):
        outcome = tally.outcome(quorum, passing)
        row.outcome, row.tally_text = outcome, tally.text
        row.members, row.attending = tally.members, tally.attending
        if outcome != VoteOutcome.NO_QUORUM:
            application = _lock_application(session, row.application_id)
            passed = outcome == VoteOutcome.PASSED
            perform(
                session, application, actor, by.name, transitions.close_vote, now, passed=passed
            )
        results.append(DossierResult(row.application, outcome, tally))
    session.flush()
    summary = "；".join(f"{r.application.applicant.name} {r.outcome.label}" for r in results)
    audit.record(session, "meeting_closed", actor=by, target=_label(meeting), detail=summary)
    return results


def _lock_application(session: Session, application_id: int) -> Application:
    stmt = select(Application).where(Application.id == application_id).with_for_update()
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


def ratios(committee: Committee) -> tuple[voting.Ratio, voting.Ratio]:
    return (
        voting.Ratio(committee.quorum_numerator, committee.quorum_denominator),
        voting.Ratio(committee.pass_numerator, committee.pass_denominator),
    )


def tallies(
    session: Session, meeting: ReviewMeeting
) -> list[tuple[MeetingApplication, voting.Tally]]:
    """Each routed dossier with its tally; recused experts leave both members and attendance."""
    rows = session.scalars(
        select(MeetingApplication)
        .where(MeetingApplication.meeting_id == meeting.id)
        .options(selectinload(MeetingApplication.application).selectinload(Application.applicant))
        .order_by(MeetingApplication.id)
        .execution_options(populate_existing=True)
    ).all()
    panel = meeting_panel(session, meeting.id)
    return [(row, panel.tally(row.application, row)) for row in rows]


@dataclass(frozen=True)
class Panel:
    """A meeting's drawn experts (id, attended, unit) and its declared conflicts."""

    experts: list
    #: (application id, expert id) of each declared conflict
    declared: set[tuple[int, int]]

    def tally(self, app, counts) -> voting.Tally:
        """``app`` has id, unit_id and department_id; ``counts`` agree, disagree and abstain."""
        members = [
            e
            for e in self.experts
            if not voting.is_recused(e.unit_id, app, (app.id, e.expert_id) in self.declared)
        ]
        attending = sum(1 for e in members if e.attended)
        return voting.Tally(len(members), attending, counts.agree, counts.disagree, counts.abstain)


def meeting_panel(session: Session, meeting_id: int) -> Panel:
    """Two queries, whatever the number of dossiers."""
    experts = session.execute(
        select(MeetingExpert.expert_id, MeetingExpert.attended, Account.unit_id)
        .join(Account, Account.id == MeetingExpert.expert_id)
        .where(MeetingExpert.meeting_id == meeting_id)
    ).all()
    declared = session.execute(
        select(MeetingBallot.application_id, MeetingBallot.expert_id).where(
            MeetingBallot.meeting_id == meeting_id, MeetingBallot.recused.is_(True)
        )
    ).all()
    return Panel(list(experts), {tuple(pair) for pair in declared})


def meeting_page_data(session: Session, meeting: ReviewMeeting) -> dict:
    """What the secretary's meeting page shows, in a fixed number of queries."""
    routed = session.scalars(
        select(MeetingApplication)
        .where(MeetingApplication.meeting_id == meeting.id)
        .options(
            selectinload(MeetingApplication.application).selectinload(Application.applicant),
            selectinload(MeetingApplication.application).selectinload(Application.unit),
            selectinload(MeetingApplication.application).selectinload(Application.qualification),
        )
        .order_by(MeetingApplication.id)
    ).all()
    experts = session.scalars(
        select(MeetingExpert)
        .where(MeetingExpert.meeting_id == meeting.id)
        .options(selectinload(MeetingExpert.expert))
        .order_by(MeetingExpert.expert_id)
    ).all()
    cast = dict(
        session.execute(
            select(MeetingBallot.application_id, func.count())
            .where(MeetingBallot.meeting_id == meeting.id, MeetingBallot.recused.is_(False))
            .group_by(MeetingBallot.application_id)
        ).all()
    )
    return {"routed": routed, "experts": experts, "cast": cast}


# --- the expert's side -------------------------------------------------------------------------


def expert_meetings(actor: Actor) -> Select:
    """Meetings the expert is drawn for, newest first."""
    return (
        select(ReviewMeeting)
        .join(MeetingExpert, MeetingExpert.meeting_id == ReviewMeeting.id)
        .where(MeetingExpert.expert_id == actor.user_id)
        .options(selectinload(ReviewMeeting.committee))
        .order_by(ReviewMeeting.held_on.desc(), ReviewMeeting.id.desc())
    )


def expert_meeting(
    session: Session, actor: Actor, meeting_id: int, *, lock: bool = False
) -> tuple[ReviewMeeting, MeetingExpert]:
    """A meeting the expert is drawn for, and the drawing row; with ``lock`` a shared row lock
    (PostgreSQL) so that 结束表决 waits for ballots being cast and sees them."""
    if actor.role != Role.EXPERT:
        raise MeetingNotFound(meeting_id)
    stmt = (
        select(ReviewMeeting, MeetingExpert)
        .join(MeetingExpert, MeetingExpert.meeting_id == ReviewMeeting.id)
        .where(ReviewMeeting.id == meeting_id, MeetingExpert.expert_id == actor.user_id)
    )
    if lock:
        stmt = stmt.with_for_update(read=True, of=ReviewMeeting).execution_options(
            populate_existing=True
        )
    found = session.execute(stmt).first()
    if found is None:
        raise MeetingNotFound(meeting_id)
    return found[0], found[1]


@dataclass(frozen=True)
class ExpertDossier:
    application: Application
    #: 已投票, or None before the expert votes
    ballot: str | None


def expert_dossiers(session: Session, actor: Actor, meeting: ReviewMeeting) -> list[ExpertDossier]:
    """The dossiers of the meeting the expert may read (recused ones left out), with ballots."""
    if meeting.status not in voting.OPEN_MEETING_STATUSES:
        return []
    stmt = (
        visible_applications(actor)
        .join(MeetingApplication, MeetingApplication.application_id == Application.id)
        .where(MeetingApplication.meeting_id == meeting.id)
        .order_by(None)
        .order_by(MeetingApplication.id)
    )
    applications = session.scalars(stmt).all()
    ballots = dict(
        session.execute(
            select(MeetingBallot.application_id, MeetingBallot.recused).where(
                MeetingBallot.meeting_id == meeting.id, MeetingBallot.expert_id == actor.user_id
            )
        ).all()
    )
    return [ExpertDossier(a, _ballot_label(ballots.get(a.id))) for a in applications]


def _ballot_label(recused: bool | None) -> str | None:
    # a declared conflict takes the dossier out of the expert's scope, so only votes show
    return "已投票" if recused is False else None


def expert_dossier(
    session: Session, actor: Actor, meeting_id: int, application_id: int
) -> tuple[ReviewMeeting, Application, str | None]:
    """One routed dossier the expert may read now, with their ballot state."""
    meeting, _ = expert_meeting(session, actor, meeting_id)
    stmt = (
        visible_applications(actor)
        .join(MeetingApplication, MeetingApplication.application_id == Application.id)
        .where(MeetingApplication.meeting_id == meeting.id, Application.id == application_id)
    )
    application = session.scalars(stmt).first()
    if application is None:
        raise MeetingNotFound(application_id)
    return meeting, application, _ballot_label(_ballot(session, meeting.id, application_id, actor))


def _ballot(session: Session, meeting_id: int, application_id: int, actor: Actor) -> bool | None:
    return session.scalar(
        select(MeetingBallot.recused).where(
            MeetingBallot.meeting_id == meeting_id,
            MeetingBallot.application_id == application_id,
            MeetingBallot.expert_id == actor.user_id,
        )
    )


def _ballot_context(session: Session, actor: Actor, meeting_id: int, application_id: int):
    """Lock the meeting (shared), check the dossier is routed and readable by this expert."""
    meeting, drawing = expert_meeting(session, actor, meeting_id, lock=True)
    _routed(session, meeting.id, application_id)
    readable = session.scalar(
        select(exists().where(Application.id == application_id, expert_condition(actor)))
    )
    ballot = _ballot(session, meeting.id, application_id, actor)
    if not readable and ballot is None and meeting.status in voting.OPEN_MEETING_STATUSES:
        raise MeetingNotFound(application_id)  # recused by unit: not theirs to see
    return meeting, drawing, ballot


def cast_vote(
    session: Session,
    actor: Actor,
    meeting_id: int,
    application_id: int,
    choice: VoteChoice,
    now: datetime,
) -> None:
    """One secret ballot: a row that says the expert voted, and one anonymous counter + 1."""
    meeting, drawing, ballot = _ballot_context(session, actor, meeting_id, application_id)
    voting.check_ballot(
        meeting_status=meeting.status,
        attended=bool(drawing.attended),
        recused=ballot is True,
        already_cast=ballot is False,
    )
    _add_ballot(session, meeting.id, application_id, actor, now, recused=False)
    counter = _COUNTER[choice]
    session.execute(
        update(MeetingApplication)
        .where(
            MeetingApplication.meeting_id == meeting.id,
            MeetingApplication.application_id == application_id,
        )
        .values({counter.key: counter + 1})
    )


def declare_conflict(
    session: Session, actor: Actor, meeting_id: int, application_id: int, now: datetime
) -> None:
    """申请回避: the expert leaves this dossier (no vote, not counted as a member for it)."""
    meeting, _, ballot = _ballot_context(session, actor, meeting_id, application_id)
    voting.check_conflict(
        meeting_status=meeting.status, recused=ballot is True, already_cast=ballot is False
    )
    _add_ballot(session, meeting.id, application_id, actor, now, recused=True)


def _add_ballot(session, meeting_id, application_id, actor: Actor, now, *, recused: bool) -> None:
    """The primary key (meeting, dossier, expert) refuses a second ballot of a concurrent click."""
    ballot = MeetingBallot(
        meeting_id=meeting_id,
        application_id=application_id,
        expert_id=actor.user_id,
        recused=recused,
        at=to_naive_utc(now),
    )
    try:
        with session.begin_nested():
            session.add(ballot)
    except IntegrityError as exc:
        raise RuleViolation("您已对该申报投过票或申请过回避，不能重复提交") from exc
