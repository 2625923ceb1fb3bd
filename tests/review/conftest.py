"""A small province with dossiers submitted through the real workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.models import Account, Application
from app.services.applications import batch_window, current_batch, perform
from app.services.scopes import actor_for
from app.workflow import transitions
from app.workflow.states import Role
from tests.conftest import FIXED_NOW
from tests.factories import (
    Org,
    make_account,
    make_application,
    make_batch,
    make_committee,
    make_org,
)


@dataclass
class Province:
    org: Org
    staff: dict[tuple[str, Role], Account]
    applicants: list[Account]

    def person(self, place: str, role: Role) -> Account:
        return self.staff[(place, role)]


def submit(session, application: Application, when=FIXED_NOW) -> None:
    applicant = application.applicant
    perform(
        session,
        application,
        actor_for(applicant),
        applicant.name,
        transitions.submit,
        when,
        complete=True,
        pledged=True,
        window=batch_window(current_batch(session)),
    )


@pytest.fixture
def province(session) -> Province:
    org = make_org(session)
    make_batch(session, FIXED_NOW, unit_publicity_days=5)
    make_committee(session)
    staff = {}
    for place, unit in (
        ("unit", org.unit),
        ("sibling", org.sibling),
        ("lone", org.lone_unit),
        ("other", org.other_unit),
    ):
        for role in (Role.UNIT_ADMIN, Role.UNIT_HANDLER, Role.UNIT_LEADER):
            staff[(place, role)] = make_account(session, role, unit=unit)
    for place, dept in (("dept", org.dept), ("other_dept", org.other_dept)):
        for role in (Role.DEPT_HANDLER, Role.DEPT_LEADER):
            staff[(place, role)] = make_account(session, role, unit=dept)
    session.commit()
    return Province(org=org, staff=staff, applicants=[])


@pytest.fixture
def submitted(session, province):
    """Make a dossier of `unit` (default org.unit) and submit it, `hours` before FIXED_NOW."""

    def make(unit=None, hours=48):
        application = make_application(session, unit=unit or province.org.unit)
        submit(session, application, FIXED_NOW - timedelta(hours=hours))
        session.commit()
        return application

    return make
