"""The studio tests' helpers: a coach login (harness.coach) and a few rows the studio works on."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from harness.coach import coach_client


@pytest.fixture
def coach(app: Flask) -> FlaskClient:
    """Logged in as the coach: each studio test module's `app` says which site."""
    return coach_client(app)
