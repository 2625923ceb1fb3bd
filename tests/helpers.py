"""Small helpers for tests: the web pages, query counts, concurrent transactions."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session


def captcha_answer(client) -> str:
    """Show this browser a captcha (as the login page's image does) and return its answer,
    which the test setting CAPTCHA_FIXED_ANSWER fixes."""
    response = client.get("/login/captcha")
    assert response.status_code == 200, response.status_code
    return client.application.config["CAPTCHA_FIXED_ANSWER"]


def login(client, username: str, password: str, captcha: str | None = None):
    """Log in through the login form, answering its captcha; 302 on success, 200 on failure."""
    answer = captcha_answer(client)
    return client.post(
        "/login/",
        data={
            "username": username,
            "password": password,
            "captcha": answer if captcha is None else captcha,
        },
        follow_redirects=False,
    )


def logout(client):
    return client.get("/logout/", follow_redirects=False)


@contextmanager
def counting_queries(engine):
    """Count the SQL statements the engine sends while the block runs: ``counter["n"]``."""
    counter = {"n": 0}

    def count(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def run_together(*jobs) -> None:
    """Start the jobs at the same moment, each in its own thread, and wait for all of them."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        job()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"


def in_own_session(app, outcomes: list, work):
    """A job running ``work(session)`` in its own transaction; its outcome is "ok" or the
    refusal's message (anything else is kept as its repr, and fails the test)."""

    from app.extensions import db
    from app.workflow.errors import WorkflowError

    def job():
        with app.app_context(), Session(db.engine) as own:
            try:
                work(own)
                own.commit()
                outcomes.append("ok")
            except WorkflowError as exc:
                own.rollback()
                outcomes.append(exc.message)
            except Exception as exc:  # noqa: BLE001 - reported through the assertions
                own.rollback()
                outcomes.append(repr(exc))

    return job


def menu_items(html: str) -> set[str]:
    """Labels of the navigation menu's links (an icon, &nbsp; and the label)."""
    return set(re.findall(r'<i class="fa fa-fw [\w-]+"></i>&nbsp;\s*([^<]+?)\s*</a>', html))
