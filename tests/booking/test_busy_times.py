"""Busy times from the coach's own calendars keep those slots out of the picker.

The slot logic is tested as pure functions over a few instants (a DST change included); one
journey runs against a local HTTP server serving an .ics file, as her calendar provider would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.booking.busy import CalendarUnreadable, busy_intervals
from blueprints.booking.calendars import address_problem
from blueprints.booking.models import Booking
from blueprints.booking.slots import Availability, free_slots, slot_value, to_utc
from blueprints.contact.models import Enquiry
from blueprints.shared.extensions import db
from harness import shutdown_app
from harness.coach import coach_client
from harness.contact import free_starts, seeded_app_with
from harness.instants import at

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")

# Her calendar, as a provider would serve it. The UK clocks go forward on 2027-03-28, New York's
# on 2027-03-14: every series below starts before both changes and repeats after them.
CALENDAR = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test provider//EN\r
BEGIN:VEVENT\r
UID:physio@test\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Own physio (weekly, not on 7 April)\r
DTSTART;TZID=Europe/London:20270303T100000\r
DTEND;TZID=Europe/London:20270303T103000\r
RRULE:FREQ=WEEKLY\r
EXDATE;TZID=Europe/London:20270407T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:holiday@test\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Good Friday\r
DTSTART;VALUE=DATE:20270402\r
DTEND;VALUE=DATE:20270403\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:new-york-call@test\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Call with New York (05:00 there)\r
DTSTART;TZID=America/New_York:20270301T050000\r
DTEND;TZID=America/New_York:20270301T053000\r
RRULE:FREQ=WEEKLY\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:free@test\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Marked free\r
DTSTART;TZID=Europe/London:20270401T130000\r
DTEND;TZID=Europe/London:20270401T170000\r
TRANSP:TRANSPARENT\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:cancelled@test\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Called off\r
DTSTART;TZID=Europe/London:20270406T090000\r
DTEND;TZID=Europe/London:20270406T120000\r
STATUS:CANCELLED\r
END:VEVENT\r
END:VCALENDAR\r
"""


def london(day: str, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock time as naive UTC (the way booking stores instants)."""
    return to_utc(datetime.combine(datetime.fromisoformat(day), time(hour, minute)), LONDON)


def test_each_kind_of_event_becomes_the_right_busy_time() -> None:
    found = busy_intervals(CALENDAR, datetime(2027, 3, 27), datetime(2027, 4, 15), LONDON)
    assert found == [
        # New York at 05:00 EDT is 09:00 UTC, i.e. 10:00 in London once the UK is on BST too.
        (datetime(2027, 3, 29, 9, 0), datetime(2027, 3, 29, 9, 30)),
        (london("2027-03-31", 10), london("2027-03-31", 10, 30)),  # 09:00 UTC (BST)
        (london("2027-04-02", 0), london("2027-04-03", 0)),  # the all-day event, her midnight
        (datetime(2027, 4, 5, 9, 0), datetime(2027, 4, 5, 9, 30)),
        # 7 April is excepted; 1 April is marked free; 6 April is cancelled.
        (datetime(2027, 4, 12, 9, 0), datetime(2027, 4, 12, 9, 30)),
        (london("2027-04-14", 10), london("2027-04-14", 10, 30)),
    ]


def test_before_the_uk_change_the_same_series_sits_an_hour_later_in_utc() -> None:
    found = busy_intervals(CALENDAR, datetime(2027, 3, 15), datetime(2027, 3, 18), LONDON)
    # 15 March: New York already on EDT (09:00 UTC), London still on GMT: 09:00 there.
    # 17 March: the London series at 10:00 GMT = 10:00 UTC.
    assert found == [
        (datetime(2027, 3, 15, 9, 0), datetime(2027, 3, 15, 9, 30)),
        (datetime(2027, 3, 17, 10, 0), datetime(2027, 3, 17, 10, 30)),
    ]


def test_a_file_that_is_not_a_calendar_is_said_in_plain_words() -> None:
    with pytest.raises(CalendarUnreadable, match="does not return a calendar"):
        busy_intervals(b"<html>Sign in</html>", datetime(2027, 3, 1), datetime(2027, 4, 1), LONDON)


def availability(busy: list[tuple[datetime, datetime]]) -> Availability:
    """Monday mornings 09:00-12:00 in London, 45-minute slots with a 15-minute break."""
    return Availability(
        zone=LONDON,
        slot=timedelta(minutes=45),
        buffer=timedelta(minutes=15),
        notice=timedelta(hours=12),
        horizon_days=21,
        weekly={0: [(time(9), time(12))]},
        days_off=frozenset(),
        busy=tuple(busy),
    )


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        (datetime(2026, 11, 30, 23, 59), "2026-12-07"),  # late at night, GMT
        (datetime(2027, 3, 27, 9, 58), "2027-03-29"),  # the day before the clocks go forward
        (datetime(2027, 3, 28, 0, 58), "2027-03-29"),  # two minutes before they do
        (datetime(2027, 10, 31, 1, 30), "2027-11-01"),  # in the repeated hour
    ],
)
def test_a_busy_time_hides_the_slots_it_touches_with_the_break(now: datetime, monday: str) -> None:
    nine, ten, eleven = (london(monday, hour) for hour in (9, 10, 11))
    assert set(free_slots(availability([]), now)) >= {nine, ten, eleven}
    # 10:00-10:30 busy: the 10:00 slot goes. 09:00-09:45 plus its break ends at 10:00, so it
    # stays, and so does 11:00 (30 minutes after the busy time ends).
    slots = set(free_slots(availability([(ten, ten + timedelta(minutes=30))]), now))
    assert nine in slots and eleven in slots and ten not in slots
    # A busy time ending at 10:50 leaves less than the break before 11:00: that goes too.
    slots = set(free_slots(availability([(ten, ten + timedelta(minutes=50))]), now))
    assert nine in slots and ten not in slots and eleven not in slots


@pytest.mark.parametrize(
    "url",
    [
        "http://calendar.example.org/secret.ics",  # not https
        "ftp://calendar.example.org/secret.ics",
        "file:///etc/passwd",
        "https://127.0.0.1/secret.ics",  # loopback
        "https://10.1.2.3/secret.ics",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[::1]/secret.ics",
        "https://[::ffff:127.0.0.1]/secret.ics",  # loopback, written as IPv6
        "https://calendar.example.org:port/secret.ics",
        "https://localhost/secret.ics",
    ],
)
def test_only_public_https_addresses_are_fetched_in_production(app: Flask, url: str) -> None:
    with app.app_context():  # the production defaults for fetching
        assert address_problem(url) is not None


class _Provider(BaseHTTPRequestHandler):
    body = CALENDAR

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def provider() -> Iterator[ThreadingHTTPServer]:
    """Her calendar provider on loopback, serving CALENDAR."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(database_file: Path) -> Iterator[Flask]:
    """The demo site, allowed (as a test) to fetch from loopback over plain http."""
    application = seeded_app_with(
        database_file,
        CALENDAR_FETCH_ALLOW_PRIVATE=True,
        CALENDAR_FETCH_REQUIRE_HTTPS=False,
        CALENDAR_FETCH_TIMEOUT=3.0,
    )
    yield application
    shutdown_app(application)


def offered(site: Flask) -> set[datetime]:
    return set(free_starts(site))


@at("spring-eve")
def test_her_calendar_hides_its_busy_slots_and_keeps_them_hidden_when_it_fails(
    site: Flask, provider: ThreadingHTTPServer
) -> None:
    before = offered(site)
    hidden = {
        london("2027-03-29", 10),  # the New York call
        london("2027-04-05", 10),
        london("2027-03-31", 10),  # the weekly physio
        london("2027-04-14", 10),
        *(london("2027-04-02", hour) for hour in (9, 10, 11)),  # the all-day event
    }
    kept = {
        london("2027-03-29", 9),
        london("2027-03-29", 11),
        london("2027-04-07", 10),  # the excepted physio date
        london("2027-04-01", 13),  # marked free
        london("2027-04-06", 9),  # cancelled
    }
    assert hidden | kept <= before
    # A booking made before the busy event appeared stays booked; the coach is told.
    booked_at = london("2027-04-12", 10)
    with site.app_context():
        db.session.add(
            Booking(
                enquiry=Enquiry(name="Anna Berg", email="anna@example.com", topic="consultation"),
                uid="clash@test",
                starts_at=booked_at,
                ends_at=booked_at + timedelta(minutes=45),
                status="confirmed",
            )
        )
        db.session.commit()
        db.session.remove()

    coach: FlaskClient = coach_client(site)
    url = f"http://127.0.0.1:{provider.server_port}/calendar/secret.ics"
    added = coach.post("/studio/calendar/busy", data={"url": url, "label": "Personal"})
    assert added.status_code == 302
    after = offered(site)
    assert hidden.isdisjoint(after) and kept <= after
    assert before - after == hidden | {booked_at}  # nothing else went
    page = coach.get("/studio/calendar").get_data(as_text=True)
    assert "Personal" in page and "Bookings that clash with your calendar" in page
    assert "Anna Berg" in page
    with site.app_context():
        assert db.session.get(Booking, 1).status == "confirmed"
        db.session.remove()
    # The contact page itself no longer offers a hidden time.
    contact = site.test_client().get("/contact/?topic=consultation&day=2027-03-29")
    assert slot_value(london("2027-03-29", 10)) not in contact.get_data(as_text=True)
    assert slot_value(london("2027-03-29", 9)) in contact.get_data(as_text=True)

    # Her provider goes away: the next fetch fails, the busy times stay, the studio says why.
    provider.shutdown()
    provider.server_close()
    result = site.test_cli_runner().invoke(args=["fetch-calendars"])
    assert "read 0, failed 1" in result.output
    assert offered(site) == after
    page = coach.get("/studio/calendar").get_data(as_text=True)
    assert "could not be reached" in page
    assert "The busy times from the last good read still apply." in page


def test_an_address_the_site_may_not_fetch_is_refused_by_the_field(database_file: Path) -> None:
    app = seeded_app_with(database_file)
    try:
        coach = coach_client(app)
        response = coach.post(
            "/studio/calendar/busy", data={"url": "http://127.0.0.1:9/x.ics", "label": ""}
        )
        assert response.status_code == 422
        assert "starting with https://" in response.get_data(as_text=True)
        assert "No calendars yet." in response.get_data(as_text=True)
    finally:
        shutdown_app(app)
