"""The coach's bookings feed: a private iCalendar URL her own calendar subscribes to.

The token in the URL is the key (calendar apps send no login cookie): a long random value,
one at a time; "make a new link" replaces it, and the old one then answers 404 like any wrong
one. Each consultation keeps the UID of its emailed invites and their SEQUENCE (raised on every
move and cancel), so a calendar updates the event it already has instead of adding another.
Times are UTC (`Z`), the coach's zone named for calendars that show one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import Response, abort, current_app, request
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from blueprints.booking import bp
from blueprints.booking.models import FORMATS, Booking, BookingFeed
from blueprints.contact.models import PAIN_DURATIONS
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.urls import absolute_url

# Past consultations stay in the feed this long (a calendar drops what leaves the feed).
RECENT = timedelta(days=60)


def feed_token() -> str | None:
    """The current feed token, or None before the coach has made a link."""
    return db.session.scalar(select(BookingFeed.token).order_by(BookingFeed.id.desc()))


def feed_url() -> str | None:
    """The absolute feed URL to paste into a calendar app, or None if there is none yet."""
    token = feed_token()
    return absolute_url("booking.feed", token=token) if token else None


def new_feed_token() -> str:
    """Replace the feed link with a fresh one (the old one stops working at once)."""
    db.session.execute(delete(BookingFeed))
    token = secrets.token_urlsafe(32)
    db.session.add(BookingFeed(token=token, created_at=utcnow()))
    db.session.commit()
    return token


def _feed_or_404(token: str) -> BookingFeed:
    feed = db.session.scalar(select(BookingFeed).order_by(BookingFeed.id.desc()))
    # Compared in constant time: the token is the only key to the coach's clients' names.
    if feed is None or not secrets.compare_digest(feed.token.encode(), token.encode()):
        abort(404)
    return feed


def feed_bookings(now: datetime) -> list[Booking]:
    """Every upcoming and recent consultation, cancelled ones included, soonest first."""
    return list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.enquiry))
            .where(Booking.starts_at >= now - RECENT)
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _description(booking: Booking) -> str:
    enquiry = booking.enquiry
    lines = [
        f"{enquiry.name} <{enquiry.email}>",
        f"Format: {FORMATS.get(booking.format, booking.format)}",
    ]
    if booking.meeting_url:
        lines.append(f"Meeting link: {booking.meeting_url}")
    if booking.pain_duration:
        lines.append(f"Hurting for: {PAIN_DURATIONS.get(booking.pain_duration, '')}")
    if booking.reason:
        lines += ["", booking.reason]
    return "\n".join(lines)


def feed_calendar(bookings: list[Booking], stamp: datetime) -> bytes:
    """The feed's iCalendar text for `bookings`."""
    from icalendar import Calendar, Event

    config = current_app.config
    calendar = Calendar()
    calendar.add("prodid", f"-//{config['SITE_NAME']}//Bookings feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{config['SITE_NAME']} consultations")
    calendar.add("x-wr-timezone", config["COACH_TIMEZONE"])
    calendar.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    for booking in bookings:
        event = Event()
        event.add("uid", booking.uid)
        event.add("sequence", booking.sequence)
        event.add("dtstamp", _aware(booking.updated_at or booking.created_at or stamp))
        event.add("dtstart", _aware(booking.starts_at))
        event.add("dtend", _aware(booking.ends_at))
        event.add("summary", f"Consultation: {booking.enquiry.name}")
        event.add("description", _description(booking))
        if booking.meeting_url:
            event.add("location", booking.meeting_url)
            event.add("url", booking.meeting_url)
        event.add("status", "CANCELLED" if booking.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """The coach's consultations as iCalendar; 304 when her calendar already has this copy."""
    subscription = _feed_or_404(token)
    bookings = feed_bookings(utcnow())
    changes = [b.updated_at or b.created_at for b in bookings] + [subscription.created_at]
    last_modified = _aware(max(changes))
    body = feed_calendar(bookings, last_modified)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.last_modified = last_modified
    # Only the coach's own calendar should keep it, and ask again every time.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response.make_conditional(request)
