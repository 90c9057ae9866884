"""Calendar invites (.ics) for consultations: one UID per booking, SEQUENCE raised on each change.

Times are written in UTC (the `Z` form), which every calendar reads at the same instant whatever
its own zone, so daylight-saving changes cannot shift a session.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from flask import current_app

from blueprints.booking.models import FORMATS, Booking
from blueprints.shared.clock import utcnow

if TYPE_CHECKING:
    from icalendar import vCalAddress

Method = Literal["REQUEST", "CANCEL"]


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    from icalendar import vCalAddress, vText  # only mail needs it: not loaded by page views

    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if role:
        address.params["role"] = vText(role)
    return address


def invite_text(booking: Booking, method: Method, manage_url: str, location: str) -> str:
    """The iCalendar text for `booking`: a request (new or moved) or a cancellation."""
    from icalendar import Calendar, Event

    config = current_app.config
    calendar = Calendar()
    calendar.add("prodid", f"-//{config['SITE_NAME']}//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", _aware(utcnow()))
    event.add("dtstart", _aware(booking.starts_at))
    event.add("dtend", _aware(booking.ends_at))
    event.add("summary", f"Consultation with {config['COACH_NAME']}")
    event.add("location", location or FORMATS.get(booking.format, booking.format))
    event.add("description", f"To cancel or reschedule: {manage_url}")
    event.add("url", manage_url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", _address(config["COACH_EMAIL"], config["COACH_NAME"]))
    event.add("attendee", _address(booking.enquiry.email, booking.enquiry.name, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    return calendar.to_ical().decode()


def invite_attachment(
    booking: Booking, method: Method, manage_url: str, location: str
) -> dict[str, str]:
    """The invite as an outbox attachment."""
    return {
        "filename": "cancelled.ics" if method == "CANCEL" else "consultation.ics",
        "content_type": f"text/calendar; method={method}; charset=utf-8",
        "content": invite_text(booking, method, manage_url, location),
    }
