"""A booking's time in words, once on each side's clock: the visitor's, and the coach's when
her zone differs (one zone, one line: "10:00 (Europe/London)" is not repeated for her)."""

from __future__ import annotations

from flask import current_app

from blueprints.booking.models import Booking
from blueprints.booking.slots import describe_time


def visitor_when(booking: Booking, hours: str | None = None) -> str:
    """The start in the visitor's zone, on `hours` (else the clock they booked with)."""
    return describe_time(
        booking.starts_at, booking.visitor_timezone, hours or booking.visitor_hours
    )


def coach_when(booking: Booking) -> str:
    """The start in the coach's zone, on her clock (COACH_HOURS)."""
    config = current_app.config
    return describe_time(booking.starts_at, config["COACH_TIMEZONE"], config["COACH_HOURS"])


def coach_when_if_other_zone(booking: Booking) -> str:
    """The coach's time when it is in another zone than the visitor's, else ''."""
    if booking.visitor_timezone == current_app.config["COACH_TIMEZONE"]:
        return ""
    return coach_when(booking)


def visitor_when_if_other_zone(booking: Booking) -> str:
    """The visitor's time (their clock) when they are in another zone than the coach, else ''."""
    if booking.visitor_timezone == current_app.config["COACH_TIMEZONE"]:
        return ""
    return visitor_when(booking)
