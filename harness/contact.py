"""What the tests under tests/contact/ share besides their fixtures."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from blueprints.booking.links import booking_for_token
from blueprints.booking.models import Booking
from blueprints.booking.slots import free_slots, load_availability, settings, slot_value
from blueprints.contact.models import Enquiry
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from harness import make_app
from harness.seeded import seed_demo


def seeded_app_with(database_file: Path, **config: Any) -> Flask:
    """The demo site on `database_file` with `config` applied."""
    app = make_app(database_file, **config)
    seed_demo(app)
    return app


def free_starts(app: Flask, now: datetime | None = None) -> list[datetime]:
    """The free slot starts (UTC) the site offers now."""
    with app.app_context():
        starts = free_slots(load_availability(), now or utcnow())
        db.session.remove()
    return starts


def changeable_starts(app: Flask) -> list[datetime]:
    """Free slot starts a booking could still be moved from or cancelled online.

    Bookings need 12 hours' notice but close to online changes 24 hours before, so the first
    free slot is often inside the cut-off (from late evening until the coach's next hours, and
    all weekend); these are beyond it, with an hour to spare for the time the test itself takes.
    """
    now = utcnow()
    with app.app_context():
        cut_off = timedelta(hours=settings().cancel_cutoff_hours)
        db.session.remove()
    return [start for start in free_starts(app, now) if start - now >= cut_off + timedelta(hours=1)]


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


def booking_linked_from(app: Flask, text: str) -> int:
    """The id of the booking the first signed booking link in `text` opens."""
    match = re.search(r"/contact/booking/([A-Za-z0-9_.-]+)", text)
    assert match, "no booking link"
    with app.app_context():
        booking_id = booking_for_token(match.group(1)).id
        db.session.remove()
    return booking_id
