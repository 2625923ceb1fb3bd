"""审查推荐: unit and department review, unit publicity, reporting upward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.clock import BEIJING, from_naive_utc
from app.models import Account, Application
from app.models.review import UnitPublicity, WorkdayOverride, publicity_application
from app.services import integrity
from app.services.applications import batch_deadline, perform
from app.services.dossier import DossierNotFound, application_in_scope
from app.services.scopes import review_queue, visible_applications
from app.workdays import Override, WorkdayCalendar
from app.workflow import permissions, transitions
from app.workflow.actors import Actor
from app.workflow.errors import RuleViolation, WorkflowError
from app.workflow.states import ApplicationStatus, ReviewStage, Role

SECTIONS = ("基本信息", "学历资历", "专业技术工作经历", "业绩成果", "小结")
CONFLICT = "该申报刚被其他人处理过，请刷新页面后查看最新状态"


@dataclass(frozen=True)
class ReviewFilter:
    series_id: int | None = None
    qualification_id: int | None = None
    status: ApplicationStatus | None = None
    name: str = ""
    id_number: str = ""
    #: only what waits for this actor (the default tab), or everything in scope
    waiting_only: bool = True


def filtered_queue(actor: Actor, flt: ReviewFilter) -> Select:
    stmt = review_queue(actor) if flt.waiting_only else visible_applications(actor)
    if flt.series_id:
        stmt = stmt.where(Application.series_id == flt.series_id)
    if flt.qualification_id:
        stmt = stmt.where(Application.qualification_id == flt.qualification_id)
    if flt.status and not flt.waiting_only:
        stmt = stmt.where(Application.status == flt.status)
    if flt.name or flt.id_number:
        stmt = stmt.join(Account, Account.id == Application.applicant_id)
        if flt.name:
            stmt = stmt.where(Account.first_name.contains(flt.name, autoescape=True))
        if flt.id_number:
            stmt = stmt.where(Account.id_number.startswith(flt.id_number.upper(), autoescape=True))
    return stmt


def stage_counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many dossiers of the actor's scope stand at each status/stage (one query)."""
    scoped = visible_applications(actor).order_by(None).subquery()
    rows = session.execute(
        select(scoped.c.status, scoped.c.stage, func.count()).group_by(
            scoped.c.status, scoped.c.stage
        )
    ).all()
    counts: dict[str, int] = {}
    for status, stage, n in rows:
        label = f"{status.label}（{stage.label}）" if stage is not None else status.label
        counts[label] = counts.get(label, 0) + n
    return counts


def _act(session: Session, actor: Actor, actor_name: str, application_id: int, now, move, **kw):
    application = application_in_scope(session, actor, application_id, for_update=True)
    try:
        perform(session, application, actor, actor_name, move, now, **kw)
    except StaleDataError as exc:
        raise RuleViolation(CONFLICT) from exc
    return application


def approve(session: Session, actor: Actor, actor_name: str, application_id: int, now: datetime):
    """审核通过; the unit leader's pass needs the unit publicity to have run its course."""
    application = application_in_scope(session, actor, application_id, for_update=True)
    gate = None
    if permissions.can_approve(application, actor):  # otherwise the workflow says who may
        check_deadline(application, actor, now)
        if _is_unit_leader_step(application):
            gate = publicity_gate(session, application, now)
            if not gate.done:
                raise RuleViolation(gate.message)
    return _act(
        session,
        actor,
        actor_name,
        application_id,
        now,
        transitions.approve,
        publicity_done=gate is not None and gate.done,
    )


def return_for_revision(session, actor, actor_name, application_id, now, *, reason, sections):
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise RuleViolation("退回涉及的模块无效：" + "、".join(unknown))
    return _act(
        session,
        actor,
        actor_name,
        application_id,
        now,
        transitions.return_for_revision,
        reason=reason,
        sections=list(sections),
    )


def accept(session: Session, actor: Actor, actor_name: str, application_id: int, now: datetime):
    """受理 by the committee secretary: the dossier goes to 评审中 (not while its applicant is
    barred by the 诚信档案)."""
    integrity.check_applicant(session, application_in_scope(session, actor, application_id), now)
    return _act(session, actor, actor_name, application_id, now, transitions.accept)


def refuse(session, actor, actor_name, application_id, now, *, reason):
    """不予受理, with the reason the applicant reads."""
    return _act(session, actor, actor_name, application_id, now, transitions.refuse, reason=reason)


def bulk_approve(session, actor, actor_name, ids, now) -> list[tuple[int, str | None]]:
    """Each row passes or is refused on its own; a refused row leaves nothing half-done."""
    results = []
    for application_id in dict.fromkeys(ids):
        try:
            with session.begin_nested():
                approve(session, actor, actor_name, application_id, now)
            results.append((application_id, None))
        except DossierNotFound:
            results.append((application_id, "申报不存在或不在您的审查范围内"))
        except WorkflowError as exc:
            results.append((application_id, exc.message))
    return results


def _is_unit_leader_step(application: Application) -> bool:
    return (
        application.status == ApplicationStatus.UNDER_REVIEW
        and application.stage == ReviewStage.UNIT_LEADER
    )


_DEADLINE_BY_STAGE = {
    ReviewStage.UNIT_HANDLER: ("unit_deadline", "单位推荐"),
    ReviewStage.UNIT_LEADER: ("unit_deadline", "单位推荐"),
    ReviewStage.DEPT_HANDLER: ("department_deadline", "主管部门推荐"),
    ReviewStage.DEPT_LEADER: ("department_deadline", "主管部门推荐"),
}


def check_deadline(application: Application, actor: Actor, now: datetime) -> None:
    """Units and departments report within the batch's deadlines."""
    field = _DEADLINE_BY_STAGE.get(application.stage)
    if field is None or actor.role == Role.PROVINCE_ADMIN:
        return
    deadline = batch_deadline(application.batch, field[0], application.committee_id)
    if deadline is not None and now >= from_naive_utc(deadline):
        when = from_naive_utc(deadline).astimezone(BEIJING).strftime("%Y年%m月%d日%H:%M")
        raise RuleViolation(f"{field[1]}已截止（截止时间{when}，北京时间）")


# --- unit publicity -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicityGate:
    done: bool
    message: str


def calendar_for(session: Session, years: range | list[int]) -> WorkdayCalendar:
    overrides = session.scalars(
        select(WorkdayOverride).where(
            WorkdayOverride.day >= date(min(years), 1, 1),
            WorkdayOverride.day <= date(max(years), 12, 31),
        )
    )
    return WorkdayCalendar.for_years(years, [Override(o.day, o.workday, o.note) for o in overrides])


def unpublished_years_ahead(session: Session, now: datetime, days: int = 90) -> list[int]:
    """Years of the coming publicity window whose 调休 schedule nobody has recorded yet."""
    today = now.astimezone(BEIJING).date()
    end = today + timedelta(days=days)
    calendar = calendar_for(session, range(today.year, end.year + 1))
    return calendar.unpublished_years(today, end)


def check_publicity_period(
    calendar: WorkdayCalendar, starts_on: date, ends_on: date, min_days: int
) -> None:
    if ends_on < starts_on:
        raise RuleViolation("公示结束日期不能早于开始日期")
    if calendar.workdays_between(starts_on, ends_on) < min_days:
        first = calendar.nth_workday_from(starts_on, min_days)
        raise RuleViolation(
            f"公示期须不少于{min_days}个工作日：自{starts_on:%Y年%m月%d日}起，"
            f"结束日期最早为{first:%Y年%m月%d日}"
        )


def publicity_gate(session: Session, application: Application, now: datetime) -> PublicityGate:
    """Whether the unit publicity including this dossier has run ≥ N working days and ended."""
    batch = application.batch
    publicity = session.scalars(
        select(UnitPublicity)
        .join(publicity_application, publicity_application.c.publicity_id == UnitPublicity.id)
        .where(publicity_application.c.application_id == application.id)
        .order_by(UnitPublicity.ends_on.desc())
    ).first()
    if publicity is None:
        return PublicityGate(False, "尚未登记单位公示：请先登记公示情况，公示期满后再审核通过上报")
    return period_gate(
        session,
        publicity.starts_on,
        publicity.ends_on,
        batch.unit_publicity_days,
        now,
        "审核通过上报",
    )


def period_gate(
    session: Session, starts_on: date, ends_on: date, days: int, now: datetime, then: str
) -> PublicityGate:
    """A publicity of ≥ ``days`` working days that has ended before today; ``then`` is what
    it unlocks (审核通过上报, 发证), named in the message."""
    today = now.astimezone(BEIJING).date()
    last_year = max(today.year, ends_on.year) + 1  # the period may reach into it
    calendar = calendar_for(session, range(starts_on.year, last_year + 1))
    first_end = calendar.nth_workday_from(starts_on, days)
    if ends_on < first_end:
        return PublicityGate(
            False, f"公示期不足{days}个工作日，结束日期最早为{first_end:%Y年%m月%d日}"
        )
    if today <= ends_on:
        allowed = ends_on + timedelta(days=1)
        return PublicityGate(False, f"公示尚未结束，{allowed:%Y年%m月%d日}起可{then}")
    return PublicityGate(True, "")


def record_publicity(
    session,
    actor: Actor,
    *,
    application_ids,
    starts_on,
    ends_on,
    place,
    objections="",
    handling="",
    now: datetime,
) -> UnitPublicity:
    """单位公示: the unit leader records the publicity of dossiers waiting for them."""
    if actor.role != Role.UNIT_LEADER:
        raise RuleViolation("只有单位领导可以登记单位公示")
    if not (place or "").strip():
        raise RuleViolation("请填写公示地点（如单位公示栏、单位网站）")
    applications = [application_in_scope(session, actor, i) for i in dict.fromkeys(application_ids)]
    if not applications:
        raise RuleViolation("请选择参加公示的申报人")
    for application in applications:
        if not _is_unit_leader_step(application):
            raise RuleViolation(f"{application.applicant.name}的申报不在单位领导审查阶段")
    batch = applications[0].batch
    calendar = calendar_for(session, range(starts_on.year, ends_on.year + 1))
    check_publicity_period(calendar, starts_on, ends_on, batch.unit_publicity_days)
    publicity = UnitPublicity(
        unit_id=actor.unit_id,
        batch_id=batch.id,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip(),
        objections=objections.strip(),
        handling=handling.strip(),
        recorded_by=actor.user_id,
        applications=applications,
    )
    session.add(publicity)
    session.flush()
    return publicity


#: what the printable publicity list reads, loaded up front (one query per relation)
def publicity_list_load(model) -> tuple:
    """Loader options for a publicity's printable list: its dossiers and what a row names."""
    dossiers = selectinload(model.applications)
    return tuple(
        dossiers.selectinload(relation)
        for relation in (
            Application.applicant,
            Application.unit,
            Application.series,
            Application.qualification,
            Application.specialty,
        )
    )


def publicity_records(actor: Actor) -> Select:
    """The unit's publicity records, newest first."""
    return (
        select(UnitPublicity)
        .where(UnitPublicity.unit_id == actor.unit_id)
        .options(selectinload(UnitPublicity.applications))
        .order_by(UnitPublicity.id.desc())
    )


def unit_publicity_list(session: Session, actor: Actor, publicity_id: int) -> UnitPublicity | None:
    """One of the actor's unit's publicity records, ready for ``publicity_rows``."""
    return session.scalars(
        select(UnitPublicity)
        .where(UnitPublicity.id == publicity_id, UnitPublicity.unit_id == actor.unit_id)
        .options(*publicity_list_load(UnitPublicity))
    ).first()


PUBLICITY_HEADER = ("姓名", "工作单位", "申报系列", "申报资格", "申报专业")


def publicity_rows(publicity) -> list[tuple[str, str, str, str, str]]:
    """姓名, 工作单位, 申报系列, 申报资格, 申报专业 of each dossier (the printable list)."""
    return [
        (a.applicant.name, a.unit.name, a.series.name, a.qualification.name, a.specialty.path)
        for a in sorted(publicity.applications, key=lambda a: a.id)
    ]


# --- the unit's progress --------------------------------------------------------------------

NOT_STARTED = "未填报"


def _bucket_of(status: ApplicationStatus, stage: ReviewStage | None) -> str:
    return f"{status.label}（{stage.label}）" if stage is not None else status.label


def unit_progress(session: Session, unit_id: int, batch_id: int | None) -> dict[str, int]:
    """Where the unit's applicants stand in one batch, 未填报 included (two queries)."""
    applicants = _unit_applicants(unit_id).subquery()
    total = session.scalar(select(func.count()).select_from(applicants))
    rows = session.execute(
        select(Application.status, Application.stage, func.count())
        .where(
            Application.applicant_id.in_(select(applicants.c.id)),
            Application.batch_id == batch_id,
        )
        .group_by(Application.status, Application.stage)
    ).all()
    progress = {_bucket_of(status, stage): n for status, stage, n in rows}
    progress[NOT_STARTED] = (total or 0) - sum(progress.values())
    return progress


def _unit_applicants(unit_id: int) -> Select:
    return select(Account.id).where(
        Account.unit_id == unit_id, Account.roles.any(name=Role.APPLICANT.value)
    )


def progress_members(unit_id: int, bucket: str, batch_id: int | None) -> Select:
    """The applicants behind one number of the progress page."""
    applicants = _unit_applicants(unit_id)
    if bucket == NOT_STARTED:
        started = select(Application.applicant_id).where(Application.batch_id == batch_id)
        return (
            select(Account)
            .where(Account.id.in_(applicants), Account.id.not_in(started))
            .order_by(Account.id)
        )
    for status in ApplicationStatus:
        stages = [None] if status != ApplicationStatus.UNDER_REVIEW else list(ReviewStage)
        for stage in stages:
            if _bucket_of(status, stage) == bucket:
                condition = (Application.stage == stage) if stage else Application.stage.is_(None)
                return (
                    select(Account)
                    .join(Application, Application.applicant_id == Account.id)
                    .where(
                        Account.id.in_(applicants),
                        Application.batch_id == batch_id,
                        Application.status == status,
                        condition,
                    )
                    .order_by(Account.id)
                )
    raise RuleViolation("未知的统计项")
