"""The visitor's clock: 12-hour times for en-US, 24-hour for en-GB, on /contact/ and in the
booking emails as delivered over SMTP; each zone's time once; the link sentence only with a link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from blueprints.booking.models import AvailabilitySettings, Booking
from blueprints.shared.extensions import db
from blueprints.shared.hours import clock_time, locale_hour_style
from blueprints.shared.outbox import deliver_due
from harness import ReceivedMail, SmtpServer, shutdown_app
from harness.contact import first_free_slot, seeded_app_with
from harness.forms import VISITOR, booking_data
from harness.instants import at

COACH = "maya@studio.example"
TWELVE = re.compile(r"\b(?:1[0-2]|[1-9]):[0-5]\d (?:AM|PM)\b")
TWENTY_FOUR = re.compile(r"\b[0-2]\d:[0-5]\d\b(?! (?:AM|PM))")


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


@pytest.mark.parametrize(
    ("tag", "style"),
    [
        ("en-US", "12"),
        ("en-GB", "24"),
        ("en", "12"),
        ("de-DE", "24"),
        ("fr", "24"),
        ("ko", "12"),
        ("ja", "24"),
        ("xx-nonsense", "24"),
        ("", "24"),
    ],
)
def test_a_language_names_its_clock(tag: str, style: str) -> None:
    assert locale_hour_style(tag) == style


def test_clock_time_reads_as_each_clock() -> None:
    morning, noon, evening = (
        datetime(2026, 1, 1, 9),
        datetime(2026, 1, 1, 12),
        datetime(2026, 1, 1, 0, 5),
    )
    assert [clock_time(t, "12") for t in (morning, noon, evening)] == [
        "9:00 AM",
        "12:00 PM",
        "12:05 AM",
    ]
    assert [clock_time(t, "24") for t in (morning, noon, evening)] == ["09:00", "12:00", "00:05"]


def slot_times(html: str) -> list[str]:
    """The times the picker offers, as the visitor reads them."""
    return [
        label.strip() for label in re.findall(r'<input[^>]+name="slot"[^>]*>([^<]+)</label>', html)
    ]


@at("tue-05:58")
@pytest.mark.parametrize(
    ("headers", "cookie", "twelve", "varies"),
    [
        ({"Accept-Language": "en-US,en;q=0.9"}, None, True, True),
        ({"Accept-Language": "en-GB,en;q=0.9"}, None, False, True),
        ({"Accept-Language": "en-US"}, "24", False, False),  # the browser's own setting wins
        ({"Accept-Language": "en-GB"}, "12", True, False),
        ({}, None, False, True),  # nothing said: the coach's 24 hours
    ],
)
def test_the_contact_page_shows_times_on_the_visitors_clock(
    site: Flask, headers: dict[str, str], cookie: str | None, twelve: bool, varies: bool
) -> None:
    web = site.test_client()
    web.set_cookie("tz", "America/New_York")  # a returning visitor: the page stays public
    if cookie:
        web.set_cookie("hours", cookie)
    response = web.get("/contact/?topic=consultation", headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    picker = html[html.index('id="slot-picker"') :]
    times = slot_times(picker)
    assert times, picker[:3000]
    pattern = TWELVE if twelve else re.compile(r"^[0-2]\d:[0-5]\d$")
    assert all(pattern.fullmatch(t) for t in times), times
    assert "public" in response.headers["Cache-Control"]
    assert ("Accept-Language" in response.headers["Vary"]) is varies
    assert "Cookie" in response.headers["Vary"]


def book_through_the_form(site: Flask, language: str, zone: str) -> Booking:
    web = site.test_client()
    data = booking_data(site, first_free_slot(site), timezone=zone)
    response = web.post("/contact/", data=data, headers={"Accept-Language": language})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with site.app_context():
        deliver_due()
        booking = db.session.scalars(select(Booking)).one()
        db.session.expunge(booking)
        db.session.remove()
    return booking


def text_and_html(mail: ReceivedMail) -> tuple[str, str]:
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    return text, html[html.index("<body") :]  # the <title> repeats the subject


def when_line(text: str) -> str:
    """The 'When:' line and its continuation of a plain-text booking email."""
    found = re.search(r"^When: +(.*(?:\n {4,}\S.*)?)", text, re.M)
    assert found, text
    return found.group(1)


@at("tue-05:58")
def test_a_us_visitor_gets_12_hour_emails_and_the_coach_her_24_hours(
    site: Flask, smtp_server: SmtpServer
) -> None:
    booking = book_through_the_form(site, "en-US,en;q=0.8", "America/New_York")
    assert booking.visitor_hours == "12"
    smtp_server.recorder.wait_for(2)
    [to_visitor] = smtp_server.recorder.to(VISITOR)
    [to_coach] = smtp_server.recorder.to(COACH)
    text, html = text_and_html(to_visitor)
    when = when_line(text)
    assert len(TWELVE.findall(when)) == 1 and "(America/New York)" in when
    # the coach's time, once, on her clock, because her zone differs
    assert when.count("(Europe/London)") == 1 and len(TWENTY_FOUR.findall(when)) == 1
    assert TWELVE.search(to_visitor.message["Subject"])
    assert len(TWELVE.findall(html)) >= 1 and html.count("(America/New York)") == 1
    coach_text, _ = text_and_html(to_coach)
    coach_when = when_line(coach_text)
    assert coach_when.count("(Europe/London)") == 1 and "(America/New York)" in coach_when
    assert TWENTY_FOUR.search(to_coach.message["Subject"])
    # no room configured: no promise of a link, and no empty "Where"
    for body in (text, html, coach_text):
        assert "follows by email" not in body and "link follows" not in body
    assert "Where:" not in text


@at("tue-05:58")
def test_a_visitor_in_the_coachs_zone_reads_the_time_once(
    site: Flask, smtp_server: SmtpServer
) -> None:
    with site.app_context():
        db.session.execute(
            update(AvailabilitySettings).values(meeting_room_url="https://meet.example/maya")
        )
        db.session.commit()
    book_through_the_form(site, "en-GB,en;q=0.8", "Europe/London")
    smtp_server.recorder.wait_for(2)
    [to_visitor] = smtp_server.recorder.to(VISITOR)
    [to_coach] = smtp_server.recorder.to(COACH)
    text, html = text_and_html(to_visitor)
    assert when_line(text).count("(Europe/London)") == 1
    assert " for Maya" not in text and not TWELVE.search(text)
    assert html.count("(Europe/London)") == 1
    assert "Where: Video call: https://meet.example/maya" in text
    assert "https://meet.example/maya" in html
    coach_text, _ = text_and_html(to_coach)
    assert when_line(coach_text).count("(Europe/London)") == 1 and "for them" not in coach_text


@at("tue-05:58")
def test_the_reminder_keeps_the_clock_the_visitor_booked_with(
    site: Flask, smtp_server: SmtpServer
) -> None:
    # At tue-05:58 the first free slot is that evening, inside the reminder window; the
    # confirmation stood in for the reminder, so the test asks for one as if booked earlier.
    booking = book_through_the_form(site, "en-US", "America/Chicago")
    smtp_server.recorder.wait_for(2)
    with site.app_context():
        db.session.execute(
            update(Booking).where(Booking.id == booking.id).values(reminder_sent_at=None)
        )
        db.session.commit()
    result = site.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    with site.app_context():
        deliver_due()
    smtp_server.recorder.wait_for(3)
    mails = smtp_server.recorder.to(VISITOR)
    [reminder] = [m for m in mails if m.message["Subject"].startswith("Reminder")]
    text, _ = text_and_html(reminder)
    assert TWELVE.search(when_line(text)) and "(America/Chicago)" in when_line(text)
