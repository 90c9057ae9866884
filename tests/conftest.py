"""Fixtures: an app on a real migrated database, a client, the CLI runner, SMTP, the clock.

The database is a SQLite file per test, or, when TEST_DATABASE_URL is set (TEST_POSTGRES=1 make
test), that PostgreSQL database emptied before each test.

Time is an input. A test that depends on "now" states the instant(s) it runs at by
parametrizing the `clock` fixture with the marks of harness/instants.py; the fixture
moves the process's clock there with time-machine (ticking on from it), for the test's own code,
the app, and every thread it starts (the live server of browser tests included).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from harness import (
    Database,
    SmtpServer,
    build_migrated_database,
    clean_postgres_database,
    copy_database,
    make_app,
    shutdown_app,
    worker_postgres_database,
)
from harness.contact import seeded_app_with
from harness.database import TEST_DATABASE_URL
from harness.routing import share_compiled_url_builders
from harness.seeded import seed_demo

share_compiled_url_builders()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) the tests that are about the other database, and on PostgreSQL the
    tests that never open the test database (no `database_file` among their fixtures: the
    sanitiser, the time matrix, the figure's geometry...), which would only run again unchanged.
    Then the long tests first (`runs_long`)."""
    other = "sqlite_only" if TEST_DATABASE_URL else "postgres_only"

    def elsewhere(item: pytest.Item) -> bool:
        if item.get_closest_marker(other):
            return True
        uses_database = "database_file" in getattr(item, "fixturenames", ())
        about_postgres = item.get_closest_marker("postgres_only")
        return bool(TEST_DATABASE_URL) and not uses_database and not about_postgres

    deselected = [item for item in items if elsewhere(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not elsewhere(item)]
    items.sort(key=runs_long, reverse=True)


def runs_long(item: pytest.Item) -> bool:
    """Whether a test drives Chromium or runs the site in other processes: seconds, not tenths.

    They come first (the sort is stable) and the Makefile runs xdist with `--dist worksteal`:
    each worker starts on half of the list, and one that runs out takes half of what the other
    has left, from its end, which is then short tests, so both end together. (xdist's default
    `load` hands each worker a run of consecutive tests first: one worker got every browser test.)
    """
    return any(item.get_closest_marker(mark) for mark in ("browser", "own_database"))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """One database built by the migrations: a SQLite file to copy, or the PostgreSQL URL."""
    if TEST_DATABASE_URL:
        url = worker_postgres_database(TEST_DATABASE_URL)
        build_migrated_database(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    build_migrated_database(path)
    return path


@pytest.fixture
def database_file(migrated_template: Database, tmp_path: Path) -> Database:
    """This test's own SQLite file, or the PostgreSQL test database with every table emptied."""
    if isinstance(migrated_template, str):
        clean_postgres_database(migrated_template)
        return migrated_template
    path = tmp_path / "site.sqlite"
    copy_database(migrated_template, path)
    return path


@pytest.fixture
def app(database_file: Database) -> Iterator[Flask]:
    """An empty site."""
    application = make_app(database_file)
    yield application
    shutdown_app(application)


@pytest.fixture
def seeded_app(app: Flask) -> Flask:
    """The site with the demo content."""
    seed_demo(app)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the empty site."""
    return app.test_client()


@pytest.fixture
def seeded_client(seeded_app: Flask) -> FlaskClient:
    """A test client for the seeded site."""
    return seeded_app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """The `flask` command line, against the empty site."""
    return app.test_cli_runner()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback that records what it receives."""
    server = SmtpServer().start()
    yield server
    with contextlib.suppress(AssertionError, RuntimeError):
        server.stop()  # the test may have stopped it already


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Coordinates]:
    """The process's clock, moved to the instant the test states (`at(...)`), and ticking on."""
    instant = getattr(request, "param", None)
    if instant is None:
        pytest.fail("a test that uses the clock states its instant: @at(...) or CLOCK_JOURNEYS")
    with time_machine.travel(datetime.fromisoformat(instant), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clock_before_everything(request: pytest.FixtureRequest) -> None:
    """Set a test's stated clock before its apps, rows and stamps are made."""
    if "clock" in request.fixturenames:
        request.getfixturevalue("clock")


@pytest.fixture
def site(database_file: Path) -> Iterator[Flask]:
    """The demo site (contact, booking), its coach at maya@studio.example, mail recorded only."""
    application = seeded_app_with(database_file, COACH_EMAIL="maya@studio.example")
    yield application
    shutdown_app(application)


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    """A visitor's client for `site`."""
    return site.test_client()
