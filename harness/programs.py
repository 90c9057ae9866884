"""What the tests under tests/programs/ share besides their fixtures."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from blueprints.programs.models import Program, Signup
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.spam import new_form_token


def make_program(app: Flask, **fields: Any) -> Program:
    """Store a program (capacity 2 unless told) and return it, detached."""
    values: dict[str, Any] = {
        "slug": "evening-course",
        "title": "Evening back course",
        "summary": "Four evenings of calm, supervised back training.",
        "body_md": "Body",
        "body_html": "<p>Body</p>",
        "level": "beginner",
        "duration_weeks": 4,
        "sessions_per_week": 1,
        "directions": ["extension", "rotation"],
        "price_text": "£80 for 4 weeks",
        "capacity": 2,
        "is_open": True,
    }
    values.update(fields)
    with app.app_context():
        program = Program(**values)
        db.session.add(program)
        db.session.commit()
        db.session.refresh(program)
        db.session.expunge(program)
    return program


def signup_form(app: Flask, **overrides: str | None) -> dict[str, str]:
    """A complete, valid signup as the page would post it; None leaves a field out."""
    with app.app_context():
        started = new_form_token()
    data: dict[str, str | None] = {
        "name": "Ann Example",
        "email": "ann@example.com",
        "phone": "+44 7700 900123",
        "goals": "Carry my shopping home without a sore back the next day.",
        "history": "Low back ache on and off for three years, worse after long drives.",
        "consent": "y",
        "website": "",
        "form_started": started,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def signups_of(app: Flask, program_id: int) -> list[tuple[str, str, int | None]]:
    """(email, status, waitlist position) of every signup on a program, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(Signup.email, Signup.status, Signup.waitlist_position)
            .where(Signup.program_id == program_id)
            .order_by(Signup.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def outbox_rows(app: Flask) -> list[tuple[str, str, str | None, str]]:
    """(kind, to, reply-to, subject) of every queued email, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(
                OutboxMessage.kind,
                OutboxMessage.to_addr,
                OutboxMessage.reply_to,
                OutboxMessage.subject,
            ).order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def outbox_body(app: Flask, to: str, kind: str) -> str:
    """The text body of the one email of `kind` queued for `to`."""
    with app.app_context():
        return db.session.scalars(
            select(OutboxMessage.body_text).where(
                OutboxMessage.to_addr == to, OutboxMessage.kind == kind
            )
        ).one()
