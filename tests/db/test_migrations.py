"""Migrations build the whole schema, match the models, and run both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from app.extensions import db
from app.roles import ALL_ROLE_NAMES


def test_schema_has_no_drift_from_the_models(session):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migration_creates_every_role(session):
    from flask_appbuilder.security.sqla.models import Role as RoleRow

    names = set(session.scalars(select(RoleRow.name)))
    assert names == set(ALL_ROLE_NAMES)


def test_upgrade_and_downgrade_an_empty_database(tmp_path):
    from app import create_app
    from tests.conftest import AppTestConfig

    class FreshFile(AppTestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'fresh.db'}"

    fresh = create_app(FreshFile)
    with fresh.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"ab_user", "ab_role", "application", "application_history", "org_unit"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
