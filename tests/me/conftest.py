"""The client area's fixtures: a client with a place on Back Basics, signed in, at one instant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from harness.me import START, add_signup, consent, sign_in


@pytest.fixture
def site(seeded_app: Flask) -> Iterator[Flask]:
    """The seeded site with one client who has a place on Back Basics, at a fixed instant."""
    add_signup(seeded_app)
    with time_machine.travel(START, tick=True):
        yield seeded_app


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    """The client, signed in and agreed to health data being stored."""
    browser = site.test_client()
    sign_in(browser, site)
    consent(browser)
    return browser
