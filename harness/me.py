"""Helpers for the client-area tests: a client with a program place, signed in by their link."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from blueprints.me.models import Client, Plan, SessionLog
from blueprints.programs.models import Program, Signup
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage

CLIENT_EMAIL = "robin@example.com"
PROGRAM_SLUG = "back-basics-group-course"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CURL = "Jefferson curl"


def add_signup(app: Flask, email: str = CLIENT_EMAIL, slug: str = PROGRAM_SLUG) -> None:
    """A confirmed place on a seeded program."""
    with app.app_context():
        program = db.session.scalar(select(Program).where(Program.slug == slug))
        db.session.add(Signup(program=program, name="Robin", email=email, consent_health_data=True))
        db.session.commit()


def sign_in_link(app: Flask, email: str = CLIENT_EMAIL) -> str:
    """The path of the latest sign-in link emailed to `email` (read from the outbox row)."""
    with app.app_context():
        row = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_addr == email, OutboxMessage.kind == "me-sign-in")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert row is not None, "no sign-in email was queued"
        match = re.search(r"https?://[^/\s]+(/me/sign-in/\S+)", row.body_text)
        assert match
        return match.group(1)


def sign_in(client: FlaskClient, app: Flask, email: str = CLIENT_EMAIL) -> None:
    """Ask for a link, then follow and use it, as a client does."""
    answer = client.post("/me/sign-in", data={"email": email})
    assert answer.status_code == 200
    path = sign_in_link(app, email)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 303
    assert client.get("/me/").status_code == 200  # the first visit copies the program's plan


def consent(client: FlaskClient) -> None:
    """Agree to health data being stored."""
    assert client.post("/me/consent", data={"agree": "yes"}).status_code == 303


def the_client(app: Flask, email: str = CLIENT_EMAIL) -> Client:
    """The client row (detached; read its plain columns)."""
    with app.app_context():
        found = db.session.scalar(select(Client).where(Client.email == email))
        assert found is not None
        db.session.expunge(found)
        return found


def plan_drill_ids(app: Flask, email: str = CLIENT_EMAIL) -> dict[str, int]:
    """The client's plan drills by name."""
    with app.app_context():
        plan = db.session.scalar(
            select(Plan).join(Client).where(Client.email == email).order_by(Plan.id.desc())
        )
        assert plan is not None
        return {item.name: item.id for item in plan.drills}


def session_form(
    ids: dict[str, int], day: date, only: str | None = None, **per_drill: object
) -> dict[str, object]:
    """A session form: each drill at its target, pain 1, unless told otherwise."""
    data: dict[str, object] = {"performed_on": day.isoformat()}
    for name, key in ids.items():
        done = only is None or name == only
        data[f"sets-{key}"] = per_drill.get("sets", 3) if done else 0
        data[f"reps-{key}"] = per_drill.get("reps", 8)
        data[f"load-{key}"] = per_drill.get("load", "")
        data[f"pain-{key}"] = per_drill.get("pain", 1)
    return data


def session_count(app: Flask) -> int:
    """Sessions stored."""
    with app.app_context():
        return len(db.session.scalars(select(SessionLog)).all())


def count_statements(app: Flask, call: Callable[[], object]) -> int:
    """How many SQL statements `call` runs against the app's database."""
    count = 0

    def counter(*_args: object) -> None:
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count


def log_day(
    web: FlaskClient,
    site: Flask,
    days: int,
    morning: str = "settled",
    email: str = CLIENT_EMAIL,
    **values: object,
) -> None:
    """On day START+days: answer the morning question if asked, then log the curl.

    An hour into the day, so the clock never goes back past a signed session cookie."""
    with time_machine.travel(START + timedelta(days=days, hours=1), tick=True):
        page = web.get("/me/log")
        if "The morning after" in page.text:
            with site.app_context():
                pending = db.session.scalar(select(SessionLog).order_by(SessionLog.id.desc()))
            answer = web.post(
                f"/me/morning/{pending.id}",
                data={"morning_pain": 1, "morning_compared": morning},
            )
            assert answer.status_code == 303
        ids = plan_drill_ids(site, email)
        day = (START + timedelta(days=days)).date()
        answer = web.post("/me/log", data=session_form(ids, day, only=CURL, **values))
        assert answer.status_code in (200, 303), answer.text
