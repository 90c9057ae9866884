"""Calendar invites as they arrive by SMTP, read back with the icalendar parser."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from icalendar import Calendar

from blueprints.booking.bookings import book_consultation, cancel_booking, reschedule_booking
from blueprints.booking.models import Booking
from blueprints.contact.enquiries import Intake, Visitor
from blueprints.shared.extensions import db
from blueprints.shared.outbox import deliver_due
from harness import ReceivedMail, SmtpServer, attachment_named, shutdown_app
from harness.contact import booking_linked_from, seeded_app_with

COACH = "maya@studio.example"
INTAKE = Intake("Stiff after cycling", "6_weeks_3_months")


@pytest.fixture
def site(database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    application = seeded_app_with(
        database_file,
        COACH_EMAIL=COACH,
        SITE_URL="https://strongspine.example",
        **smtp_server.mail_config(),
    )
    yield application
    shutdown_app(application)


def book(app: Flask, start: datetime, now: datetime, name: str, email: str) -> tuple[int, str]:
    with app.app_context():
        booking = book_consultation(
            Visitor(name, email, "consultation"), INTAKE, start, "video", "America/New_York", now
        )
        result = booking.id, booking.uid
        deliver_due()
        db.session.remove()
    return result


def event_in(mail: ReceivedMail) -> tuple[Calendar, dict]:
    calendar = Calendar.from_ical(attachment_named(mail.message, ".ics"))
    [event] = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.parametrize(
    ("now", "before", "after", "visitor_clock"),
    [
        # London springs forward on Sunday 28 March 2027: Monday 09:00 is 09:00Z, then 08:00Z.
        # New York changed two weeks earlier, so the visitor sees 05:00 then 04:00.
        (
            datetime(2027, 3, 19, 12),
            datetime(2027, 3, 22, 9),
            datetime(2027, 3, 29, 8),
            ("05:00", "04:00"),
        ),
        # London falls back on Sunday 31 October 2027; New York only on 7 November.
        (
            datetime(2027, 10, 22, 12),
            datetime(2027, 10, 25, 8),
            datetime(2027, 11, 1, 9),
            ("04:00", "05:00"),
        ),
    ],
)
def test_the_invite_is_read_at_the_right_utc_instant_across_a_dst_change(
    site: Flask,
    smtp_server: SmtpServer,
    now: datetime,
    before: datetime,
    after: datetime,
    visitor_clock: tuple[str, str],
) -> None:
    bookings = [
        book(site, before, now, "Anna Berg", "anna@example.org"),
        book(site, after, now, 'Seán O\'Brien, "Jr"', "sean@example.org"),
    ]
    smtp_server.recorder.wait_for(4)
    for (_, uid), start, email, clock in zip(
        bookings,
        [before, after],
        ["anna@example.org", "sean@example.org"],
        visitor_clock,
        strict=True,
    ):
        [to_visitor] = smtp_server.recorder.to(email)
        calendar, event = event_in(to_visitor)
        assert calendar["METHOD"] == "REQUEST"
        assert event.decoded("DTSTART") == start.replace(tzinfo=UTC)
        assert event.decoded("DTEND") == start.replace(tzinfo=UTC) + timedelta(minutes=45)
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 0
        assert str(event["ORGANIZER"]) == f"mailto:{COACH}"
        assert str(event["ATTENDEE"]) == f"mailto:{email}"
        body = to_visitor.message.get_body(("plain",)).get_content()
        assert f", {clock} (America/New York)" in body
        assert ", 09:00 (Europe/London) for Maya Lindqvist" in body
        assert "https://strongspine.example/contact/booking/" in body
    [to_sean] = smtp_server.recorder.to("sean@example.org")
    assert event_in(to_sean)[1]["ATTENDEE"].params["CN"] == 'Seán O\'Brien, "Jr"'
    coach_copies = smtp_server.recorder.to(COACH)
    assert len(coach_copies) == 2
    assert all(
        m.message["Reply-To"] in {"anna@example.org", "sean@example.org"} for m in coach_copies
    )


def test_moving_then_cancelling_updates_the_same_event(
    site: Flask, smtp_server: SmtpServer
) -> None:
    now = datetime(2027, 2, 5, 12)
    first, second = datetime(2027, 2, 8, 9), datetime(2027, 2, 9, 10)
    booking_id, uid = book(site, first, now, "Anna Berg", "anna@example.org")
    with site.app_context():
        booking = db.session.get(Booking, booking_id)
        reschedule_booking(booking, second, now=now)
        cancel_booking(booking, now=now)
        deliver_due()
    received = smtp_server.recorder.wait_for(6)
    to_visitor = [m for m in received if "anna@example.org" in m.rcpt_tos]
    parsed = [event_in(mail) for mail in to_visitor]
    assert [str(cal["METHOD"]) for cal, _ in parsed] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [int(event["SEQUENCE"]) for _, event in parsed] == [0, 1, 2]
    assert {str(event["UID"]) for _, event in parsed} == {uid}
    assert [event.decoded("DTSTART") for _, event in parsed] == [
        first.replace(tzinfo=UTC),
        second.replace(tzinfo=UTC),
        second.replace(tzinfo=UTC),
    ]
    assert str(parsed[2][1]["STATUS"]) == "CANCELLED"
    # (a long ASCII subject is folded onto its own line; parsers then keep the leading space)
    subjects = [m.message["Subject"].strip() for m in to_visitor]
    assert subjects[0] == "Consultation booked: Monday 8 February 2027, 04:00 (America/New York)"
    assert subjects[1] == "Consultation moved to Tuesday 9 February 2027, 05:00 (America/New York)"
    assert (
        subjects[2] == "Consultation cancelled: Tuesday 9 February 2027, 05:00 (America/New York)"
    )
    assert booking_linked_from(site, str(parsed[1][1]["URL"])) == booking_id
    content_type = to_visitor[2].message.get_payload()[1].get_content_type()
    assert content_type == "text/calendar"
