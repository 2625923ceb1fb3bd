"""Browser tests: the test app served on a loopback port, driven in Debian's Chromium."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from werkzeug.serving import make_server

from tests.conftest import CHROMIUM
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _ServerThread(threading.Thread):
    def __init__(self, app) -> None:
        super().__init__(daemon=True)
        # in-memory SQLite is one connection shared by every thread: serve one request at a time
        threaded = not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        self.server = make_server("127.0.0.1", 0, app, threaded=threaded)
        self.port = self.server.server_port

    def run(self) -> None:
        self.server.serve_forever()


@pytest.fixture(scope="session")
def _server(app):
    thread = _ServerThread(app)
    thread.start()
    yield f"http://127.0.0.1:{thread.port}"
    thread.server.shutdown()


@pytest.fixture
def live_server(_server, session):
    """Base URL of the running test app; data made through `session` must be committed."""
    return _server


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_context(browser, base_url: str):
    context = browser.new_context(locale="zh-CN", base_url=base_url)
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def browser_page(_browser, live_server):
    context = _new_context(_browser, live_server)
    page = context.new_page()
    yield page
    context.close()


def login_in_browser(page, username: str, password: str, *, expect_success: bool = True) -> None:
    """Log in through the real login page, answering the captcha with the test setting."""
    from flask import current_app

    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    captcha = page.locator("input[name=captcha]")
    if captcha.count():
        captcha.fill(current_app.config["CAPTCHA_FIXED_ANSWER"])
    page.locator("form [type=submit]").first.click()
    if expect_success:
        page.wait_for_url(lambda url: "/login" not in url)
    else:
        page.wait_for_load_state()


@pytest.fixture
def asked() -> list[str]:
    """The confirm() questions the pages asked, in order (each one accepted)."""
    return []


@pytest.fixture
def sign_in_as(_browser, live_server, asked):
    """Each person in a browser of their own (a fresh context), signed in through the login
    page; switching people by /logout/ in one context races the previous page's requests.
    Every confirm() is answered 确定 and its question recorded in ``asked``."""
    contexts = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    def open_as(account) -> Page:
        context = _new_context(_browser, live_server)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", answer)
        login_in_browser(page, account.username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()
