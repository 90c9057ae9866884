"""Fixtures: an app on a real migrated database, a client, the CLI runner, SMTP, the clock.

The database is a SQLite file per test, or, when TEST_DATABASE_URL is set (TEST_POSTGRES=1 make
test), that PostgreSQL database emptied before each test.

Time is an input. A test that depends on "now" states the instant(s) it runs at by
parametrizing the `clock` fixture (`at(...)`, or `CLOCK_MATRIX` for the whole set); the fixture
moves the process's clock there with time-machine (ticking on from it), for the test's own code,
the app, and every thread it starts (the live server of browser tests included).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import (
    Database,
    SmtpServer,
    build_migrated_database,
    clean_postgres_database,
    copy_database,
    make_app,
    shutdown_app,
)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
T = TypeVar("T")

# Instants (UTC) the time-sensitive tests run at. The coach's demo hours (Europe/London) are
# Mon-Fri mornings, Tue and Thu evenings, Thu afternoon; bookings need 12 hours' notice and close
# to online changes 24 hours before. A 2026-12-01 clean clone failed at 05:58 and at every third
# hour of that day; the UK clock changes on 2027-03-28 and 2027-10-31 at 01:00 UTC.
INSTANTS = {
    "tue-00:58": "2026-12-01T00:58:00+00:00",  # a weekday, just after midnight
    "tue-05:58": "2026-12-01T05:58:00+00:00",  # the first free slot (18:00) is inside the cut-off
    "tue-09:58": "2026-12-01T09:58:00+00:00",  # during the coach's hours
    "tue-15:58": "2026-12-01T15:58:00+00:00",
    "tue-21:58": "2026-12-01T21:58:00+00:00",  # late evening UTC
    "fri-22:30": "2026-12-04T22:30:00+00:00",  # the coach's Friday night: no hours until Monday
    "sat-12:00": "2026-12-05T12:00:00+00:00",  # the weekend
    "sun-20:00": "2026-12-06T20:00:00+00:00",
    "spring-eve": "2027-03-27T09:58:00+00:00",  # the day before the clocks go forward
    "spring-00:58": "2027-03-28T00:58:00+00:00",  # two minutes before they do
    "spring-day": "2027-03-28T09:58:00+00:00",  # the day they did (BST)
    "autumn-eve": "2027-10-30T09:58:00+00:00",  # the day before the clocks go back
    "autumn-01:30": "2027-10-31T01:30:00+00:00",  # in the repeated hour (01:30 GMT, second time)
    "autumn-day": "2027-10-31T09:58:00+00:00",  # the day they did (GMT)
}


def clock_marks(*names: str) -> list[pytest.MarkDecorator]:
    """Marks that run a test (or, as `pytestmark`, a module) at each of the named INSTANTS."""
    return [
        pytest.mark.usefixtures("clock"),
        pytest.mark.parametrize(
            "clock", [INSTANTS[name] for name in names], ids=list(names), indirect=True
        ),
    ]


def at(*names: str) -> Callable[[T], T]:
    """Decorator: run this test at each of the named INSTANTS, the `clock` set there."""

    def mark(test: T) -> T:
        for marker in clock_marks(*names):
            test = marker(test)
        return test

    return mark


# Every instant: a module whose tests all depend on the clock says `pytestmark = CLOCK_MATRIX`.
CLOCK_MATRIX = clock_marks(*INSTANTS)
# ... and a single test says `@at_every_instant`.
at_every_instant = at(*INSTANTS)
# Fewer, for modules where only the date and a day's edges matter (each instant re-runs them all):
# late evening UTC, inside the cut-off, the weekend and both clock changes.
CLOCK_SAMPLE = clock_marks("tue-05:58", "tue-21:58", "sat-12:00", "spring-00:58", "autumn-01:30")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) the tests that are about the other database."""
    other = "sqlite_only" if TEST_DATABASE_URL else "postgres_only"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """One database built by the migrations: a SQLite file to copy, or the PostgreSQL URL."""
    if TEST_DATABASE_URL:
        build_migrated_database(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
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
    with app.app_context():
        seed_demo_content()
        db.session.remove()
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
        pytest.fail("a test that uses the clock states its instant: @at(...) or CLOCK_MATRIX")
    with time_machine.travel(datetime.fromisoformat(instant), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clock_before_everything(request: pytest.FixtureRequest) -> None:
    """Set a test's stated clock before its apps, rows and stamps are made."""
    if "clock" in request.fixturenames:
        request.getfixturevalue("clock")
