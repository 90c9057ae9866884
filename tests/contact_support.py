"""Helpers for the contact and booking tests: form data, free slots, the app's stored rows."""

from __future__ import annotations

import email.message
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.contact.links import booking_for_token
from blueprints.contact.models import Booking, Enquiry
from blueprints.contact.slots import free_slots, load_availability, slot_value
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.seed import seed_demo_content
from blueprints.shared.spam import new_form_token
from tests.support import make_app, shutdown_app

VISITOR = "anna.berg@example.org"


def seeded_app_with(database_file: Path, **config: Any) -> Flask:
    """The demo site on `database_file` with `config` applied."""
    app = make_app(database_file, **config)
    with app.app_context():
        seed_demo_content()
        db.session.remove()
    return app


def form_stamp(app: Flask) -> str:
    """A valid 'form shown at' stamp, as the rendered form would carry."""
    with app.test_request_context():
        return new_form_token()


def enquiry_data(app: Flask, **overrides: str) -> dict[str, str]:
    """A valid plain enquiry."""
    data = {
        "name": "Anna Berg",
        "email": VISITOR,
        "topic": "program",
        "message": "Is the eight-week program suitable after a disc bulge last year?",
        "context": "",
        "website": "",
        "form_started": form_stamp(app),
    }
    data.update(overrides)
    return data


def booking_data(app: Flask, slot: str, **overrides: str) -> dict[str, str]:
    """A valid consultation booking of `slot`, every red flag answered no."""
    data = {
        **enquiry_data(app),
        "topic": "consultation",
        "message": "",
        "slot": slot,
        "timezone": "Europe/London",
        "format": "video",
        "reason": "Low back stiffness every morning, worse after long drives.",
        "pain_duration": "3_12_months",
        "leg_numbness": "no",
        "bladder_bowel": "no",
        "weight_loss": "no",
        "recent_trauma": "no",
    }
    data.update(overrides)
    return data


def free_starts(app: Flask, now: datetime | None = None) -> list[datetime]:
    """The free slot starts (UTC) the site offers now."""
    with app.app_context():
        starts = free_slots(load_availability(), now or utcnow())
        db.session.remove()
    return starts


def first_free_slot(app: Flask) -> str:
    """The form value of the earliest free slot."""
    return slot_value(free_starts(app)[0])


def counts(app: Flask) -> dict[str, int]:
    """How many enquiries, bookings and outbox rows are stored."""
    with app.app_context():
        result = {
            name: db.session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in [
                ("enquiries", Enquiry),
                ("bookings", Booking),
                ("emails", OutboxMessage),
            ]
        }
        db.session.remove()
    return result


def stored(app: Flask, model: type[Any]) -> list[Any]:
    """Every row of `model`, in the order written, detached for reading after the test."""
    with app.app_context():
        rows = db.session.scalars(select(model).order_by(model.id)).all()
        db.session.expunge_all()
    return list(rows)


def booking_linked_from(app: Flask, text: str) -> int:
    """The id of the booking the first signed booking link in `text` opens."""
    match = re.search(r"/contact/booking/([A-Za-z0-9_.-]+)", text)
    assert match, "no booking link"
    with app.app_context():
        booking_id = booking_for_token(match.group(1)).id
        db.session.remove()
    return booking_id


def attachment_named(message: email.message.EmailMessage, suffix: str) -> bytes:
    """The decoded content of the attachment whose file name ends with `suffix`."""
    for part in message.iter_attachments():
        if (part.get_filename() or "").endswith(suffix):
            return part.get_payload(decode=True)
    raise AssertionError(f"no {suffix} attachment in {message['Subject']!r}")


@pytest.fixture
def site(database_file: Path) -> Iterator[Flask]:
    """The demo site, its coach at maya@studio.example, mail recorded but not sent."""
    application = seeded_app_with(database_file, COACH_EMAIL="maya@studio.example")
    yield application
    shutdown_app(application)


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    """A visitor's client for `site`."""
    return site.test_client()
