"""Availability in the studio: booking rules, weekly hours, days off, and cancelling bookings."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from blueprints.booking.models import AvailabilitySettings, Booking, DayOff, WeeklyHours
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.outbox import deliver_due
from harness import SmtpServer
from harness.instants import CLOCK_JOURNEYS
from harness.studio import add_enquiry

# Days off are dates in the coach's zone and bookings sit hours or days from now: every test
# runs at the journey instants (inside the cut-off, the Friday night, the autumn clock change).
pytestmark = CLOCK_JOURNEYS


@pytest.fixture
def studio_site() -> dict[str, object]:
    """An empty site (no rules, no hours yet) that sends mail to a loopback SMTP server."""
    return {"mail": True}


RULES = {
    "slot_minutes": "60",
    "buffer_minutes": "10",
    "min_notice_hours": "24",
    "horizon_days": "30",
    "cancel_cutoff_hours": "48",
    "formats": ["video", "in_person"],
    "location": "Unit 4, Mill Lane",
}


def count(app: Flask, model: type) -> int:
    """Rows in `model`'s table."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_booking_rules_are_saved_and_shown_again(app: Flask, coach: FlaskClient) -> None:
    page = coach.get("/studio/availability").get_data(as_text=True)
    assert re.search(r'<input id="slot_minutes"[^>]* value="45">', page)  # defaults before a save
    response = coach.post("/studio/availability/settings", data=RULES)
    assert response.status_code == 302
    with app.app_context():
        rules = db.session.scalar(select(AvailabilitySettings))
        saved = (rules.slot_minutes, rules.buffer_minutes, rules.min_notice_hours)
        assert saved == (60, 10, 24)
        assert (rules.horizon_days, rules.cancel_cutoff_hours) == (30, 48)
        assert (rules.formats, rules.location) == ("video,in_person", "Unit 4, Mill Lane")
    coach.post(
        "/studio/availability/settings", data={**RULES, "formats": ["video"], "location": ""}
    )
    assert count(app, AvailabilitySettings) == 1  # edited in place, never a second row
    page = coach.get("/studio/availability").get_data(as_text=True)
    assert re.search(r'<input id="slot_minutes"[^>]* value="60">', page)
    assert '<input id="formats-1" name="formats" type="checkbox" value="in_person">' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slot_minutes": "5"}, "slot_minutes", "Use 10 to 240."),
        ({"buffer_minutes": ""}, "buffer_minutes", "Enter a break"),
        ({"horizon_days": "0"}, "horizon_days", "Use 1 to 365."),
        ({"formats": []}, "formats", "Offer at least one format."),
        ({"location": "  "}, "location", "Give the address"),
    ],
)
def test_bad_rules_are_refused_next_to_the_field(
    app: Flask, coach: FlaskClient, overrides: dict[str, object], field: str, message: str
) -> None:
    response = coach.post("/studio/availability/settings", data={**RULES, **overrides})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert count(app, AvailabilitySettings) == 0


def test_weekly_hours_can_be_added_and_removed(app: Flask, coach: FlaskClient) -> None:
    response = coach.post(
        "/studio/availability/hours",
        data={"weekday": "2", "start_time": "09:00", "end_time": "12:30"},
    )
    assert response.status_code == 302
    with app.app_context():
        window = db.session.scalar(select(WeeklyHours))
        assert (window.weekday, window.start_time, window.end_time) == (2, time(9), time(12, 30))
        window_id = window.id
    page = coach.get("/studio/availability").get_data(as_text=True)
    assert "<td>Wednesday</td><td>09:00</td><td>12:30</td>" in page
    assert coach.post(f"/studio/availability/hours/{window_id}/delete").status_code == 302
    assert count(app, WeeklyHours) == 0


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("12:00", "09:00", "The end must be after the start."),
        ("11:00", "13:00", "This overlaps Wednesday 09:00"),
    ],
)
def test_hours_that_make_no_sense_are_refused(
    app: Flask, coach: FlaskClient, start: str, end: str, message: str
) -> None:
    coach.post(
        "/studio/availability/hours",
        data={"weekday": "2", "start_time": "09:00", "end_time": "12:00"},
    )
    response = coach.post(
        "/studio/availability/hours", data={"weekday": "2", "start_time": start, "end_time": end}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, WeeklyHours) == 1


def test_back_to_back_windows_are_allowed(app: Flask, coach: FlaskClient) -> None:
    coach.post(
        "/studio/availability/hours",
        data={"weekday": "0", "start_time": "09:00", "end_time": "12:00"},
    )
    response = coach.post(
        "/studio/availability/hours",
        data={"weekday": "0", "start_time": "12:00", "end_time": "14:00"},
    )
    assert response.status_code == 302
    assert count(app, WeeklyHours) == 2


def test_days_off_can_be_added_and_removed(app: Flask, coach: FlaskClient) -> None:
    day = date.today() + timedelta(days=10)
    response = coach.post(
        "/studio/availability/days-off", data={"day": day.isoformat(), "note": "Course"}
    )
    assert response.status_code == 302
    again = coach.post("/studio/availability/days-off", data={"day": day.isoformat()})
    assert again.status_code == 422 and "already off" in again.get_data(as_text=True)
    past = coach.post("/studio/availability/days-off", data={"day": "2001-05-01"})
    assert past.status_code == 422 and "today or a later date" in past.get_data(as_text=True)
    with app.app_context():
        day_off = db.session.scalar(select(DayOff))
        assert (day_off.day, day_off.note) == (day, "Course")
        day_off_id = day_off.id
    assert day.strftime("%A %d %B %Y") in coach.get("/studio/availability").get_data(as_text=True)
    assert coach.post(f"/studio/availability/days-off/{day_off_id}/delete").status_code == 302
    assert count(app, DayOff) == 0


def _booking(app: Flask, days_ahead: float = 3) -> int:
    with app.app_context():
        start = (utcnow() + timedelta(days=days_ahead)).replace(second=0, microsecond=0)
        enquiry = add_enquiry(email="sam@example.com", booked_at=start)
        db.session.commit()
        return enquiry.booking.id


def test_upcoming_bookings_are_listed(app: Flask, coach: FlaskClient) -> None:
    _booking(app)
    html = coach.get("/studio/availability/bookings").get_data(as_text=True)
    assert "Sam Carter" in html and "sam@example.com" in html and "Stiff in the mornings" in html
    assert "Sam Carter</a> (video)" in coach.get("/studio/").get_data(as_text=True)


def test_the_coach_cancels_a_booking_and_the_visitor_is_told(
    app: Flask, coach: FlaskClient, smtp_server: SmtpServer
) -> None:
    booking_id = _booking(app, days_ahead=0.5)  # inside the visitors' cut-off: the coach may still
    response = coach.post(
        f"/studio/availability/bookings/{booking_id}/cancel", data={"confirmed": "yes"}
    )
    assert response.status_code == 302
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert booking.status == "cancelled" and booking.cancelled_at is not None
        deliver_due()
    assert smtp_server.recorder.to("sam@example.com"), "the visitor was not emailed"
    assert "No consultations booked." in coach.get("/studio/availability/bookings").get_data(
        as_text=True
    )
    again = coach.post(
        f"/studio/availability/bookings/{booking_id}/cancel", data={"confirmed": "yes"}
    )
    assert again.status_code == 409


def test_a_booking_under_way_is_listed_and_past_ones_are_not_read(
    app: Flask, coach: FlaskClient
) -> None:
    now = utcnow().replace(second=0, microsecond=0)
    with app.app_context():
        for n in range(1, 60):  # years of past consultations
            add_enquiry(email=f"past{n}@example.com", booked_at=now - timedelta(days=7 * n))
        add_enquiry(email="now@example.com", booked_at=now - timedelta(minutes=30))
        db.session.commit()
    html = coach.get("/studio/availability/bookings").get_data(as_text=True)
    assert "now@example.com" in html  # started half an hour ago, ends in a quarter of an hour
    assert "past1@example.com" not in html
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        statements: list[tuple[str, object]] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            if "FROM booking" in statement:
                statements.append((statement, parameters))

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", record)
            try:
                coach.get("/studio/availability/bookings")
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
            raw = db.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(f"EXPLAIN QUERY PLAN {statements[0][0]}", statements[0][1])
                plan = " / ".join(row[-1] for row in cursor.fetchall())
            finally:
                raw.close()
        # Upcoming ones are found by a range of the start index, not by reading every booking.
        assert re.search(r"SEARCH booking USING INDEX \w+ \(starts_at>\?\)", plan), plan
