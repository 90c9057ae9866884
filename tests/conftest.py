"""Fixtures: an app on a real migrated SQLite file, a client, the CLI runner, SMTP, a browser."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app import db
from blueprints.shared.seed import seed_demo_content
from tests.support import (
    SmtpServer,
    build_migrated_database,
    copy_database,
    make_app,
    shutdown_app,
)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database built by the migrations; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    build_migrated_database(path)
    return path


@pytest.fixture
def database_file(migrated_template: Path, tmp_path: Path) -> Path:
    """This test's own SQLite file."""
    path = tmp_path / "site.sqlite"
    copy_database(migrated_template, path)
    return path


@pytest.fixture
def app(database_file: Path) -> Iterator[Flask]:
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
