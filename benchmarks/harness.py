"""What the page benchmarks share: a fresh database, a logged-in client, timed page loads."""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData

from app import create_app
from app.extensions import db
from app.services.catalog import load_catalog
from config import TestConfig, normalise_database_url
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD
from tests.helpers import counting_queries, login


class BenchConfig(TestConfig):
    FIXED_NOW = datetime(2026, 10, 15, 2, 0, tzinfo=UTC)
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def fresh_app(tmp: str) -> Flask:
    """The app on an emptied database (DATABASE_URL, else a SQLite file in ``tmp``), migrated
    and with the dictionaries loaded."""
    url = os.environ.get("DATABASE_URL")
    BenchConfig.SQLALCHEMY_DATABASE_URI = (
        normalise_database_url(url) if url else f"sqlite:///{tmp}/bench.db"
    )
    BenchConfig.UPLOAD_DIR = tmp
    app = create_app(BenchConfig)
    with app.app_context():
        meta = MetaData()
        meta.reflect(bind=db.engine)
        meta.drop_all(bind=db.engine)
        upgrade()
        load_catalog(db.session)
        db.session.commit()
    return app


def measure(client, url: str, runs: int) -> tuple[float, int, int]:
    """Median milliseconds, SQL statements and bytes of one page (after a warm-up load)."""
    client.get(url)
    times = []
    for _ in range(runs):
        with counting_queries(db.engine) as counter:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, counter["n"], len(response.data)


def print_pages(app: Flask, pages, usernames: dict[str, str], runs: int, width: int = 40) -> None:
    """A table of ``(who, path, label)`` pages, each loaded by ``usernames[who]``."""
    print(f"{'page':{width}} {'median ms':>10} {'queries':>8} {'KB':>7}")
    for who, path, label in pages:
        client = IsolatedClient(app, app.response_class, use_cookies=True)
        with app.app_context():
            login(client, usernames[who], PASSWORD)
            ms, queries, size = measure(client, path, runs)
        print(f"{label:{width}} {ms:10.1f} {queries:8d} {size / 1024:7.1f}")
