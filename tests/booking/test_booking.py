"""Booking a consultation through the form; cancelling and moving it by the signed link."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from blueprints.booking.bookings import ChangeRefused, cancel_booking
from blueprints.booking.links import manage_token
from blueprints.booking.models import AvailabilitySettings, Booking
from blueprints.booking.slots import parse_slot_value, slot_value
from blueprints.contact.models import Enquiry
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.signing import sign
from harness import SmtpServer, shutdown_app, stored
from harness.contact import (
    booking_linked_from,
    changeable_starts,
    counts,
    first_free_slot,
    free_starts,
    seeded_app_with,
)
from harness.forms import VISITOR, booking_data
from harness.instants import CLOCK_JOURNEYS

HTMX = {"HX-Request": "true"}

# Every test here reads "now" (free slots, cut-offs, reminders): each runs at the journey
# instants; the rules themselves run at every instant in test_time_matrix.py.
pytestmark = CLOCK_JOURNEYS


def insert_booking(app: Flask, starts_at: datetime, email: str = VISITOR) -> tuple[int, str]:
    """A confirmed booking as the coach's data holds it; returns (id, signed link token)."""
    with app.app_context():
        booking = Booking(
            enquiry=Enquiry(name="Anna Berg", email=email, topic="consultation"),
            uid=f"test-{starts_at:%Y%m%d%H%M}@example.com",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=45),
            visitor_timezone="America/New_York",
            status="confirmed",
        )
        db.session.add(booking)
        db.session.commit()
        result = booking.id, manage_token(booking)
        db.session.remove()
    return result


def load_booking(app: Flask, booking_id: int) -> Booking:
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        db.session.expunge(booking)
    return booking


def emails(app: Flask) -> list[OutboxMessage]:
    return stored(app, OutboxMessage)


def test_booking_with_htmx_confirms_in_place_and_stores_booking_and_emails(
    site: Flask, web: FlaskClient
) -> None:
    slot = first_free_slot(site)
    data = booking_data(site, slot, timezone="America/New_York", context="article:some-post")
    response = web.post("/contact/", data=data, headers=HTMX)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    starts_at = parse_slot_value(slot)
    with site.app_context():
        booking = db.session.scalars(select(Booking)).one()
        enquiry = booking.enquiry
        assert (booking.starts_at, booking.ends_at) == (
            starts_at,
            starts_at + timedelta(minutes=45),
        )
        assert (booking.status, booking.sequence, booking.format) == ("confirmed", 0, "video")
        assert booking.visitor_timezone == "America/New_York"
        assert booking.reason.startswith("Low back stiffness")
        assert (enquiry.email, enquiry.topic, enquiry.red_flags) == (VISITOR, "consultation", "")
        booking_id = booking.id
    assert "Booked: " in html and "(America/New York)" in html
    assert booking_linked_from(site, html) == booking_id  # signed links carry a timestamp
    visitor, coach = emails(site)
    assert visitor.to_addr == VISITOR and visitor.subject.startswith("Consultation booked: ")
    assert visitor.attachments[0]["filename"] == "consultation.ics"
    assert booking_linked_from(site, visitor.body_text) == booking_id
    assert (coach.to_addr, coach.reply_to) == ("maya@studio.example", VISITOR)
    assert slot not in [slot_value(s) for s in free_starts(site)]


def test_booking_without_javascript_redirects_to_a_confirmation_page(
    site: Flask, web: FlaskClient
) -> None:
    response = web.post("/contact/", data=booking_data(site, first_free_slot(site)))
    assert response.status_code == 303
    page = unescape(web.get(response.headers["Location"]).get_data(as_text=True))
    assert "Booked: " in page and "manage this booking" in page
    assert counts(site) == {"enquiries": 1, "bookings": 1, "emails": 2}


@pytest.mark.parametrize(
    ("when", "status", "message"),
    [
        ("past", 422, "already passed"),
        ("outside", 422, "outside the coach's hours"),
        ("too_far", 422, "further away"),
        ("garbage", 422, "choose a time from the list"),
    ],
)
def test_a_slot_that_cannot_be_booked_is_refused_with_the_reason(
    site: Flask, web: FlaskClient, when: str, status: int, message: str
) -> None:
    first = free_starts(site)[0]
    slot = {
        "past": slot_value(utcnow().replace(second=0, microsecond=0) - timedelta(days=1)),
        "outside": slot_value(first + timedelta(minutes=20)),
        "too_far": slot_value(first + timedelta(days=70)),
        "garbage": "next tuesday",
    }[when]
    response = web.post("/contact/", data=booking_data(site, slot), headers=HTMX)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == status
    assert message in html.split('id="slot-error"', 1)[1].split("</p>", 1)[0]
    assert counts(site) == {"enquiries": 0, "bookings": 0, "emails": 0}


def test_a_taken_slot_gets_409_and_fresh_slots_without_it(site: Flask, web: FlaskClient) -> None:
    slot = first_free_slot(site)
    insert_booking(site, parse_slot_value(slot), email="someone.else@example.org")
    response = web.post("/contact/", data=booking_data(site, slot), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "That time has just been taken by someone else. Please pick another." in html
    assert f'value="{slot}"' not in html
    assert f'value="{first_free_slot(site)}"' in html
    assert 'value="Anna Berg"' in html  # what they typed is still there
    assert counts(site) == {"enquiries": 1, "bookings": 1, "emails": 0}


def test_a_format_the_coach_does_not_offer_is_refused(site: Flask, web: FlaskClient) -> None:
    with site.app_context():
        db.session.execute(update(AvailabilitySettings).values(formats="video"))
        db.session.commit()
    data = booking_data(site, first_free_slot(site), format="in_person")
    response = web.post("/contact/", data=data, headers=HTMX)
    assert response.status_code == 422
    assert 'id="format-error"' in response.get_data(as_text=True)
    assert counts(site)["bookings"] == 0


def test_the_database_itself_refuses_two_confirmed_bookings_at_one_time(site: Flask) -> None:
    start = datetime(2030, 1, 7, 9)
    insert_booking(site, start)
    with site.app_context():
        cancelled = Booking(
            enquiry=Enquiry(name="B", email="b@example.org"),
            uid="cancelled@x",
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            status="cancelled",
        )
        db.session.add(cancelled)
        db.session.commit()  # a cancelled booking does not hold the time
        db.session.add(
            Booking(
                enquiry=Enquiry(name="C", email="c@example.org"),
                uid="second@x",
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
                status="confirmed",
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_twenty_simultaneous_claims_of_one_slot_give_exactly_one_booking(site: Flask) -> None:
    slot = first_free_slot(site)
    forms = [
        booking_data(site, slot, name=f"Visitor {n}", email=f"visitor{n}@example.org")
        for n in range(20)
    ]
    start_together = threading.Barrier(20)
    results: list[tuple[int, str]] = []

    def claim(n: int) -> None:
        client = site.test_client()
        start_together.wait()
        response = client.post(
            "/contact/",
            data=forms[n],
            headers=HTMX,
            environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"},
        )
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 19
    for status, html in results:
        if status == 409:
            assert "just been taken by someone else" in html
            assert f'value="{slot}"' not in html and 'name="slot"' in html
    with site.app_context():
        [booking] = db.session.scalars(select(Booking)).all()
        assert slot_value(booking.starts_at) == slot and booking.status == "confirmed"
        winner = booking.enquiry.email
    assert counts(site) == {"enquiries": 1, "bookings": 1, "emails": 2}
    assert {row.to_addr for row in emails(site)} == {winner, "maya@studio.example"}


def test_the_signed_link_shows_the_booking_with_ways_to_change_it(
    site: Flask, web: FlaskClient
) -> None:
    booking_id, token = insert_booking(site, utcnow().replace(microsecond=0) + timedelta(days=5))
    html = unescape(web.get(f"/contact/booking/{token}").get_data(as_text=True))
    assert "America/New York" in html and "Confirmed" in html
    assert "Move my consultation" in html and "Cancel my consultation" in html
    assert 'name="slot"' in html


def test_the_booking_page_refreshes_its_times_in_another_zone_for_htmx(
    site: Flask, web: FlaskClient
) -> None:
    own = changeable_starts(site)[0]  # its page offers a move
    _, token = insert_booking(site, own)
    tokyo = ZoneInfo("Asia/Tokyo")
    day = own.replace(tzinfo=UTC).astimezone(tokyo).date()
    response = web.get(
        f"/contact/booking/{token}/times?tz=Asia/Tokyo&day={day.isoformat()}", headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="slot-picker"') and "<html" not in html
    assert "Times are shown in <strong>Asia/Tokyo</strong> time" in html
    assert response.headers["HX-Push-Url"] == (
        f"/contact/booking/{token}?tz=Asia%2FTokyo&day={day.isoformat()}"
    )
    # that day's free times, plus the booking's own (it does not block itself)
    same_day = [
        s for s in free_starts(site) if s.replace(tzinfo=UTC).astimezone(tokyo).date() == day
    ]
    assert html.count('name="slot"') == len(same_day) + 1
    assert f'value="{own:%Y-%m-%dT%H:%MZ}"' in html


@pytest.mark.parametrize("tamper", ["flip", "other-purpose", "gone"])
def test_a_tampered_or_dead_link_is_refused(site: Flask, web: FlaskClient, tamper: str) -> None:
    booking_id, token = insert_booking(site, utcnow() + timedelta(days=5))
    if tamper == "flip":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif tamper == "other-purpose":
        with site.test_request_context():
            token = sign("program-leave", f"test-{booking_id}")
    else:
        with site.app_context():
            db.session.delete(db.session.get(Booking, booking_id))
            db.session.commit()
    for response in (
        web.get(f"/contact/booking/{token}"),
        web.post(f"/contact/booking/{token}/cancel"),
    ):
        assert response.status_code == 400
        assert "This booking link is not valid." in response.get_data(as_text=True)
    if tamper != "gone":
        assert load_booking(site, booking_id).status == "confirmed"


def test_cancelling_frees_the_slot_and_sends_a_cancellation(site: Flask, web: FlaskClient) -> None:
    start = changeable_starts(site)[0]
    booking_id, token = insert_booking(site, start)
    assert slot_value(start) not in [slot_value(s) for s in free_starts(site)]
    response = web.post(f"/contact/booking/{token}/cancel")
    assert response.status_code == 303
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your consultation is cancelled." in page and "Book a new time" in page
    booking = load_booking(site, booking_id)
    assert (booking.status, booking.sequence) == ("cancelled", 1)
    assert booking.cancelled_at is not None
    visitor, coach = emails(site)
    assert visitor.to_addr == VISITOR and visitor.subject.startswith("Consultation cancelled")
    assert "METHOD:CANCEL" in visitor.attachments[0]["content"]
    assert coach.to_addr == "maya@studio.example" and coach.reply_to == VISITOR
    assert slot_value(start) in [slot_value(s) for s in free_starts(site)]
    again = web.post(f"/contact/booking/{token}/cancel")
    assert again.status_code == 409 and len(emails(site)) == 2


def test_after_the_cut_off_the_page_says_why_and_cancelling_is_refused(
    site: Flask, web: FlaskClient
) -> None:
    booking_id, token = insert_booking(site, utcnow() + timedelta(hours=5, minutes=30))
    page = unescape(web.get(f"/contact/booking/{token}").get_data(as_text=True))
    reason = "Online changes close 24 hours before a session, and yours starts in 5 hours."
    assert reason in page and "maya@studio.example" in page
    assert "Cancel my consultation" not in page and "Move my consultation" not in page
    for action, data in [("cancel", {}), ("reschedule", {"slot": first_free_slot(site)})]:
        response = web.post(f"/contact/booking/{token}/{action}", data=data)
        assert response.status_code == 409
        assert reason in unescape(response.get_data(as_text=True))
    booking = load_booking(site, booking_id)
    assert (booking.status, booking.sequence) == ("confirmed", 0)
    assert emails(site) == []


def test_the_coach_may_cancel_inside_the_cut_off(site: Flask) -> None:
    booking_id, _ = insert_booking(site, utcnow() + timedelta(hours=3))
    with site.app_context():
        booking = db.session.get(Booking, booking_id)
        with pytest.raises(ChangeRefused):
            cancel_booking(booking)
        cancel_booking(booking, by_coach=True)
        assert (booking.status, booking.sequence) == ("cancelled", 1)
    [visitor] = emails(site)  # the coach is not told about her own cancellation
    assert visitor.to_addr == VISITOR and "has had to cancel" in visitor.body_text


def test_rescheduling_keeps_the_uid_raises_the_sequence_and_moves_the_hold(
    site: Flask, web: FlaskClient
) -> None:
    old_start, new_start = changeable_starts(site)[:2]
    booking_id, token = insert_booking(site, old_start)
    response = web.post(
        f"/contact/booking/{token}/reschedule", data={"slot": slot_value(new_start)}
    )
    assert response.status_code == 303
    page = unescape(web.get(response.headers["Location"]).get_data(as_text=True))
    assert "Moved. Your consultation is now" in page
    booking = load_booking(site, booking_id)
    assert (booking.starts_at, booking.sequence, booking.status) == (new_start, 1, "confirmed")
    assert booking.uid == f"test-{old_start:%Y%m%d%H%M}@example.com"
    offered = [slot_value(s) for s in free_starts(site)]
    assert slot_value(old_start) in offered and slot_value(new_start) not in offered
    visitor, coach = emails(site)
    assert visitor.subject.startswith("Consultation moved to")
    ics = visitor.attachments[0]["content"]
    assert "SEQUENCE:1" in ics and f"UID:{booking.uid}" in ics
    assert coach.reply_to == VISITOR


def test_rescheduling_into_a_taken_slot_is_a_409_and_changes_nothing(
    site: Flask, web: FlaskClient
) -> None:
    mine, theirs = changeable_starts(site)[:2]
    booking_id, token = insert_booking(site, mine)
    insert_booking(site, theirs, email="other@example.org")
    response = web.post(f"/contact/booking/{token}/reschedule", data={"slot": slot_value(theirs)})
    assert response.status_code == 409
    assert "just been taken" in response.get_data(as_text=True)
    assert load_booking(site, booking_id).starts_at == mine
    assert emails(site) == []


def test_send_reminders_sends_each_reminder_once(
    database_file: Path, smtp_server: SmtpServer
) -> None:
    app = seeded_app_with(database_file, **smtp_server.mail_config())
    try:
        soon_id, _ = insert_booking(app, utcnow() + timedelta(hours=20), email="soon@example.org")
        insert_booking(app, utcnow() + timedelta(days=4), email="later@example.org")
        runner = app.test_cli_runner()
        first = runner.invoke(args=["send-reminders"])
        assert first.exit_code == 0, first.output
        assert "queued 1 reminder; sent 1" in first.output
        [reminder] = smtp_server.recorder.wait_for(1)
        assert reminder.rcpt_tos == ["soon@example.org"]
        # Flask-Mail folds a long Subject onto the next line; unfolded it reads the same.
        subject = " ".join(reminder.message["Subject"].split())
        assert subject.startswith("Reminder: your consultation on")
        second = runner.invoke(args=["send-reminders"])
        assert "queued 0 reminders; sent 0" in second.output
        assert len(smtp_server.recorder.received) == 1
        assert load_booking(app, soon_id).reminder_sent_at is not None
    finally:
        shutdown_app(app)
