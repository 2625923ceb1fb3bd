"""The demo province: complete, reached through real transitions, and every account works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.models import Account, Application, Batch, Committee, Unit
from app.services.demo import load_demo
from app.views.home import ROLE_HOME
from app.workflow.states import ApplicationStatus, Role, UnitType
from tests.conftest import FIXED_NOW
from tests.helpers import login

README = Path(__file__).resolve().parents[2] / "README.md"
DEMO_PASSWORD = "Demo@2026"


@pytest.fixture
def demo(session):
    load_demo(session, FIXED_NOW)
    session.commit()
    return session


def _count(session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery()))


def test_demo_has_the_promised_shape(demo):
    units = demo.scalars(select(Unit)).all()
    assert sum(u.type == UnitType.DEPARTMENT for u in units) >= 2
    assert sum(u.type == UnitType.BASE for u in units) >= 5
    committees = demo.scalars(select(Committee)).all()
    assert len(committees) >= 3
    assert any(not c.is_open for c in committees)
    assert demo.scalars(select(Batch).where(Batch.is_current)).one()
    statuses = set(demo.scalars(select(Application.status)))
    assert statuses == set(ApplicationStatus)
    applicants = select(Account).where(Account.roles.any(name=Role.APPLICANT.value))
    assert _count(demo, applicants) >= 20


def test_every_dossier_got_there_by_recorded_transitions(demo):
    for application in demo.scalars(select(Application)):
        history = application.history
        assert history[0].from_status is None
        assert history[-1].to_status == application.status
        assert history[-1].to_stage == application.stage
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status


def _staff_accounts(session):
    applicant = Role.APPLICANT.value
    return session.scalars(select(Account).where(~Account.roles.any(name=applicant))).all()


def test_every_role_has_a_demo_account(demo):
    names = {role.name for account in demo.scalars(select(Account)) for role in account.roles}
    assert names >= {role.value for role in Role}


def test_every_staff_account_logs_in_and_lands_on_its_page(app, demo, new_client):
    for account in _staff_accounts(demo):
        client = new_client()
        assert login(client, account.username, DEMO_PASSWORD).status_code == 302
        landing = client.get("/")
        with app.test_request_context():
            expected = url_for(ROLE_HOME[account.roles[0].name])
        assert landing.headers["Location"] == expected, account.username
        page = client.get(expected)
        assert page.status_code == 200, account.username
        assert f'<strong id="who-name">{account.name}</strong>' in page.get_data(as_text=True)


def test_applicants_log_in_with_their_id_number(demo, new_client):
    for row in _readme_applicants():
        client = new_client()
        password = row["password"] or DEMO_PASSWORD
        assert login(client, row["id"], password).status_code == 302, row
        page = client.get("/", follow_redirects=True).get_data(as_text=True)
        assert f'<strong id="who-name">{row["name"]}</strong>' in page
        assert f'<strong id="who-unit">{row["unit"]}</strong>' in page


def _readme_applicants() -> list[dict]:
    pattern = re.compile(r"^\| (\S+) \| (\S+) \| `(\d{17}[\dX])` \| (.+) \|$")
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        if match:
            name, unit, number, status = match.groups()
            password = re.search(r"default password `(\w{8})`", status)
            rows.append(
                {
                    "name": name,
                    "unit": unit,
                    "id": number,
                    "status": status,
                    "password": password.group(1) if password else None,
                }
            )
    return rows


def test_readme_lists_the_demo_applicants_as_they_are(demo):
    rows = _readme_applicants()
    assert len(rows) >= 20
    for row in rows:
        account = demo.scalars(select(Account).filter_by(username=row["id"])).one()
        assert account.name == row["name"]
        assert account.unit.name == row["unit"]
        application = demo.scalars(select(Application).filter_by(applicant_id=account.id)).first()
        if application is None:
            assert row["password"] == row["id"][-8:]
        else:
            assert row["status"] == application.status_label


def test_demo_votes_went_through_meetings_and_experts_have_work(demo, new_client):
    from app.models import MeetingApplication, ReviewMeeting
    from app.workflow.states import MeetingStatus, VoteOutcome

    decided = demo.scalars(
        select(Application).where(
            Application.status.in_(
                [ApplicationStatus.PUBLICITY, ApplicationStatus.CERTIFIED, ApplicationStatus.FAILED]
            )
        )
    ).all()
    outcomes = {
        row.application_id: row.outcome
        for row in demo.scalars(
            select(MeetingApplication).where(MeetingApplication.outcome.is_not(None))
        )
    }
    for application in decided:
        expected = (
            VoteOutcome.FAILED
            if application.status == ApplicationStatus.FAILED
            else VoteOutcome.PASSED
        )
        assert outcomes[application.id] == expected
    voting = demo.scalars(
        select(ReviewMeeting).where(ReviewMeeting.status == MeetingStatus.VOTING)
    ).all()
    assert voting
    client = new_client()
    assert login(client, "wsgj_zj1", DEMO_PASSWORD).status_code == 302
    home = client.get("/expert/").get_data(as_text=True)
    meeting = next(m for m in voting if m.committee.name == "甘肃省卫生系列高级职称评审委员会")
    assert meeting.name in home
    page = client.get(f"/expert/meetings/{meeting.id}").get_data(as_text=True)
    assert "黄文斌" in page


def test_the_demo_website_has_notices_and_a_checkable_certificate(demo, client):
    from app.models import Certificate

    home = client.get("/portal/").get_data(as_text=True)
    assert f"关于做好{FIXED_NOW.year}年度职称申报评审工作的通知" in home
    assert "甘肃省职称评审管理暂行办法" in home
    certificate = demo.scalars(select(Certificate)).first()
    query = {"number": certificate.number, "code": certificate.verification_code}
    page = client.get("/portal/certificate", query_string=query).get_data(as_text=True)
    assert "证书真实有效" in page and certificate.holder_name in page
