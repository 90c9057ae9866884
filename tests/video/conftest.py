"""The drill video tests' site: an empty studio, uploads and originals in the test's folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from harness import shutdown_app
from harness.coach import coach_client
from harness.studio import studio_app


@pytest.fixture
def app(database_file: Path, tmp_path: Path) -> Iterator[Flask]:
    """An empty site whose uploads (and so the originals beside them) are in tmp_path."""
    application = studio_app(database_file, tmp_path / "uploads", seeded=False)
    yield application
    shutdown_app(application)


@pytest.fixture
def coach(app: Flask) -> FlaskClient:
    """Logged in as the coach."""
    return coach_client(app)
