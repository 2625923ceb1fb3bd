"""Two reviewers acting on one dossier at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Application, ApplicationHistory
from app.services import review
from app.services.scopes import actor_for
from app.workflow.errors import WorkflowError
from app.workflow.states import Action, ReviewStage, Role
from tests.conftest import FIXED_NOW
from tests.factories import make_account


def test_a_stale_copy_gets_a_clear_message(session, province, submitted, monkeypatch, dialect):
    """Someone else's change lands between our read and our write (the version column)."""
    if dialect == "postgresql":
        pytest.skip("PostgreSQL's row lock makes the other writer wait: see the threaded test")
    application = submitted()
    handler = province.person("unit", Role.UNIT_HANDLER)
    original = review.application_in_scope

    def read_then_someone_else_writes(*args, **kwargs):
        row = original(*args, **kwargs)
        with db.engine.begin() as conn:
            conn.execute(
                update(Application)
                .where(Application.id == row.id)
                .values(version=Application.version + 1)
            )
        return row

    monkeypatch.setattr(review, "application_in_scope", read_then_someone_else_writes)
    with pytest.raises(WorkflowError, match="刚被其他人处理过"):
        review.approve(session, actor_for(handler), handler.name, application.id, FIXED_NOW)
    session.rollback()


@pytest.mark.postgres_only
def test_two_handlers_at_once_on_postgresql(app, session, province, submitted, dialect):
    if dialect != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    application = submitted()
    second = make_account(session, Role.UNIT_HANDLER, unit=province.org.unit)
    session.commit()
    people = [province.person("unit", Role.UNIT_HANDLER), second]
    actors = [(actor_for(p), p.name) for p in people]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor, name):
        with app.app_context(), Session(db.engine) as own:
            barrier.wait()
            try:
                review.approve(own, actor, name, application.id, FIXED_NOW)
                own.commit()
                outcomes.append("ok")
            except WorkflowError as exc:
                own.rollback()
                outcomes.append(exc.message)

    threads = [threading.Thread(target=act, args=pair) for pair in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok"
    assert outcomes.count("ok") == 1
    session.expire_all()
    assert session.get(Application, application.id).stage == ReviewStage.UNIT_LEADER
    approvals = session.scalar(
        select(func.count()).where(
            ApplicationHistory.application_id == application.id,
            ApplicationHistory.action == Action.APPROVE,
        )
    )
    assert approvals == 1
