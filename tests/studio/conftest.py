"""The studio tests' site and coach. A module says how its site differs from an empty one with
no mail by overriding `studio_site`; the one `app` fixture builds it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from harness import Database, shutdown_app
from harness.coach import coach_client
from harness.studio import studio_app


@pytest.fixture
def studio_site() -> dict[str, Any]:
    """How this module's site differs from the default: `seeded` (the demo content), `mail`
    (send to the test's loopback SMTP server), and any config values."""
    return {}


@pytest.fixture
def app(
    database_file: Database,
    tmp_path: Path,
    studio_site: dict[str, Any],
    request: pytest.FixtureRequest,
) -> Iterator[Flask]:
    """The studio's site: empty unless the module asks for the demo content, uploads in a
    temporary folder, mail recorded unless the module asks for delivery."""
    config = dict(studio_site)
    seeded = config.pop("seeded", False)
    if config.pop("mail", False):
        config.update(request.getfixturevalue("smtp_server").mail_config())
    application = studio_app(database_file, tmp_path / "uploads", seeded=seeded, **config)
    yield application
    shutdown_app(application)


@pytest.fixture
def coach(app: Flask) -> FlaskClient:
    """Logged in as the coach on the module's site."""
    return coach_client(app)
