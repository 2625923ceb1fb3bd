"""More of the stage rules, committee deadline overrides and the batch of the progress page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.clock import to_naive_utc
from app.models import BatchCommitteeOverride
from app.services import review
from app.services.dossier import DossierNotFound
from app.services.scopes import actor_for
from app.workflow.errors import RuleViolation
from app.workflow.states import ReviewStage, Role
from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD, make_account, make_application, make_batch
from tests.helpers import login


def _approve(session, account, application, when=FIXED_NOW):
    review.approve(session, actor_for(account), account.name, application.id, when)
    session.commit()


def _through_unit(session, province, application):
    _approve(session, province.person("unit", Role.UNIT_HANDLER), application)
    leader = province.person("unit", Role.UNIT_LEADER)
    review.record_publicity(
        session,
        actor_for(leader),
        application_ids=[application.id],
        starts_on=date(2026, 9, 28),
        ends_on=date(2026, 10, 9),
        place="公示栏",
        now=FIXED_NOW,
    )
    _approve(session, leader, application)


def test_a_leader_of_another_unit_cannot_act(session, province, submitted):
    application = submitted()
    _approve(session, province.person("unit", Role.UNIT_HANDLER), application)
    with pytest.raises(DossierNotFound):
        _approve(session, province.person("sibling", Role.UNIT_LEADER), application)


def test_a_department_leader_of_another_department_cannot_act(session, province, submitted):
    application = submitted()
    _through_unit(session, province, application)
    _approve(session, province.person("dept", Role.DEPT_HANDLER), application)
    with pytest.raises(DossierNotFound):
        _approve(session, province.person("other_dept", Role.DEPT_LEADER), application)
    _approve(session, province.person("dept", Role.DEPT_LEADER), application)
    assert application.stage == ReviewStage.COMMITTEE_INTAKE


def test_a_committee_override_moves_the_unit_deadline(session, province, submitted):
    application = submitted()
    batch = application.batch
    batch.unit_deadline = to_naive_utc(FIXED_NOW + timedelta(days=10))
    session.add(
        BatchCommitteeOverride(
            batch_id=batch.id,
            committee_id=application.committee_id,
            unit_deadline=to_naive_utc(FIXED_NOW - timedelta(days=1)),
        )
    )
    session.commit()
    with pytest.raises(RuleViolation, match="单位推荐已截止"):
        _approve(session, province.person("unit", Role.UNIT_HANDLER), application)


def test_a_committee_override_moves_the_personal_deadline_at_entry(session, province):
    from app.models import Committee, DeclarationModeItem, Qualification, Specialty, ValidityScope
    from app.services.applications import current_batch, enter_application

    batch = current_batch(session)
    applicant = make_account(session, unit=province.org.unit)
    only = session.query(Committee).one()
    session.add(
        BatchCommitteeOverride(
            batch_id=batch.id,
            committee_id=only.id,
            personal_deadline=to_naive_utc(FIXED_NOW - timedelta(hours=1)),
        )
    )
    session.commit()
    level = session.query(Qualification).filter_by(code="engineering-fg").one()
    with pytest.raises(RuleViolation, match="个人申报已截止"):
        enter_application(
            session,
            applicant,
            actor_for(applicant),
            FIXED_NOW,
            mode=session.query(DeclarationModeItem).filter_by(code="normal").one(),
            qualification=level,
            specialty=session.query(Specialty)
            .filter_by(series_id=level.series_id, path="工学》建设工程》土木工程")
            .one(),
            scope=session.query(ValidityScope).filter_by(code="province").one(),
        )


def test_progress_counts_only_the_current_batch(session, province, submitted):
    application = submitted()
    old = make_batch(session, FIXED_NOW - timedelta(days=400), year=2025, is_current=False)
    make_application(session, applicant=application.applicant, batch=old)
    session.commit()
    progress = review.unit_progress(session, province.org.unit.id, application.batch_id)
    assert progress["资格审查中（单位经办人）"] == 1
    assert progress[review.NOT_STARTED] == 0
    assert "申报中" not in progress


@pytest.mark.parametrize("role", [Role.DEPT_HANDLER, Role.APPLICANT])
def test_progress_page_is_for_unit_staff(session, province, submitted, new_client, role):
    account = province.person("dept", role) if role == Role.DEPT_HANDLER else submitted().applicant
    client = new_client()
    login(client, account.username, PASSWORD)
    assert client.get("/review/progress/").status_code in (302, 403)


def test_forged_application_in_a_publicity_is_refused(session, province, submitted, new_client):
    foreign = submitted(unit=province.org.sibling)
    client = new_client()
    login(client, province.person("unit", Role.UNIT_LEADER).username, PASSWORD)
    response = client.post(
        "/review/publicity/",
        data={
            "applications": [str(foreign.id)],
            "starts_on": "2026-09-28",
            "ends_on": "2026-10-09",
            "place": "公示栏",
        },
        follow_redirects=True,
    )
    assert "单位公示已登记" not in response.get_data(as_text=True)
    from app.models import UnitPublicity

    assert session.query(UnitPublicity).count() == 0


def test_return_from_another_unit_by_page_is_404(session, province, submitted, new_client):
    application = submitted()
    client = new_client()
    login(client, province.person("sibling", Role.UNIT_HANDLER).username, PASSWORD)
    response = client.post(f"/review/dossier/{application.id}/return", data={"reason": "x"})
    assert response.status_code == 404
    session.refresh(application)
    assert application.stage == ReviewStage.UNIT_HANDLER
