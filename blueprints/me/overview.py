"""What /me/ lists about a client besides the plan: bookings, signups and the name they gave."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from blueprints.booking.links import manage_url
from blueprints.booking.models import Booking
from blueprints.booking.when import visitor_when
from blueprints.contact.models import Enquiry
from blueprints.me.models import Client
from blueprints.programs.models import Signup
from blueprints.shared.extensions import db
from blueprints.shared.hours import request_hour_style


def bookings_of(client: Client) -> list[tuple[Booking, str, str]]:
    """Each booking, its manage link and its time on the reader's clock, in their zone."""
    rows = db.session.scalars(
        select(Booking)
        .join(Enquiry, Booking.enquiry_id == Enquiry.id)
        .where(func.lower(Enquiry.email) == client.email)
        .options(joinedload(Booking.enquiry))
        .order_by(Booking.starts_at.desc())
    ).all()
    hours = request_hour_style()
    return [(booking, manage_url(booking), visitor_when(booking, hours)) for booking in rows]


def name_given(signups: list[Signup], bookings: list[tuple[Booking, str, str]]) -> str:
    """The name the client gave last: on a program signup, else with a booking; '' if none."""
    for signup in signups:
        if signup.name.strip():
            return signup.name.strip()
    for booking, _, _ in bookings:
        if booking.enquiry.name.strip():
            return booking.enquiry.name.strip()
    return ""


def signups_of(client: Client) -> list[Signup]:
    """The client's program signups, newest first."""
    return list(
        db.session.scalars(
            select(Signup)
            .where(func.lower(Signup.email) == client.email)
            .options(joinedload(Signup.program))
            .order_by(Signup.created_at.desc())
        )
    )
