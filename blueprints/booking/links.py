"""Signed booking links: the token in a visitor's cancel/reschedule link and its absolute URL."""

from __future__ import annotations

from sqlalchemy import select

from blueprints.booking.models import Booking
from blueprints.shared.extensions import db
from blueprints.shared.signing import InvalidLink, sign, unsign
from blueprints.shared.urls import absolute_url

BOOKING_LINK = "booking"


def manage_token(booking: Booking) -> str:
    """The signed token in a visitor's cancel/reschedule link (it names the booking's UID)."""
    return sign(BOOKING_LINK, booking.uid)


def manage_url(booking: Booking) -> str:
    """The absolute cancel/reschedule link for emails."""
    return absolute_url("booking.manage_booking", token=manage_token(booking))


def booking_for_token(token: str) -> Booking:
    """The booking a signed link names; InvalidLink if forged, altered or the booking is gone."""
    uid = unsign(BOOKING_LINK, token)
    booking = db.session.scalar(select(Booking).where(Booking.uid == str(uid)))
    if booking is None:
        raise InvalidLink("This booking no longer exists.")
    return booking
