"""Server-side sessions: logout, "sign out everywhere" and a new password end every copy."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from blueprints.shared import sessions
from blueprints.shared.extensions import db
from blueprints.shared.models import UserSession
from harness.coach import COACH_EMAIL, create_coach, log_in

START = datetime(2026, 3, 2, 9, 0)


def _copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_cookie_stops_working_after_logout(app: Flask, client: FlaskClient) -> None:
    create_coach(app)
    log_in(client)
    thief = _copy_of(client, app)
    assert thief.get("/studio/").status_code == 200  # the copy works while the session lives
    client.post("/studio/logout")
    response = thief.get("/studio/")
    assert response.status_code == 302 and response.location.startswith("/studio/login")
    with app.app_context():  # the sign-in's row, not the device cookie's (its own kind)
        row = db.session.scalar(select(UserSession).where(UserSession.subject_kind == "studio"))
    assert row is not None and row.revoked_at is not None


def test_sign_out_everywhere_ends_every_browser(app: Flask) -> None:
    create_coach(app)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop)
    log_in(phone)
    copy = _copy_of(phone, app)
    assert "Sign out everywhere" in laptop.get("/studio/").get_data(as_text=True)
    response = laptop.post("/studio/sign-out-everywhere")
    assert response.status_code == 302 and response.location == "/studio/login"
    for browser in (laptop, phone, copy):
        assert browser.get("/studio/").status_code == 302
    with app.app_context():
        assert all(r.revoked_at for r in db.session.scalars(select(UserSession)))


def test_a_new_password_from_create_admin_ends_every_session(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    create_coach(app)
    log_in(client)
    thief = _copy_of(client, app)
    result = runner.invoke(
        args=["create-admin", "--email", COACH_EMAIL, "--password", "a brand new passphrase"]
    )
    assert result.exit_code == 0, result.output
    assert "Ended 1 open session" in result.output
    assert client.get("/studio/").status_code == 302
    assert thief.get("/studio/").status_code == 302
    assert log_in(client, password="a brand new passphrase").status_code == 302
    assert client.get("/studio/").status_code == 200


def test_the_cookie_holds_a_token_and_the_table_only_its_hash(
    app: Flask, client: FlaskClient
) -> None:
    create_coach(app)
    log_in(client)
    with client.session_transaction() as session:
        token = session["_sid_studio"]
    with app.app_context():
        stored = db.session.scalar(select(UserSession.id))
    assert len(token) >= 40 and stored != token and token not in str(stored)


def test_a_session_ends_after_its_lifetime_and_when_idle(database_file) -> None:  # type: ignore[no-untyped-def]
    from harness import make_app, shutdown_app

    app = make_app(database_file, SESSION_LIFETIME_HOURS=10.0, SESSION_IDLE_HOURS=2.0)
    try:
        create_coach(app)
        with time_machine.travel(START, tick=False) as traveller:
            client = app.test_client()
            log_in(client)
            for _ in range(6):  # used every 1.5 hours: the idle limit never bites
                traveller.shift(timedelta(hours=1.5))
                assert client.get("/studio/").status_code == 200
            traveller.shift(timedelta(hours=1.5))  # 10.5 hours after login
            assert client.get("/studio/").status_code == 302
            log_in(client)
            traveller.shift(timedelta(hours=2, seconds=1))  # unused for over two hours
            assert client.get("/studio/").status_code == 302
    finally:
        shutdown_app(app)


def test_the_store_serves_other_kinds_of_sign_in(app: Flask) -> None:
    with app.test_request_context():
        sessions.start("client", 7)
        assert sessions.current("client") == 7
        assert sessions.current("studio") is None  # kinds never stand in for each other
        assert [row.subject_id for row in sessions.open_sessions("client", 7)] == [7]
        assert sessions.end_all("client", 7) == 1
        assert sessions.current("client") is None
