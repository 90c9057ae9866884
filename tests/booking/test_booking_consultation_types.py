"""The visitor chooses a consultation type; the booking keeps its name, length and price, and
the confirmation email delivered to a real SMTP server carries them in both parts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from blueprints.booking.models import Booking
from blueprints.booking.slots import parse_slot_value
from blueprints.coach.models import ConsultationType
from blueprints.shared.extensions import db
from blueprints.shared.outbox import deliver_due
from harness import SmtpServer, shutdown_app, stored
from harness.contact import first_free_slot, seeded_app_with
from harness.forms import VISITOR, booking_data
from harness.instants import CLOCK_JOURNEYS

pytestmark = CLOCK_JOURNEYS


@pytest.fixture
def site(database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The demo site (an intro call, free, 20 minutes; an assessment, £60, 45), mail delivered."""
    application = seeded_app_with(
        database_file, COACH_EMAIL="maya@studio.example", **smtp_server.mail_config()
    )
    yield application
    shutdown_app(application)


def type_named(app: Flask, name: str) -> ConsultationType:
    with app.app_context():
        kind = db.session.scalars(
            select(ConsultationType).where(ConsultationType.name == name)
        ).one()
        db.session.expunge(kind)
    return kind


def test_the_email_carries_the_chosen_type_its_length_and_price(
    site: Flask, web: FlaskClient, smtp_server: SmtpServer
) -> None:
    intro = type_named(site, "Intro call")
    slot = first_free_slot(site)
    response = web.post("/contact/", data=booking_data(site, slot, consultation=str(intro.id)))
    assert response.status_code == 303
    [booking] = stored(site, Booking)
    starts_at = parse_slot_value(slot)
    assert (booking.consultation_name, booking.consultation_minutes) == ("Intro call", 20)
    assert booking.consultation_price == "Free"
    # the slot grid is the coach's; the booking lasts the type's own length from its start
    assert booking.ends_at - booking.starts_at == timedelta(minutes=20)
    assert booking.starts_at == starts_at
    with site.app_context():
        deliver_due()
    smtp_server.recorder.wait_for(2)
    [to_visitor] = smtp_server.recorder.to(VISITOR)
    text = to_visitor.message.get_body(("plain",)).get_content()
    html = unescape(to_visitor.message.get_body(("html",)).get_content())
    assert "What: Intro call, 20 minutes, Free" in text
    assert "Intro call, 20 minutes, Free" in html
    [to_coach] = smtp_server.recorder.to("maya@studio.example")
    assert "Intro call, 20 minutes, Free" in to_coach.message.get_body(("plain",)).get_content()
    invite = (
        next(
            part
            for part in to_visitor.message.iter_attachments()
            if part.get_filename() == "consultation.ics"
        )
        .get_payload(decode=True)
        .decode()
    )
    start, end = (starts_at, starts_at + timedelta(minutes=20))
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in invite and f"DTEND:{end:%Y%m%dT%H%M%S}Z" in invite


def test_a_priced_type_and_a_later_price_change_leave_the_booking_as_agreed(
    site: Flask, web: FlaskClient, smtp_server: SmtpServer
) -> None:
    assessment = type_named(site, "First assessment")
    response = web.post(
        "/contact/", data=booking_data(site, first_free_slot(site), consultation=str(assessment.id))
    )
    assert response.status_code == 303
    with site.app_context():
        db.session.execute(update(ConsultationType).values(price_cents=9900))
        db.session.commit()
        deliver_due()
    [booking] = stored(site, Booking)
    assert (booking.consultation_name, booking.consultation_price) == ("First assessment", "£60")
    assert booking.ends_at - booking.starts_at == timedelta(minutes=45)
    [to_visitor] = smtp_server.recorder.wait_for(2) and smtp_server.recorder.to(VISITOR)
    assert (
        "First assessment, 45 minutes, £60" in to_visitor.message.get_body(("plain",)).get_content()
    )


@pytest.mark.parametrize("chosen", ["", "999", "intro"])
def test_without_a_valid_type_nothing_is_booked_and_the_field_says_why(
    site: Flask, web: FlaskClient, chosen: str
) -> None:
    data = booking_data(site, first_free_slot(site), consultation=chosen)
    response = web.post("/contact/", data=data)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert 'id="consultation-error"' in html
    assert (
        "Please choose which consultation you would like." in html
        or "Please choose one of the options." in html
    )
    assert stored(site, Booking) == []


def test_the_form_lists_each_type_with_its_length_and_price_and_ticks_the_first(
    site: Flask, web: FlaskClient
) -> None:
    html = unescape(web.get("/contact/?topic=consultation").get_data(as_text=True))
    intro, assessment = type_named(site, "Intro call"), type_named(site, "First assessment")
    radios = re.findall(r'<input[^>]*name="consultation"[^>]*>', html)
    assert len(radios) == 2
    ticked = [radio for radio in radios if re.search(r"\bchecked\b", radio)]
    assert len(ticked) == 1 and f'value="{intro.id}"' in ticked[0]  # the coach's first
    assert "Intro call: 20 minutes, Free" in html
    assert "First assessment: 45 minutes, £60" in html
    assert any(f'value="{assessment.id}"' in radio for radio in radios)
