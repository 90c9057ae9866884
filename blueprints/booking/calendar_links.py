"""Add-to-calendar links for web calendars, beside the .ics: Google Calendar and Outlook.

Both take the start and end as UTC instants (the `Z` forms below), so the event lands at the
instant the page and the email showed, in whatever zone the visitor's calendar is set to.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app

from blueprints.booking.models import Booking

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_PERSONAL = "https://outlook.live.com/calendar/0/deeplink/compose"
OUTLOOK_WORK = "https://outlook.office.com/calendar/0/deeplink/compose"


@dataclass(frozen=True)
class CalendarLinks:
    """Where to add this consultation, one link per web calendar."""

    google: str
    outlook: str
    outlook_work: str


def calendar_links(booking: Booking, manage_url: str, location: str) -> CalendarLinks:
    """Links that open each web calendar's new-event form filled in for `booking`."""
    title = f"Consultation with {current_app.config['COACH_NAME']}"
    details = f"To cancel or reschedule: {manage_url}"
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{booking.starts_at:%Y%m%dT%H%M%SZ}/{booking.ends_at:%Y%m%dT%H%M%SZ}",
        "details": details,
        "location": location,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": f"{booking.starts_at:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{booking.ends_at:%Y-%m-%dT%H:%M:%SZ}",
        "body": details,
        "location": location,
    }
    return CalendarLinks(
        google=f"{GOOGLE}?{urlencode(google)}",
        outlook=f"{OUTLOOK_PERSONAL}?{urlencode(outlook)}",
        outlook_work=f"{OUTLOOK_WORK}?{urlencode(outlook)}",
    )
