"""The demo province of app/data/demo.yaml, built through the real workflow.

Every demo dossier reaches its status by the same transitions people make (进入申报, 提交审核,
审核通过 ...), so the demo's history rows are what the system itself would have written.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import BEIJING, to_naive_utc
from app.models import (
    Account,
    Application,
    Batch,
    Committee,
    DeclarationModeItem,
    Notice,
    NoticeColumn,
    Qualification,
    Series,
    Specialty,
    Unit,
    ValidityScope,
)
from app.services import certificates, meetings, notices, submission
from app.services.accounts import create_account
from app.services.applications import enter_application, perform
from app.services.catalog import read_data
from app.services.review import calendar_for
from app.services.scopes import actor_for
from app.validators.identity import complete_id_number
from app.workflow import transitions
from app.workflow.states import ApplicationStatus, ReviewStage, Role, UnitType, VoteChoice

S = ApplicationStatus
STEP = timedelta(hours=5)
_STAGE_ROLE_SUFFIX = {
    ReviewStage.UNIT_HANDLER: "jbr",
    ReviewStage.UNIT_LEADER: "ld",
    ReviewStage.DEPT_HANDLER: "jbr",
    ReviewStage.DEPT_LEADER: "ld",
}


def demo_exists(session: Session) -> bool:
    return session.scalars(select(Unit.id).limit(1)).first() is not None


def demo_id_number(region: str, birth: str, index: int) -> str:
    body = f"{region}{birth}{(index * 7 + 11) % 1000:03d}"
    return complete_id_number(body)


def load_demo(session: Session, now: datetime | None = None) -> str:
    """Create the demo province; returns a one-line summary."""
    now = now or datetime.now(UTC)
    spec = read_data("demo.yaml")
    builder = _DemoBuilder(session, spec, now)
    builder.build()
    return (
        f"演示数据已加载：{len(builder.units)} 个单位，{len(builder.committees)} 个评委会，"
        f"{builder.applicant_count} 名申报人，员工密码 {spec['demo_password']}"
    )


class _DemoBuilder:
    def __init__(self, session: Session, spec: dict, now: datetime) -> None:
        self.session = session
        self.spec = spec
        self.now = now
        self.password = spec["demo_password"]
        self.units: dict[str, Unit] = {}
        self.committees: dict[str, Committee] = {}
        self.staff: dict[str, Account] = {}
        #: short names for the demo staff's display names (建筑设计院经办人 ...)
        self.short_names = {
            entry["name"]: entry.get("short", entry["name"])
            for key in ("departments", "units", "committees")
            for entry in spec[key]
        }
        self.applicant_count = 0
        #: per committee code, the accepted dossiers and the status each is to reach
        self.evaluating: dict[str, list[tuple[Application, ApplicationStatus]]] = {}

    def build(self) -> None:
        self._organisation()
        self._batch()
        self._committees()
        self._staff()
        for index, entry in enumerate(self.spec["applicants"]):
            self._applicant(index, entry)
        for code, dossiers in self.evaluating.items():
            _DemoMeetings(self, code, dossiers).run()
        for entry in self.spec["committees"]:
            self.committees[entry["code"]].is_open = entry.get("open", True)
        self._notices()
        self.session.flush()

    def _notices(self) -> None:
        year = self.now.astimezone(BEIJING).year
        for entry in self.spec["notices"]:
            notice = Notice(
                category=NoticeColumn[entry["category"]],
                title=entry["title"].format(year=year),
                body=entry["body"].format(year=year),
                pinned=entry.get("pinned", False),
                is_published=True,
            )
            notices.stamp_publication(notice, self.now - timedelta(days=entry["days_ago"]))
            self.session.add(notice)

    def _organisation(self) -> None:
        province = self.spec["province"]
        self._unit(province, UnitType.PROVINCE, None)
        for dept in self.spec["departments"]:
            self._unit(dept, UnitType.DEPARTMENT, self.units[province["code"]])
        for unit in self.spec["units"]:
            parent = self.units[unit["department"] or province["code"]]
            self._unit(unit, UnitType.BASE, parent)

    def _unit(self, entry: dict, unit_type: UnitType, parent: Unit | None) -> None:
        unit = Unit(
            code=entry["code"],
            name=entry["name"],
            type=unit_type,
            region=entry["region"],
            parent=parent,
        )
        self.session.add(unit)
        self.session.flush()
        self.units[entry["code"]] = unit

    def _batch(self) -> None:
        """Open since 09:00 sixty days ago; the personal deadline is 24:00 in thirty days."""
        today = self.now.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
        opens = today - timedelta(days=60) + timedelta(hours=9)
        midnight = today + timedelta(days=31)
        self.session.add(
            Batch(
                year=today.year,
                name=f"{today.year}年度职称评审",
                opens_at=to_naive_utc(opens),
                personal_deadline=to_naive_utc(midnight),
                unit_deadline=to_naive_utc(midnight + timedelta(days=15)),
                department_deadline=to_naive_utc(midnight + timedelta(days=25)),
                committee_deadline=to_naive_utc(midnight + timedelta(days=60)),
                is_current=True,
            )
        )

    def _committees(self) -> None:
        for entry in self.spec["committees"]:
            committee = Committee(
                name=entry["name"],
                organiser=self.units[entry["organiser"]],
                org_root=self.units.get(entry.get("org_root") or ""),
                is_open=True,
                series=self._all(Series, Series.code, entry["series"]),
                qualifications=self._all(
                    Qualification, Qualification.code, entry.get("levels", [])
                ),
                specialties=self._all(Specialty, Specialty.path, entry.get("specialties", [])),
                scopes=self._all(ValidityScope, ValidityScope.code, entry.get("scopes", [])),
            )
            self.session.add(committee)
            self.committees[entry["code"]] = committee
        self.session.flush()

    def _all(self, model, column, values: list[str]) -> list:
        if not values:
            return []
        rows = list(self.session.scalars(select(model).where(column.in_(values))))
        if len(rows) != len(values):
            raise ValueError(f"演示数据引用了不存在的字典项：{values}")
        return rows

    def _staff(self) -> None:
        self._add_staff("admin", "省职改办管理员", Role.PROVINCE_ADMIN, self.units["62"])
        for entry in self.spec["units"]:
            unit = self.units[entry["code"]]
            self._add_staff(f"{entry['code']}_admin", "单位管理员", Role.UNIT_ADMIN, unit)
            self._add_staff(f"{entry['code']}_jbr", "经办人", Role.UNIT_HANDLER, unit)
            self._add_staff(f"{entry['code']}_ld", "领导", Role.UNIT_LEADER, unit)
        for entry in self.spec["departments"]:
            dept = self.units[entry["code"]]
            self._add_staff(f"{entry['code']}_jbr", "经办人", Role.DEPT_HANDLER, dept)
            self._add_staff(f"{entry['code']}_ld", "领导", Role.DEPT_LEADER, dept)
        for code, committee in self.committees.items():
            self._add_staff(
                f"{code}_ms", "秘书", Role.COMMITTEE_SECRETARY, committee.organiser, committee
            )
        for code, usernames in self.spec["experts"].items():
            committee = self.committees[code]
            for n, username in enumerate(usernames, start=1):
                self._add_staff(username, f"专家{n}", Role.EXPERT, None, committee)

    def _add_staff(self, username, title, role, unit, committee=None) -> None:
        place = self.short_names.get(committee.name if committee is not None else unit.name, "")
        name = f"{place}{title}" if role != Role.PROVINCE_ADMIN else title
        self.staff[username] = create_account(
            self.session,
            username=username,
            name=name,
            password=self.password,
            role=role,
            unit=unit,
            committee=committee,
            must_change_password=False,
        )

    def _applicant(self, index: int, entry: dict) -> None:
        id_number = demo_id_number(entry["region"], entry["birth"], index)
        fresh = bool(entry.get("fresh"))
        account = create_account(
            self.session,
            username=id_number,
            name=entry["name"],
            password=id_number[-8:] if fresh else self.password,
            role=Role.APPLICANT,
            unit=self.units[entry["unit"]],
            id_number=id_number,
            must_change_password=fresh,
        )
        self.applicant_count += 1
        if not fresh:
            _DossierDriver(self, account, entry, index).run()


class _DossierDriver:
    """Moves one demo dossier to its target through the workflow's transitions."""

    def __init__(self, builder: _DemoBuilder, account: Account, entry: dict, index: int):
        self.b = builder
        self.account = account
        self.entry = entry
        target, _, stage = entry["target"].partition("@")
        self.target = ApplicationStatus[target]
        self.target_stage = ReviewStage[stage] if stage else None
        self.returned_by = ReviewStage[entry["returned_by"]] if "returned_by" in entry else None
        self.clock = builder.now - timedelta(days=20) + index * timedelta(minutes=7)
        self.app: Application | None = None

    def tick(self) -> datetime:
        self.clock += STEP
        return self.clock

    def run(self) -> None:
        self._enter()
        if self.target == S.DRAFTING:
            return
        self._move(
            self.account,
            transitions.submit,
            complete=True,
            pledged=True,
            window=_window(self.b.session),
        )
        submission.freeze(
            self.b.session, self.app, actor_for(self.account), self.clock, ip="", form_version=None
        )
        self._review_stages()
        self._committee_stages()

    def _enter(self) -> None:
        session = self.b.session
        level = session.scalars(select(Qualification).filter_by(code=self.entry["level"])).one()
        self.app = enter_application(
            session,
            self.account,
            actor_for(self.account),
            self.tick(),
            mode=session.scalars(
                select(DeclarationModeItem).filter_by(code=self.entry.get("mode", "normal"))
            ).one(),
            qualification=level,
            specialty=session.scalars(
                select(Specialty).filter_by(series_id=level.series_id, path=self.entry["specialty"])
            ).one(),
            scope=session.scalars(select(ValidityScope).filter_by(code=self.entry["scope"])).one(),
        )

    def _review_stages(self) -> None:
        while self.app.status == S.UNDER_REVIEW and self.app.stage != ReviewStage.COMMITTEE_INTAKE:
            stage = self.app.stage
            if self.target == S.UNDER_REVIEW and stage == self.target_stage:
                return
            holder = self._holder(stage)
            if self.target == S.RETURNED and stage == self.returned_by:
                self._move(
                    holder,
                    transitions.return_for_revision,
                    reason="佐证材料不完整：请补充上传学历证书和聘用证明",
                    sections=["学历资历"],
                )
                return
            self._move(holder, transitions.approve, publicity_done=True)

    def _committee_stages(self) -> None:
        if self.app.status != S.UNDER_REVIEW or self.target == S.UNDER_REVIEW:
            return
        secretary = self._secretary()
        if self.target == S.NOT_ACCEPTED:
            self._move(secretary, transitions.refuse, reason="申报人任现职年限不符合申报条件")
            return
        self._move(secretary, transitions.accept)
        # votes happen in the committees' meetings, once every dossier has been accepted
        self.b.evaluating.setdefault(self._committee_code(), []).append((self.app, self.target))

    def _holder(self, stage: ReviewStage) -> Account:
        unit = self.account.unit
        place = (
            unit if stage in (ReviewStage.UNIT_HANDLER, ReviewStage.UNIT_LEADER) else unit.parent
        )
        return self.b.staff[f"{place.code}_{_STAGE_ROLE_SUFFIX[stage]}"]

    def _secretary(self) -> Account:
        return self.b.staff[f"{self._committee_code()}_ms"]

    def _committee_code(self) -> str:
        for code, committee in self.b.committees.items():
            if committee.id == self.app.committee_id:
                return code
        raise LookupError(self.app.committee_id)

    def _move(self, account: Account, move, **inputs) -> None:
        perform(
            self.b.session, self.app, actor_for(account), account.name, move, self.tick(), **inputs
        )


def _window(session: Session):
    from app.services.applications import batch_window, current_batch

    return batch_window(current_batch(session))


class _DemoMeetings:
    """One committee's meetings: a closed one that voted (公示中, 已发证, 未通过) and an open
    one in 表决中 holding the dossiers still 评审中, so the demo experts have work."""

    def __init__(self, builder: _DemoBuilder, code: str, dossiers) -> None:
        self.b = builder
        self.secretary = builder.staff[f"{code}_ms"]
        self.actor = actor_for(self.secretary)
        self.experts = [builder.staff[u] for u in builder.spec["experts"].get(code, [])]
        self.dossiers = dossiers
        self.rng = random.Random(code)

    def run(self) -> None:
        decided = [(a, t) for a, t in self.dossiers if t != S.EVALUATING]
        waiting = [a for a, t in self.dossiers if t == S.EVALUATING]
        if decided:
            self._vote(decided)
            self._publicise([a for a, t in decided if t == S.CERTIFIED], days_ago=12)
            self._publicise([a for a, t in decided if t == S.PUBLICITY], days_ago=1)
            for application, target in decided:
                if target == S.CERTIFIED:
                    certificates.issue(
                        self.b.session, self.actor, self.secretary, application.id, self._when(0)
                    )
        if waiting:
            self._open("第二次评审会", waiting, days_ago=0)

    def _vote(self, decided) -> None:
        meeting = self._open("第一次评审会", [a for a, _ in decided], days_ago=14)
        for application, target in decided:
            choice = VoteChoice.DISAGREE if target == S.FAILED else VoteChoice.AGREE
            for expert in self.experts:
                meetings.cast_vote(
                    self.b.session,
                    actor_for(expert),
                    meeting.id,
                    application.id,
                    choice,
                    self._when(14),
                )
        meetings.close_meeting(
            self.b.session, self.actor, self.secretary, meeting.id, self._when(14)
        )

    def _publicise(self, applications, *, days_ago: int) -> None:
        """评审结果公示 of the committee's days, starting ``days_ago``."""
        if not applications:
            return
        starts_on = self._when(days_ago).astimezone(BEIJING).date()
        days = applications[0].committee.result_publicity_days
        calendar = calendar_for(self.b.session, range(starts_on.year, starts_on.year + 2))
        certificates.record_publicity(
            self.b.session,
            self.actor,
            self.secretary,
            application_ids=[a.id for a in applications],
            starts_on=starts_on,
            ends_on=calendar.nth_workday_from(starts_on, days),
            place="评委会网站",
        )

    def _when(self, days_ago: int) -> datetime:
        return self.b.now - timedelta(days=days_ago)

    def _open(self, name: str, applications, *, days_ago: int):
        session, now = self.b.session, self._when(days_ago)
        meeting = meetings.create_meeting(
            session,
            self.actor,
            self.secretary,
            name=f"{self.b.now.year}年{name}",
            held_on=now.astimezone(BEIJING).date(),
            place="评委会会议室",
            size=len(self.experts),
        )
        meetings.add_dossiers(session, self.actor, meeting.id, [a.id for a in applications])
        meetings.draw(session, self.actor, self.secretary, meeting.id, now, rng=self.rng)
        present = [e.id for e in self.experts]
        meetings.start_voting(session, self.actor, self.secretary, meeting.id, present, now)
        return meeting
