"""Login throttling: guessing slows down, and a stranger cannot lock the coach out."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient

from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

START = datetime(2026, 3, 2, 9, 0)


def _attempt(app: Flask, address: str, password: str, email: str = COACH_EMAIL) -> int:
    """One login post from a client at `address`; the status code."""
    client: FlaskClient = app.test_client()
    response = client.post(
        "/studio/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_a_stranger_guessing_cannot_lock_the_coach_out(app: Flask) -> None:
    create_coach(app)
    with time_machine.travel(START, tick=False):
        for _ in range(8):
            assert _attempt(app, "192.0.2.66", "guess") == 422
        assert _attempt(app, "192.0.2.66", COACH_PASSWORD) == 429  # the guesser waits
        assert _attempt(app, "198.51.100.7", COACH_PASSWORD) == 302  # the coach does not


def test_many_guessers_still_leave_the_coach_a_way_in(app: Flask) -> None:
    create_coach(app)
    with time_machine.travel(START, tick=False):
        for number in range(12):
            assert _attempt(app, f"192.0.2.{number + 1}", "guess") == 422
        # Each guesser had its one try; the account is under attack, so a second waits ...
        assert _attempt(app, "192.0.2.1", "another guess") == 429
        # ... but a client that has not failed is heard, and the coach gets in.
        assert _attempt(app, "203.0.113.9", COACH_PASSWORD) == 302


def test_a_client_that_keeps_failing_waits_longer_each_time(app: Flask) -> None:
    create_coach(app)
    guesser = "192.0.2.66"
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(8):
            assert _attempt(app, guesser, "guess") == 422
        traveller.shift(timedelta(minutes=14))
        assert _attempt(app, guesser, "guess") == 429
        traveller.shift(timedelta(minutes=1, seconds=1))  # 15 minutes after the last failure
        assert _attempt(app, guesser, "guess") == 422  # the ninth failure doubles the wait
        traveller.shift(timedelta(minutes=29))
        assert _attempt(app, guesser, COACH_PASSWORD) == 429
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert _attempt(app, guesser, COACH_PASSWORD) == 302


def test_a_success_clears_that_clients_failures(app: Flask) -> None:
    create_coach(app)
    with time_machine.travel(START, tick=False):
        for _ in range(7):
            assert _attempt(app, "198.51.100.7", "typo") == 422
        assert _attempt(app, "198.51.100.7", COACH_PASSWORD) == 302
        for _ in range(7):  # a fresh allowance after proving who she is
            assert _attempt(app, "198.51.100.7", "typo") == 422
        assert _attempt(app, "198.51.100.7", COACH_PASSWORD) == 302
