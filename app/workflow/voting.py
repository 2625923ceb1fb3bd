"""Review meetings (评审会议): drawing experts, recusal, secret ballots and the tally (DESIGN §6).

A meeting is prepared (dossiers added, experts drawn at random from the committee's pool), then
opened for voting with the attendance recorded, then closed: each dossier's tally decides
公示中 or 未通过. Experts of the applicant's own unit, and experts who declare a conflict, are
recused for that dossier and count neither as members nor as attending for it (reference/rules.md).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.workflow.actors import Actor
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import MeetingStatus, Role, VoteOutcome

#: meetings whose drawn experts may read the dossiers routed to them
OPEN_MEETING_STATUSES = frozenset({MeetingStatus.PREPARING, MeetingStatus.VOTING})


@dataclass(frozen=True)
class Ratio:
    """A share such as 2/3, compared in integers so 4 of 6 is exactly enough."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if not 0 < self.numerator <= self.denominator:
            raise ValueError(f"bad ratio {self.numerator}/{self.denominator}")

    def met(self, part: int, whole: int) -> bool:
        return whole > 0 and part * self.denominator >= self.numerator * whole

    @property
    def label(self) -> str:
        return f"{self.numerator}/{self.denominator}"


#: 人社部令第40号 (secondary): 同意 ≥ 2/3 of those attending; quorum 2/3 (local rules, configurable)
DEFAULT_QUORUM = Ratio(2, 3)
DEFAULT_PASS = Ratio(2, 3)


@dataclass(frozen=True)
class Tally:
    """One dossier's votes; ``members`` and ``attending`` leave out the recused experts."""

    members: int
    attending: int
    agree: int = 0
    disagree: int = 0
    abstain: int = 0

    def outcome(self, quorum: Ratio, passing: Ratio) -> VoteOutcome:
        if not quorum.met(self.attending, self.members):
            return VoteOutcome.NO_QUORUM
        return VoteOutcome.PASSED if passing.met(self.agree, self.attending) else VoteOutcome.FAILED

    @property
    def text(self) -> str:
        not_voted = self.attending - self.agree - self.disagree - self.abstain
        counts = f"同意{self.agree}票，不同意{self.disagree}票，弃权{self.abstain}票"
        if not_voted > 0:
            counts += f"，未投票{not_voted}人"
        return f"应到{self.members}人，实到{self.attending}人；{counts}"


def check_size(size: int) -> None:
    if size < 1 or size % 2 == 0:
        raise RuleViolation("抽取的评审专家人数须为奇数")


def draw_experts(pool: Sequence[int], size: int, rng: random.Random) -> list[int]:
    """``size`` distinct experts from ``pool``, at random (the service passes SystemRandom)."""
    check_size(size)
    if len(pool) < size:
        raise RuleViolation(f"评委会专家库中可抽取的专家只有{len(pool)}人，不足{size}人")
    return sorted(rng.sample(list(pool), size))


def is_recused(expert_unit_id: int | None, app: Any, declared: bool) -> bool:
    """回避: the expert works in the applicant's unit or its 主管部门, or declared a conflict."""
    if declared:
        return True
    return expert_unit_id is not None and expert_unit_id in (app.unit_id, app.department_id)


def can_manage_meeting(meeting: Any, actor: Actor) -> bool:
    return (
        actor.role == Role.COMMITTEE_SECRETARY
        and actor.committee_id is not None
        and actor.committee_id == meeting.committee_id
    )


def require_manage(meeting: Any, actor: Actor, status: MeetingStatus) -> None:
    """The meeting's own committee secretary, with the meeting in ``status``."""
    if not can_manage_meeting(meeting, actor):
        raise NotAllowed("只有本评委会的评委会秘书可以管理该评审会议")
    if meeting.status != status:
        raise InvalidState(f"评审会议当前为“{MeetingStatus(meeting.status).label}”，不能进行此操作")


def start_voting(meeting: Any, actor: Actor, *, dossiers: int, drawn: int, attending: int) -> None:
    """开始表决: dossiers routed, experts drawn and their attendance recorded."""
    require_manage(meeting, actor, MeetingStatus.PREPARING)
    if dossiers == 0:
        raise RuleViolation("请先添加参加本次评审会议的申报")
    if drawn == 0:
        raise RuleViolation("请先抽取评审专家")
    if attending == 0:
        raise RuleViolation("请登记出席会议的评审专家")
    meeting.status = MeetingStatus.VOTING


def close(meeting: Any, actor: Actor) -> None:
    """结束表决: the service tallies each dossier and moves it on."""
    require_manage(meeting, actor, MeetingStatus.VOTING)
    meeting.status = MeetingStatus.CLOSED


def check_ballot(
    *, meeting_status: MeetingStatus, attended: bool, recused: bool, already_cast: bool
) -> None:
    """May a drawn expert cast a ballot (or declare a conflict) on this dossier now."""
    if meeting_status != MeetingStatus.VOTING:
        raise InvalidState("评审会议不在表决中，不能投票")
    if recused:
        raise NotAllowed("您已回避该申报，不能投票")
    if already_cast:
        raise RuleViolation("您已对该申报投过票，不能重复投票")
    if not attended:
        raise NotAllowed("您未登记出席本次评审会议，不能投票")


def check_conflict(*, meeting_status: MeetingStatus, recused: bool, already_cast: bool) -> None:
    """May a drawn expert declare a conflict (申请回避) on this dossier now."""
    if meeting_status not in OPEN_MEETING_STATUSES:
        raise InvalidState("评审会议已结束，不能申请回避")
    if recused:
        raise RuleViolation("您已回避该申报")
    if already_cast:
        raise RuleViolation("您已对该申报投过票，不能再申请回避")
