"""Real-browser fixtures: Debian's Chromium driven by Playwright, the site on a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from harness import LiveServer, SmtpServer, make_app, shutdown_app
from harness.browser import (
    EXPECTED_CLIENT_ERROR,
)
from harness.chromium import CHROMIUM_ARGS, chromium_path
from harness.seeded import seed_demo


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    instance = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()


@pytest.fixture
def browser_smtp() -> Iterator[SmtpServer]:
    """An SMTP server for the live site to deliver to."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def live_app(database_file: Path, browser_smtp: SmtpServer) -> Iterator[Flask]:
    """The seeded site as a visitor meets it: CSRF on, spam timer short, mail really sent."""
    application = make_app(
        database_file,
        WTF_CSRF_ENABLED=True,
        SPAM_MIN_SECONDS=0.5,
        MAIL_BACKGROUND_SENDER=True,
        **browser_smtp.mail_config(),
    )
    seed_demo(application)
    yield application
    shutdown_app(application)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    """The site on a free loopback port, which is its SITE_URL (links in its emails go there)."""
    server = LiveServer(live_app)
    live_app.config["SITE_URL"] = server.url
    server.start()
    yield server
    server.stop()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions seen by `page`; the page fixture fails on any."""
    return []


@pytest.fixture
def page(browser: Browser, console_errors: list[str], live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser tab; the test fails if the page logs an error or throws.

    It asks for `live_server` so that the tab closes before the server stops: a late request
    (a favicon) to a stopped server would be reported as an error of the test.
    """
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(10_000)

    def on_console(message: ConsoleMessage) -> None:
        # Chromium logs every 4xx it loads; a 422 with field messages is the app doing its job.
        if message.type == "error" and not EXPECTED_CLIENT_ERROR.search(message.text):
            console_errors.append(f"console: {message.text}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    yield tab
    context.close()
    assert console_errors == [], f"the browser reported errors: {console_errors}"


@pytest.fixture
def page_without_js(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A tab with JavaScript turned off, for the no-JS paths."""
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
