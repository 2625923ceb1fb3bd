"""Factories: callables with overridable defaults (Indico's create_abstract style)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import select

from app.clock import to_naive_utc
from app.models import (
    Account,
    Application,
    Batch,
    Committee,
    DeclarationModeItem,
    Qualification,
    Series,
    Specialty,
    Unit,
    ValidityScope,
)
from app.services.accounts import create_account
from app.validators.identity import complete_id_number
from app.workflow.states import ApplicationStatus, ReviewStage, Role, UnitType

PASSWORD = "Test@2026pw"
_seq = count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq)}"


def id_number(region: str = "620102", birth: str = "19850101") -> str:
    body = f"{region}{birth}{next(_seq) % 1000:03d}"
    return complete_id_number(body)


@dataclass
class Org:
    province: Unit
    dept: Unit
    other_dept: Unit
    unit: Unit  # under dept
    sibling: Unit  # also under dept
    other_unit: Unit  # under other_dept
    lone_unit: Unit  # directly under the province


def make_unit(session, *, type=UnitType.BASE, parent=None, name=None) -> Unit:
    unit = Unit(code=unique("u"), name=name or unique("单位"), type=type, parent=parent)
    session.add(unit)
    session.flush()
    return unit


def make_org(session) -> Org:
    province = make_unit(session, type=UnitType.PROVINCE, name="甘肃省")
    dept = make_unit(session, type=UnitType.DEPARTMENT, parent=province, name="住建厅")
    other_dept = make_unit(session, type=UnitType.DEPARTMENT, parent=province, name="卫健委")
    return Org(
        province=province,
        dept=dept,
        other_dept=other_dept,
        unit=make_unit(session, parent=dept, name="设计院"),
        sibling=make_unit(session, parent=dept, name="监督站"),
        other_unit=make_unit(session, parent=other_dept, name="人民医院"),
        lone_unit=make_unit(session, parent=province, name="农科院"),
    )


def make_account(
    session,
    role: Role = Role.APPLICANT,
    *,
    unit=None,
    committee=None,
    username=None,
    name=None,
    password=PASSWORD,
    must_change_password=False,
) -> Account:
    number = id_number() if role == Role.APPLICANT and username is None else None
    return create_account(
        session,
        username=username or number or unique("staff"),
        name=name or unique("测试"),
        password=password,
        role=role,
        unit=unit,
        committee=committee,
        id_number=number,
        must_change_password=must_change_password,
    )


def make_batch(session, now: datetime, *, opened_days_ago=30, closes_in_days=30, **kw) -> Batch:
    year = kw.pop("year", now.year)
    batch = Batch(
        year=year,
        name=f"{year}年度",
        opens_at=to_naive_utc(now - timedelta(days=opened_days_ago)),
        personal_deadline=to_naive_utc(now + timedelta(days=closes_in_days)),
        is_current=kw.pop("is_current", True),
        **kw,
    )
    session.add(batch)
    session.flush()
    return batch


def lookup(session, model, **by):
    return session.scalars(select(model).filter_by(**by)).one()


def make_committee(
    session,
    *,
    series=("engineering",),
    levels=(),
    specialties=(),
    scopes=(),
    org_root=None,
    is_open=True,
    organiser=None,
    name=None,
) -> Committee:
    committee = Committee(
        name=name or unique("评委会"),
        organiser=organiser or session.scalars(select(Unit)).first(),
        org_root=org_root,
        is_open=is_open,
        series=[lookup(session, Series, code=c) for c in series],
        qualifications=[lookup(session, Qualification, code=c) for c in levels],
        specialties=[lookup(session, Specialty, path=p) for p in specialties],
        scopes=[lookup(session, ValidityScope, code=c) for c in scopes],
    )
    session.add(committee)
    session.flush()
    return committee


def make_application(
    session,
    *,
    applicant=None,
    unit=None,
    committee=None,
    batch=None,
    status=ApplicationStatus.DRAFTING,
    stage: ReviewStage | None = None,
    level="engineering-fg",
    specialty="工学》建设工程》土木工程",
    scope="province",
    mode="normal",
    return_reason=None,
) -> Application:
    """A dossier put straight into a state (for lists and scopes, not for the workflow)."""
    unit = unit or applicant.unit
    applicant = applicant or make_account(session, unit=unit)
    qualification = lookup(session, Qualification, code=level)
    if status == ApplicationStatus.RETURNED and return_reason is None:
        return_reason = "请补充材料"
    application = Application(
        applicant_id=applicant.id,
        batch_id=(batch or session.scalars(select(Batch)).first()).id,
        mode_id=lookup(session, DeclarationModeItem, code=mode).id,
        series_id=qualification.series_id,
        qualification_id=qualification.id,
        specialty_id=lookup(
            session, Specialty, series_id=qualification.series_id, path=specialty
        ).id,
        scope_id=lookup(session, ValidityScope, code=scope).id,
        committee_id=(committee or session.scalars(select(Committee)).first()).id,
        unit_id=unit.id,
        department_id=unit.department.id if unit.department else None,
        status=status,
        stage=stage,
        return_reason=return_reason,
    )
    session.add(application)
    session.flush()
    return application


def make_people(session, now: datetime) -> dict[Role, Account]:
    """One committed account of every role: an open batch and a committee; department staff
    in org.dept, everyone else in org.unit (or tied to the committee)."""
    org = make_org(session)
    make_batch(session, now)
    committee = make_committee(session)
    people = {}
    for role in Role:
        unit = org.dept if role in (Role.DEPT_HANDLER, Role.DEPT_LEADER) else org.unit
        people[role] = make_account(session, role, unit=unit, committee=committee)
    session.commit()
    return people
