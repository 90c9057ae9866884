"""The coach's bookings feed: subscribed from the studio, updated by every booking change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from blueprints.booking.models import AvailabilitySettings, Booking
from blueprints.booking.slots import slot_value
from blueprints.shared.extensions import db
from harness import shutdown_app
from harness.coach import coach_client
from harness.contact import changeable_starts, seeded_app_with
from harness.forms import booking_data
from harness.instants import CLOCK_JOURNEYS

pytestmark = CLOCK_JOURNEYS


@pytest.fixture
def site(database_file: Path) -> Iterator[Flask]:
    """The demo site, its coach signed in by the `coach` fixture."""
    application = seeded_app_with(database_file, COACH_EMAIL="maya@studio.example")
    yield application
    shutdown_app(application)


@pytest.fixture
def coach(site: Flask) -> FlaskClient:
    return coach_client(site)


def feed_link(coach: FlaskClient) -> str:
    """Make a feed link in the studio and read it off the page (as the coach would copy it)."""
    assert coach.post("/studio/calendar/feed").status_code == 302
    page = unescape(coach.get("/studio/calendar").get_data(as_text=True))
    match = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page)
    assert match, "the studio shows no feed address"
    return match.group(1).removeprefix("http://localhost")


def events(response_body: bytes) -> dict[str, dict[str, object]]:
    """The feed's events by UID: start (aware UTC), sequence, status, summary, description."""
    calendar = Calendar.from_ical(response_body)
    return {
        str(event["UID"]): {
            "start": event["DTSTART"].dt,
            "sequence": int(event["SEQUENCE"]),
            "status": str(event["STATUS"]),
            "summary": str(event["SUMMARY"]),
            "description": str(event["DESCRIPTION"]),
            "location": str(event.get("LOCATION", "")),
        }
        for event in calendar.walk("VEVENT")
    }


def book(site: Flask, web: FlaskClient, start: datetime) -> str:
    """Book `start` through the contact form; the booking's UID."""
    data = booking_data(site, slot_value(start), name="Anna Berg")
    assert web.post("/contact/", data=data).status_code == 303
    with site.app_context():
        uid = db.session.scalars(select(Booking.uid)).one()
        db.session.remove()
    return uid


def test_a_booking_moved_then_cancelled_follows_in_the_feed(site: Flask, coach: FlaskClient):
    path = feed_link(coach)
    calendar_app = site.test_client()  # no login cookie: the token is the key
    empty = calendar_app.get(path)
    assert empty.status_code == 200 and empty.mimetype == "text/calendar"
    assert events(empty.data) == {}
    first, second = changeable_starts(site)[:2]
    visitor = site.test_client()
    uid = book(site, visitor, first)

    booked = calendar_app.get(path)
    event = events(booked.data)[uid]
    assert event["start"] == first.replace(tzinfo=UTC)
    assert (event["sequence"], event["status"]) == (0, "CONFIRMED")
    assert event["summary"] == "Consultation: Anna Berg"
    assert "Low back stiffness" in str(event["description"])  # the reason, for the coach
    assert b"X-WR-TIMEZONE:Europe/London" in booked.data

    # Her calendar asks again with what it has: nothing changed, nothing sent.
    again = calendar_app.get(
        path,
        headers={
            "If-None-Match": booked.headers["ETag"],
            "If-Modified-Since": booked.headers["Last-Modified"],
        },
    )
    assert again.status_code == 304 and again.data == b""

    token = re.search(r"/contact/booking/([^\"\s]+)", _confirmation(site)).group(1)
    moved = visitor.post(f"/contact/booking/{token}/reschedule", data={"slot": slot_value(second)})
    assert moved.status_code == 303
    after_move = calendar_app.get(path, headers={"If-None-Match": booked.headers["ETag"]})
    assert after_move.status_code == 200
    event = events(after_move.data)[uid]
    assert (event["start"], event["sequence"]) == (second.replace(tzinfo=UTC), 1)

    assert visitor.post(f"/contact/booking/{token}/cancel").status_code == 303
    event = events(calendar_app.get(path).data)[uid]
    assert (event["status"], event["sequence"]) == ("CANCELLED", 2)


def _confirmation(site: Flask) -> str:
    from blueprints.shared.models import OutboxMessage

    with site.app_context():
        text = db.session.scalars(
            select(OutboxMessage.body_text).order_by(OutboxMessage.id)
        ).first()
        db.session.remove()
    return text


def test_a_wrong_or_replaced_token_is_not_found(site: Flask, coach: FlaskClient) -> None:
    old = feed_link(coach)
    calendar_app = site.test_client()
    assert calendar_app.get(old).status_code == 200
    assert calendar_app.get(old[:-3] + "xyz.ics").status_code == 404
    assert calendar_app.get("/contact/calendar/.ics").status_code == 404
    new = feed_link(coach)  # "make a new link"
    assert new != old
    assert calendar_app.get(old).status_code == 404
    assert calendar_app.get(new).status_code == 200


def test_no_feed_answers_before_the_coach_makes_one(site: Flask) -> None:
    assert site.test_client().get("/contact/calendar/anything.ics").status_code == 404


def test_the_feed_page_is_the_coachs_only(site: Flask) -> None:
    visitor = site.test_client()
    assert visitor.get("/studio/calendar").status_code in {302, 401, 403}
    assert visitor.post("/studio/calendar/feed").status_code in {302, 401, 403}


def test_a_video_booking_carries_its_own_room_in_email_invite_and_feed(
    site: Flask, coach: FlaskClient
) -> None:
    with site.app_context():
        rules = db.session.scalars(select(AvailabilitySettings)).one()
        rules.meeting_base_url = "https://meet.example.org/studio"
        db.session.commit()
        db.session.remove()
    path = feed_link(coach)
    start = changeable_starts(site)[0]
    uid = book(site, site.test_client(), start)
    with site.app_context():
        room = db.session.scalars(select(Booking.meeting_url)).one()
        db.session.remove()
    assert re.fullmatch(r"https://meet\.example\.org/studio/consultation-[\w-]{24}", room)
    confirmation = _confirmation(site)
    assert room in confirmation
    from blueprints.shared.models import OutboxMessage

    with site.app_context():
        invite = db.session.scalars(select(OutboxMessage)).first().attachments[0]["content"]
        db.session.remove()
    assert room in invite.replace("\r\n ", "")  # long lines are folded
    assert events(site.test_client().get(path).data)[uid]["location"] == room
    # A second booking gets another room: nobody can walk into someone else's.
    second = changeable_starts(site)[1]
    book_again = booking_data(site, slot_value(second), email="b@example.com")
    assert site.test_client().post("/contact/", data=book_again).status_code == 303
    with site.app_context():
        rooms = set(db.session.scalars(select(Booking.meeting_url)))
        db.session.remove()
    assert len(rooms) == 2
