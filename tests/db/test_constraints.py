"""The database itself refuses illegal states, whatever code writes them."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from app.models import Application, ApplicationHistory, Specialty, Unit
from app.workflow.states import ApplicationStatus, ReviewStage, UnitType
from tests.conftest import FIXED_NOW
from tests.factories import make_application, make_batch, make_committee, make_org


@pytest.fixture
def dossier(session):
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    make_committee(session)
    return make_application(session, unit=org.unit)


def _refused(session, statement, **params) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text(statement), params)


@pytest.mark.parametrize(
    ("status", "stage"),
    [
        ("DRAFTING", "UNIT_HANDLER"),
        ("UNDER_REVIEW", None),
        ("EVALUATING", "COMMITTEE_INTAKE"),
        ("CERTIFIED", "UNIT_LEADER"),
    ],
)
def test_stage_only_while_under_review(session, dossier, status, stage):
    _refused(
        session,
        "UPDATE application SET status = :status, stage = :stage WHERE id = :id",
        status=status,
        stage=stage,
        id=dossier.id,
    )


def test_returned_needs_a_reason(session, dossier):
    _refused(
        session,
        "UPDATE application SET status = 'RETURNED', return_reason = NULL WHERE id = :id",
        id=dossier.id,
    )


@pytest.mark.parametrize(("column", "value"), [("status", "APPROVED"), ("stage", "BOSS")])
def test_unknown_enum_values_are_refused(session, dossier, column, value):
    _refused(
        session, f"UPDATE application SET {column} = :v WHERE id = :id", v=value, id=dossier.id
    )


def test_one_application_per_applicant_and_batch(session, dossier):
    _refused(
        session,
        "INSERT INTO application (applicant_id, batch_id, mode_id, series_id, qualification_id,"
        " specialty_id, scope_id, committee_id, unit_id, status, created_at, updated_at, version)"
        " SELECT applicant_id, batch_id, mode_id, series_id, qualification_id, specialty_id,"
        " scope_id, committee_id, unit_id, 'DRAFTING', created_at, updated_at, 1"
        " FROM application WHERE id = :id",
        id=dossier.id,
    )


def test_a_legal_combination_is_accepted(session, dossier):
    session.execute(
        update(Application)
        .where(Application.id == dossier.id)
        .values(status=ApplicationStatus.UNDER_REVIEW, stage=ReviewStage.UNIT_LEADER)
    )
    session.flush()


def test_only_the_province_is_a_root(session):
    session.add(Unit(code="x1", name="无上级单位", type=UnitType.BASE, parent=None))
    with pytest.raises(IntegrityError):
        session.flush()


def test_specialty_depth_is_one_to_three(session):
    leaf = session.query(Specialty).filter_by(depth=3).first()
    _refused(
        session,
        "INSERT INTO specialty (series_id, parent_id, name, path, depth, sort, active)"
        " VALUES (:s, :p, 'x', :path, 4, 0, true)",
        s=leaf.series_id,
        p=leaf.id,
        path=leaf.path + "》x",
    )


def test_the_orm_refuses_an_invalid_enum_before_the_database(session, dossier):
    dossier.status = "APPROVED"
    with pytest.raises(StatementError):
        session.flush()
    session.rollback()


def test_history_rows_are_append_only(session, dossier):
    from app.workflow.states import Action, Role

    row = ApplicationHistory(
        application_id=dossier.id,
        action=Action.ENTER,
        to_status=ApplicationStatus.DRAFTING,
        actor_role=Role.APPLICANT,
    )
    session.add(row)
    session.flush()
    row.reason = "改写历史"
    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()
    session.rollback()


def test_history_rows_cannot_be_changed_in_the_database_either(session, dossier):
    from app.workflow.states import Action, Role

    session.add(
        ApplicationHistory(
            application_id=dossier.id,
            action=Action.ENTER,
            to_status=ApplicationStatus.DRAFTING,
            actor_role=Role.APPLICANT,
        )
    )
    session.commit()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE application_history SET reason = 'rewritten'"))
    session.rollback()
