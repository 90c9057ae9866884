"""Login throttling: guessing slows down, and a stranger cannot lock the coach out."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient

from blueprints.studio.throttle import GUESSES_PER_ACCOUNT
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


def _coachs_browser(app: Flask, address: str = "198.51.100.7") -> FlaskClient:
    """The coach's own browser: it logged in once (so it holds the device cookie), then out."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    assert _login(browser, COACH_PASSWORD) == 302
    assert browser.post("/studio/logout").status_code == 302
    return browser


def _login(browser: FlaskClient, password: str) -> int:
    return browser.post(
        "/studio/login", data={"email": COACH_EMAIL, "password": password}
    ).status_code


def test_a_login_leaves_a_long_lived_private_device_cookie(app: Flask) -> None:
    create_coach(app)
    browser = app.test_client()
    response = browser.post(
        "/studio/login", data={"email": COACH_EMAIL, "password": COACH_PASSWORD}
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if "studio_device=" in h)
    assert "HttpOnly" in header and "Path=/studio/" in header and "SameSite=Lax" in header
    assert "Max-Age=31536000" in header
    browser.post("/studio/logout")
    assert browser.get_cookie("studio_device", path="/studio/") is not None  # kept on logout


def test_many_guessers_still_leave_the_coach_a_way_in(app: Flask) -> None:
    create_coach(app)
    with time_machine.travel(START, tick=False):
        browser = _coachs_browser(app)
        for number in range(12):
            _attempt(app, f"192.0.2.{number + 1}", "guess")
        # The account is under attack: a guesser's next try waits, a new one too ...
        assert _attempt(app, "192.0.2.1", "another guess") == 429
        assert _attempt(app, "192.0.2.200", "a first guess") == 429
        # ... but the coach's own browser is heard, and she gets in.
        assert _login(browser, COACH_PASSWORD) == 302


def test_n1_strangers_every_quarter_hour_never_keep_the_coach_out(app: Flask) -> None:
    """N1: she mistyped once; 8 strangers from 8 addresses fail every 15 minutes."""
    create_coach(app)
    with time_machine.travel(START, tick=False) as traveller:
        browser = _coachs_browser(app)
        assert _login(browser, "a typo") == 422
        for _ in range(8):  # two hours of it
            traveller.shift(timedelta(minutes=15))
            for number in range(8):
                assert _attempt(app, f"203.0.113.{number + 1}", "guess") in (422, 429)
            assert _login(browser, COACH_PASSWORD) == 302
            assert browser.post("/studio/logout").status_code == 302


def test_n2_rotating_addresses_get_no_more_than_the_ceiling_of_answers(app: Flask) -> None:
    """N2: 40 addresses, two guesses each within 15 minutes: at most 10 answered in all."""
    create_coach(app)
    with time_machine.travel(START, tick=False) as traveller:
        answered = 0
        for round_ in range(2):
            for number in range(40):
                traveller.shift(timedelta(seconds=10))
                status = _attempt(app, f"192.0.2.{number + 1}", f"guess {round_} {number}")
                assert status in (422, 429)
                answered += status == 422
        assert answered == GUESSES_PER_ACCOUNT
        # The window moves on: guessing resumes at the same slow pace, never faster.
        traveller.shift(timedelta(minutes=15))
        statuses = [_attempt(app, f"198.51.100.{n + 1}", "later") for n in range(12)]
        assert statuses.count(422) == GUESSES_PER_ACCOUNT


def test_sign_out_everywhere_revokes_the_device_cookie(app: Flask) -> None:
    create_coach(app)
    with time_machine.travel(START, tick=False):
        browser = _coachs_browser(app)
        stolen = browser.get_cookie("studio_device", path="/studio/").value
        assert _login(browser, COACH_PASSWORD) == 302
        assert browser.post("/studio/sign-out-everywhere").status_code == 302
        assert browser.get_cookie("studio_device", path="/studio/") is None
        for number in range(GUESSES_PER_ACCOUNT):
            _attempt(app, f"192.0.2.{number + 1}", "guess")
        thief = app.test_client()
        thief.set_cookie("studio_device", stolen, path="/studio/")
        assert _login(thief, COACH_PASSWORD) == 429  # a revoked device is a stranger again


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
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    with time_machine.travel(START, tick=False):
        for _ in range(7):
            assert _login(browser, "typo") == 422
        assert _login(browser, COACH_PASSWORD) == 302
        browser.post("/studio/logout")
        for _ in range(7):  # a fresh allowance after proving who she is
            assert _login(browser, "typo") == 422
        assert _login(browser, COACH_PASSWORD) == 302


def test_a_device_that_keeps_failing_waits_too(app: Flask) -> None:
    create_coach(app)
    with time_machine.travel(START, tick=False) as traveller:
        browser = _coachs_browser(app)
        for _ in range(8):
            assert _login(browser, "guess") == 422
        assert _login(browser, COACH_PASSWORD) == 429  # a stolen device cookie guesses slowly
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert _login(browser, COACH_PASSWORD) == 302
