"""App and database fixtures shared by every test that needs them.

The schema is built once per run by the Alembic migrations (the same path production takes),
on SQLite in memory by default or on the database named by TEST_DATABASE_URL. The dictionaries
are loaded once; after each test every other table is emptied, so tests may commit freely.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, delete

from config import TestConfig

#: loaded once per run and kept between tests
KEPT_TABLES = {
    "alembic_version",
    "ab_role",
    "ab_permission",
    "ab_view_menu",
    "ab_permission_view",
    "ab_permission_view_role",
    "declaration_mode",
    "validity_scope",
    "series",
    "qualification",
    "specialty",
    "series_option",
}

FIXED_NOW = datetime(2026, 10, 15, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def chromium_available() -> bool:
    return shutil.which(str(CHROMIUM)) is not None


def pytest_report_header(config) -> str:
    if chromium_available():
        return f"browser tests: Playwright driving {CHROMIUM}"
    return f"browser tests: SKIPPED, {CHROMIUM} not found (Debian: apt-get install chromium)"


def pytest_collection_modifyitems(config, items) -> None:
    """Tests under tests/e2e drive Chromium; without it they are skipped, and said to be."""
    browser_items = [item for item in items if "/e2e/" in f"/{item.nodeid}"]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if chromium_available() or not browser_items:
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER_TESTS=1 but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: browser tests skipped")
    for item in browser_items:
        item.add_marker(skip)


class AppTestConfig(TestConfig):
    FIXED_NOW = FIXED_NOW
    # fast hashes: the hashing method is not what these tests are about
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def _drop_everything(engine) -> None:
    meta = MetaData()
    meta.reflect(bind=engine)
    meta.drop_all(bind=engine)
    if engine.dialect.name == "postgresql":  # the history trigger's function outlives its table
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP FUNCTION IF EXISTS application_history_append_only()")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from app import create_app
    from app.extensions import db
    from app.services.catalog import load_catalog

    AppTestConfig.UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))
    application = create_app(AppTestConfig)
    with application.app_context():
        _drop_everything(db.engine)
        upgrade()
        load_catalog(db.session)
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        if os.environ.get("TEST_DATABASE_URL"):
            _drop_everything(db.engine)
        db.engine.dispose()


@pytest.fixture
def session(app):
    """The request-independent session, inside an app context; tables emptied afterwards."""
    from app.extensions import db

    ctx = app.app_context()
    ctx.push()
    yield db.session
    db.session.rollback()
    _empty_tables(db)
    db.session.remove()
    ctx.pop()


def _empty_tables(db) -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(delete(table))


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Flask reuses an already pushed app context for a request, so without this every request of
    a test would share the test's ``g`` (and Flask-Login's cached user) and its SQLAlchemy session.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


@pytest.fixture
def client(app, session):
    return IsolatedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def new_client(app, session):
    """A factory of fresh browsers (separate cookie jars)."""
    return lambda: IsolatedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def dialect(app) -> str:
    from app.extensions import db

    with app.app_context():
        return db.engine.dialect.name
