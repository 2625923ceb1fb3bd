"""导出名单 and 申报统计: the rows behind the spreadsheets, read in bounded chunks.

Each list is one SELECT that joins everything a row shows and whose rows arrive ``CHUNK`` at
a time (``yield_per``: a server-side cursor on PostgreSQL). So the number of statements does not
grow with the rows, and memory does not grow with the year. Rows are plain values, ready for
app.documents.spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.clock import BEIJING, from_naive_utc
from app.models import (
    Account,
    Application,
    Batch,
    Committee,
    DeclarationModeItem,
    MeetingApplication,
    Qualification,
    ReviewMeeting,
    Series,
    Specialty,
    Unit,
    ValidityScope,
)
from app.services.meetings import Panel, meeting_panel
from app.services.scopes import scope_condition
from app.workflow.actors import Actor
from app.workflow.errors import NotAllowed
from app.workflow.states import ApplicationStatus, MeetingStatus, ReviewStage, Role

#: rows fetched from the database at a time
CHUNK = 1000
YEAR_MIN = 2000

#: what a committee secretary's list may be narrowed to: the statuses of their scope
COMMITTEE_STATUSES = (
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.EVALUATING,
    ApplicationStatus.PUBLICITY,
    ApplicationStatus.CERTIFIED,
    ApplicationStatus.FAILED,
    ApplicationStatus.NOT_ACCEPTED,
)

APPLICANT_HEADER = (
    "序号",
    "姓名",
    "身份证号",
    "性别",
    "工作单位",
    "主管部门",
    "申报系列",
    "申报资格",
    "申报专业",
    "有效范围",
    "申报方式",
    "当前状态",
    "提交时间",
)
APPLICANT_WIDTHS = (7, 12, 21, 6, 30, 20, 18, 18, 32, 22, 18, 24, 18)

RESULT_HEADER = (
    "序号",
    "姓名",
    "工作单位",
    "申报资格",
    "申报专业",
    "应到人数",
    "实到人数",
    "同意",
    "不同意",
    "弃权",
    "表决结果",
)
RESULT_WIDTHS = (7, 12, 30, 18, 32, 10, 10, 8, 8, 8, 12)

STATISTICS_STATUSES = tuple(ApplicationStatus)
STATISTICS_HEADER = ("评委会", *(s.label for s in STATISTICS_STATUSES), "合计")
STATISTICS_WIDTHS = (32, *(12 for _ in STATISTICS_STATUSES), 10)
TOTAL = "合计"


class ExportArgumentError(ValueError):
    """A year or status from the query string that cannot be used; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_year(raw: str | None, current_year: int) -> int:
    """年度 from the query string; empty means ``current_year``."""
    raw = (raw or "").strip()
    if not raw:
        return current_year
    if not re.fullmatch(r"[0-9]{4}", raw):
        raise ExportArgumentError(f"年度须为四位数字，如{current_year}")
    year = int(raw)
    if not YEAR_MIN <= year <= current_year + 1:
        raise ExportArgumentError(f"年度须在{YEAR_MIN}年至{current_year + 1}年之间")
    return year


def parse_status(raw: str | None) -> ApplicationStatus | None:
    """申报状态 of the secretary's list (by enum name); empty means every status."""
    raw = (raw or "").strip()
    if not raw:
        return None
    for status in COMMITTEE_STATUSES:
        if status.name == raw:
            return status
    raise ExportArgumentError("申报状态无效，请从列表中选择")


def batch_years(session: Session) -> list[int]:
    """Years that have a batch, newest first (the year choices of the export pages)."""
    return list(session.scalars(select(Batch.year).order_by(Batch.year.desc())))


def committee_of(session: Session, actor: Actor) -> Committee:
    """The secretary's own committee: the only one their lists come from."""
    committee = None
    if actor.role == Role.COMMITTEE_SECRETARY and actor.committee_id is not None:
        committee = session.get(Committee, actor.committee_id)
    if committee is None:
        raise NotAllowed("只有评委会秘书可以导出本评委会的名单")
    return committee


# --- 申报人员名单 ------------------------------------------------------------------------------


def applicant_rows(
    session: Session,
    actor: Actor,
    year: int,
    status: ApplicationStatus | None = None,
    *,
    chunk: int = CHUNK,
) -> Iterator[tuple]:
    """申报人员名单 of the secretary's committee in one batch year, in APPLICANT_HEADER order.

    The query runs (and the actor is checked) on the call; rows arrive as they are iterated.
    """
    committee_of(session, actor)
    department = aliased(Unit)
    stmt = (
        select(
            Account.first_name,
            Account.last_name,
            Account.id_number,
            Unit.name,
            department.name,
            Series.name,
            Qualification.name,
            Specialty.path,
            ValidityScope.name,
            DeclarationModeItem.name,
            Application.status,
            Application.stage,
            Application.submitted_at,
        )
        .join(Batch, Batch.id == Application.batch_id)
        .join(Account, Account.id == Application.applicant_id)
        .join(Unit, Unit.id == Application.unit_id)
        .outerjoin(department, department.id == Application.department_id)
        .join(Series, Series.id == Application.series_id)
        .join(Qualification, Qualification.id == Application.qualification_id)
        .join(Specialty, Specialty.id == Application.specialty_id)
        .join(ValidityScope, ValidityScope.id == Application.scope_id)
        .join(DeclarationModeItem, DeclarationModeItem.id == Application.mode_id)
        .where(scope_condition(actor), Batch.year == year)
        .order_by(Application.id)
    )
    if status is not None:
        stmt = stmt.where(Application.status == status)
    return _applicant_rows(session.execute(stmt.execution_options(yield_per=chunk)))


def _applicant_rows(result) -> Iterator[tuple]:
    for number, row in enumerate(result, start=1):
        first, last, id_number, *names, status_, stage, submitted = row
        yield (
            number,
            f"{first}{last}",
            id_number or "",
            gender_of(id_number),
            *(name or "" for name in names),
            status_label(status_, stage),
            beijing(submitted),
        )


def applicant_list_filename(
    committee: Committee, year: int, status: ApplicationStatus | None
) -> str:
    narrowed = f"（{status.label}）" if status else ""
    return f"{committee.name}{year}年度申报人员名单{narrowed}.xlsx"


def gender_of(id_number: str | None) -> str:
    """男 or 女 from the 17th digit of an 18-digit ID number; empty if it cannot be read."""
    if id_number and len(id_number) == 18 and id_number[16].isdigit():
        return "男" if int(id_number[16]) % 2 else "女"
    return ""


def status_label(status: ApplicationStatus, stage: ReviewStage | None) -> str:
    if status == ApplicationStatus.UNDER_REVIEW and stage is not None:
        return f"{status.label}（{stage.label}）"
    return status.label


def beijing(stored: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as naive Beijing time: spreadsheets have no time zones."""
    if stored is None:
        return None
    return from_naive_utc(stored).astimezone(BEIJING).replace(tzinfo=None)


# --- 评审结果 ----------------------------------------------------------------------------------


def result_rows(session: Session, meeting: ReviewMeeting, *, chunk: int = CHUNK) -> Iterator[tuple]:
    """评审结果 of one meeting (already checked to be the secretary's), in RESULT_HEADER order.

    应到/实到 leave out the experts recused for each dossier, as the tally does. Before the
    meeting closes the votes stay empty (the meeting page shows no running counts either)
    and 表决结果 says where the meeting stands; 实到 is known once voting has started.
    """
    panel = meeting_panel(session, meeting.id)
    stmt = (
        select(
            Application.id,
            Application.unit_id,
            Application.department_id,
            Account.first_name,
            Account.last_name,
            Unit.name.label("unit_name"),
            Qualification.name.label("qualification"),
            Specialty.path,
            MeetingApplication.agree,
            MeetingApplication.disagree,
            MeetingApplication.abstain,
            MeetingApplication.outcome,
            MeetingApplication.members,
            MeetingApplication.attending,
        )
        .join(Application, Application.id == MeetingApplication.application_id)
        .join(Account, Account.id == Application.applicant_id)
        .join(Unit, Unit.id == Application.unit_id)
        .join(Qualification, Qualification.id == Application.qualification_id)
        .join(Specialty, Specialty.id == Application.specialty_id)
        .where(MeetingApplication.meeting_id == meeting.id)
        .order_by(MeetingApplication.id)
    )
    result = session.execute(stmt.execution_options(yield_per=chunk))
    return _result_rows(result, panel, meeting.status)


def _result_rows(result, panel: Panel, status: MeetingStatus) -> Iterator[tuple]:
    closed = status == MeetingStatus.CLOSED
    started = status != MeetingStatus.PREPARING
    for number, row in enumerate(result, start=1):
        tally = panel.tally(row, row)
        votes = (tally.agree, tally.disagree, tally.abstain) if closed else (None, None, None)
        outcome = row.outcome.label if closed and row.outcome else status.label
        # a closed meeting's record as it was closed (meetings closed before it was kept: now)
        members = row.members if closed and row.members is not None else tally.members
        attending = row.attending if closed and row.attending is not None else tally.attending
        yield (
            number,
            f"{row.first_name}{row.last_name}",
            row.unit_name,
            row.qualification,
            row.path,
            members,
            attending if started else None,
            *votes,
            outcome,
        )


# --- 申报统计 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    year: int
    #: (committee name, a count per STATISTICS_STATUSES, the row's total)
    rows: list[tuple[str, list[int], int]]
    #: column totals per status, and the grand total
    totals: list[int]
    total: int

    def table(self) -> Iterator[tuple]:
        """The rows of the spreadsheet, in STATISTICS_HEADER order, with the 合计 row last."""
        for name, counts, total in self.rows:
            yield (name, *counts, total)
        yield (TOTAL, *self.totals, self.total)


def statistics(session: Session, year: int) -> Statistics:
    """Applications of one batch year per committee × status: one GROUP BY query.

    Every committee has a row, zeros included: applications are outer-joined to committees.
    """
    in_year = select(Batch.id).where(Batch.year == year)
    stmt = (
        select(Committee.id, Committee.name, Application.status, func.count(Application.id))
        .select_from(Committee)
        .outerjoin(
            Application,
            and_(Application.committee_id == Committee.id, Application.batch_id.in_(in_year)),
        )
        .group_by(Committee.id, Committee.name, Application.status)
        .order_by(Committee.id)
    )
    index = {status: i for i, status in enumerate(STATISTICS_STATUSES)}
    by_committee: dict[int, tuple[str, list[int]]] = {}
    for committee_id, name, status, count in session.execute(stmt):
        _, counts = by_committee.setdefault(committee_id, (name, [0] * len(index)))
        if status is not None:
            counts[index[status]] += count
    rows = [(name, counts, sum(counts)) for name, counts in by_committee.values()]
    totals = [sum(counts[i] for _, counts, _ in rows) for i in range(len(index))]
    return Statistics(year, rows, totals, sum(totals))
