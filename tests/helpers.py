"""Small helpers for tests that drive the web pages."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event


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


def menu_items(html: str) -> set[str]:
    """Labels of the navigation menu's links (an icon, &nbsp; and the label)."""
    return set(re.findall(r'<i class="fa fa-fw [\w-]+"></i>&nbsp;\s*([^<]+?)\s*</a>', html))
