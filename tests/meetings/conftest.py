"""A committee with a secretary, an expert pool and dossiers ready for 评审会议."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from app.models import Account, Application, Committee
from app.services import certificates, meetings
from app.services.scopes import actor_for
from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.conftest import FIXED_NOW
from tests.factories import (
    PASSWORD,
    Org,
    make_account,
    make_application,
    make_batch,
    make_committee,
    make_org,
)
from tests.helpers import login


@dataclass
class World:
    org: Org
    committee: Committee
    other_committee: Committee
    secretary: Account
    other_secretary: Account
    #: five experts of ``committee``: [0] works in org.unit, [1] in org.dept, [2..4] have no unit
    experts: list[Account]
    other_expert: Account
    #: 评审中 dossiers of ``committee``: [0] from org.unit, [1] from org.other_unit, [2] from lone
    evaluating: list[Application]
    intake: Application
    extra: dict = field(default_factory=dict)

    def actor(self, account: Account):
        return actor_for(account)


@pytest.fixture
def world(session) -> World:
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    committee = make_committee(session, name="工程高评委")
    other = make_committee(session, name="卫生高评委")
    secretary = make_account(session, Role.COMMITTEE_SECRETARY, committee=committee)
    other_secretary = make_account(session, Role.COMMITTEE_SECRETARY, committee=other)
    experts = [
        make_account(session, Role.EXPERT, committee=committee, unit=org.unit, name="同单位专家"),
        make_account(session, Role.EXPERT, committee=committee, unit=org.dept, name="主管部门专家"),
    ] + [make_account(session, Role.EXPERT, committee=committee, name=f"专家{i}") for i in range(3)]
    other_expert = make_account(session, Role.EXPERT, committee=other, name="外评委会专家")
    evaluating = [
        make_application(
            session, unit=unit, committee=committee, status=ApplicationStatus.EVALUATING
        )
        for unit in (org.unit, org.other_unit, org.lone_unit)
    ]
    intake = make_application(
        session,
        unit=org.unit,
        committee=committee,
        status=ApplicationStatus.UNDER_REVIEW,
        stage=ReviewStage.COMMITTEE_INTAKE,
    )
    session.commit()
    return World(
        org, committee, other, secretary, other_secretary, experts, other_expert, evaluating, intake
    )


class FixedDraw:
    """A stand-in for SystemRandom that draws the first ``k`` ids, so tests know who is drawn."""

    def sample(self, population, k):
        return list(population)[:k]


@pytest.fixture
def meeting_of(session, world):
    """A meeting of ``world.committee`` with the given dossiers routed and experts drawn
    (``size`` from the pool in id order), optionally opened for voting with everyone present."""

    def make(*, size=5, dossiers=None, start=False, attending=None):
        actor = actor_for(world.secretary)
        meeting = meetings.create_meeting(
            session,
            actor,
            world.secretary,
            name="2026年第一次评审会",
            held_on=FIXED_NOW.date(),
            place="兰州",
            size=size,
        )
        routed = world.evaluating if dossiers is None else dossiers
        if routed:
            meetings.add_dossiers(session, actor, meeting.id, [a.id for a in routed])
        meetings.draw(session, actor, world.secretary, meeting.id, FIXED_NOW, rng=FixedDraw())
        if start:
            present = attending if attending is not None else [e.expert_id for e in meeting.experts]
            meetings.start_voting(session, actor, world.secretary, meeting.id, present, FIXED_NOW)
        session.commit()
        return meeting

    return make


@pytest.fixture
def as_person(new_client):
    def open_as(account):
        client = new_client()
        response = login(client, account.username, PASSWORD)
        assert response.status_code == 302, account.username
        return client

    return open_as


def publicised(session, world, units=None):
    """(record, dossiers): 公示中 dossiers of ``world.committee``, one per unit (default
    org.unit), in a result publicity from 2026-09-30 to 10-12 (five working days)."""
    dossiers = [
        make_application(
            session, unit=unit, committee=world.committee, status=ApplicationStatus.PUBLICITY
        )
        for unit in (units or [world.org.unit])
    ]
    record = certificates.record_publicity(
        session,
        world.actor(world.secretary),
        world.secretary,
        application_ids=[d.id for d in dossiers],
        starts_on=date(2026, 9, 30),
        ends_on=date(2026, 10, 12),
        place="甘肃省人力资源和社会保障厅网站",
    )
    session.commit()
    return record, dossiers


@pytest.fixture
def certificate(session, world):
    """Issued once its result publicity has run."""
    _, (application,) = publicised(session, world)
    issued = certificates.issue(
        session, world.actor(world.secretary), world.secretary, application.id, FIXED_NOW
    )
    session.commit()
    return issued
