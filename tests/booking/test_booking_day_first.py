"""Day-first booking through the WSGI app: the week strip, the remembered zone, the free-times
cache, required controls, the manage page with htmx, and the emails with calendar links.

The instant is chosen (time_machine): Wednesday 4 March 2026, 12:00 UTC, days before New York
moves its clocks (8 March) and weeks before London does (29 March), so the times a visitor in
New York sees shift against the coach's in the weeks shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from blueprints.booking.freetimes import free_times
from blueprints.booking.models import Booking
from blueprints.booking.slots import slot_value
from blueprints.shared.extensions import db
from blueprints.shared.outbox import deliver_due
from harness import SmtpServer, attachment_named, shutdown_app, stored
from harness.contact import free_starts, seeded_app_with
from harness.forms import VISITOR, booking_data

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def mail_site(clock: None, database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    app = seeded_app_with(
        database_file, COACH_EMAIL="maya@studio.example", **smtp_server.mail_config()
    )
    yield app
    shutdown_app(app)


@pytest.fixture
def client(mail_site: Flask) -> FlaskClient:
    return mail_site.test_client()


def local_day(start: datetime, zone: ZoneInfo = NEW_YORK) -> date:
    return start.replace(tzinfo=UTC).astimezone(zone).date()


def beyond_cut_off(app: Flask, days: int = 3) -> datetime:
    """A free slot comfortably beyond the 24-hour cut-off, so it can still be moved."""
    return next(s for s in free_starts(app) if s >= NOW.replace(tzinfo=None) + timedelta(days=days))


def test_the_first_free_day_is_chosen_and_days_without_times_are_disabled(
    client: FlaskClient, mail_site: Flask
) -> None:
    starts = free_starts(mail_site)
    first = local_day(starts[0])
    html = client.get("/contact/?topic=consultation&tz=America/New_York").get_data(as_text=True)
    chosen = re.search(r'<a id="day-([0-9-]+)"[^>]*aria-current="date"', html)
    assert chosen and chosen.group(1) == first.isoformat()
    same_day = [s for s in starts if local_day(s) == first]
    assert html.count('name="slot"') == len(same_day)
    # Every day of the week is listed; those without free times are not links.
    monday = first - timedelta(days=first.weekday())
    for n in range(7):
        day = monday + timedelta(days=n)
        free = any(local_day(s) == day for s in starts)
        assert (f'id="day-{day.isoformat()}"' in html) is free
    assert "no free times" in html  # the weekend, at least, is shown disabled
    assert (
        'id="week-next" href="/contact/?topic=consultation&amp;tz=America%2FNew_York&amp;day='
        in html
    )


def test_a_day_link_works_as_a_page_and_as_an_htmx_fragment(
    client: FlaskClient, mail_site: Flask
) -> None:
    starts = free_starts(mail_site)
    later = local_day(starts[-1])
    times = [
        f"{s.replace(tzinfo=UTC).astimezone(NEW_YORK):%H:%M}"
        for s in starts
        if local_day(s) == later
    ]
    query = f"topic=consultation&tz=America%2FNew_York&day={later.isoformat()}"
    page = client.get(f"/contact/?{query}").get_data(as_text=True)
    assert (
        f'id="day-{later.isoformat()}"' in page
        and f"Choose a time on {later:%A} {later.day}" in page
    )
    fragment = client.get(f"/contact/times?{query}", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert fragment.headers["HX-Push-Url"] == f"/contact/?{query}"
    assert re.findall(r'name="slot" required value="[^"]+" > (\d\d:\d\d)</label>', body) == times
    count = f"{len(times)} free {'time' if len(times) == 1 else 'times'} on {later:%A} {later.day}"
    assert 'hx-swap-oob="innerHTML"' in body and count in body
    # Without htmx the fragment's address sends the browser to the page itself.
    plain = client.get(f"/contact/times?{query}")
    assert plain.status_code == 303 and plain.headers["Location"].startswith("/contact/?")


def test_the_zone_is_remembered_and_cached_pages_never_cross_visitors(
    client: FlaskClient, mail_site: Flask
) -> None:
    first = free_starts(mail_site)[0]
    london, new_york = (
        f"{first.replace(tzinfo=UTC).astimezone(ZoneInfo(z)):%H:%M}"
        for z in ("Europe/London", "America/New_York")
    )
    chose = client.get("/contact/?topic=consultation&tz=America/New_York")
    assert "tz=America/New_York" in chose.headers["Set-Cookie"]
    assert "Path=/" in chose.headers["Set-Cookie"]
    # The next visit, with the cookie and no zone in the address, is in New York from the start.
    for _ in range(2):  # the second answer comes from the page cache
        html = client.get("/contact/?topic=consultation").get_data(as_text=True)
        assert "Times are shown in <strong>America/New York</strong>" in html
        assert f'value="{slot_value(first)}" > {new_york}</label>' in html
        assert 'data-zone-chosen="true"' in html and "data-zone-default" not in html
    # Another visitor, no cookie: the page names the coach's zone and says it is a default.
    stranger = mail_site.test_client()
    html = stranger.get("/contact/?topic=consultation").get_data(as_text=True)
    assert (
        "Times are shown in <strong>Europe/London</strong>" in html and "data-zone-default" in html
    )
    assert f'value="{slot_value(first)}" > {london}</label>' in html
    # A forged cookie is ignored, not cached under its own name.
    stranger.set_cookie("tz", "Mars/Olympus_Mons")
    html = stranger.get("/contact/?topic=consultation").get_data(as_text=True)
    assert "Europe/London</strong>" in html and "Mars" not in html


def test_free_times_are_computed_once_per_change_and_clock_edge(mail_site: Flask) -> None:
    with mail_site.test_request_context():
        first = free_times()
        assert free_times() is first  # nothing changed: the same computed list
    starts_before = free_starts(mail_site)
    client = mail_site.test_client()
    slot = slot_value(starts_before[3])
    assert (
        client.post("/contact/", data=booking_data(mail_site, slot), headers=HTMX).status_code
        == 200
    )
    with mail_site.test_request_context():
        after = free_times()
        assert after is not first and starts_before[3] not in after.starts
        # At the clock's next edge (a slot inside the notice, or a new day within reach) the
        # list is computed again, and it differs.
        edge = after.valid_until.replace(tzinfo=UTC)
        with time_machine.travel(edge - timedelta(seconds=1), tick=False):
            assert free_times() is after
        with time_machine.travel(edge, tick=False):
            moved_on = free_times()
        assert moved_on is not after and moved_on.starts != after.starts


def test_required_controls_are_marked_for_assistive_technology(client: FlaskClient) -> None:
    html = client.get("/contact/?topic=consultation").get_data(as_text=True)
    for name in ("format", "leg_numbness", "bladder_bowel", "weight_loss", "recent_trauma", "slot"):
        radios = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert radios and all(" required" in r for r in radios), name
    for control in (
        '<textarea[^>]*id="reason"',
        '<select[^>]*id="pain_duration"',
        '<input[^>]*id="name"',
    ):
        assert re.search(control + r"[^>]*required", html), control
    assert not re.search(r'<textarea[^>]*id="message"[^>]*required', html)  # optional when booking
    enquiry = client.get("/contact/").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*id="message"[^>]*required', enquiry)


def _book(client: FlaskClient, app: Flask, start: datetime) -> Booking:
    data = booking_data(app, slot_value(start), timezone="America/New_York")
    response = client.post("/contact/", data=data, headers=HTMX)
    assert response.status_code == 200, response.get_data(as_text=True)
    [booking] = stored(app, Booking)
    return booking


def _check_calendar_links(html: str, plain: str, start: datetime, end: datetime) -> None:
    links = re.findall(r'href="(https://[^"]+)"', html)
    google = next(unescape(u) for u in links if u.startswith("https://calendar.google.com/"))
    outlook = next(unescape(u) for u in links if u.startswith("https://outlook.live.com/"))
    assert google in plain and outlook in plain
    dates = parse_qs(urlsplit(google).query)["dates"][0]
    assert dates == f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
    query = parse_qs(urlsplit(outlook).query)
    assert query["startdt"] == [f"{start:%Y-%m-%dT%H:%M:%SZ}"]
    assert query["enddt"] == [f"{end:%Y-%m-%dT%H:%M:%SZ}"]
    assert query["rru"] == ["addevent"]


def test_confirmation_and_move_emails_have_both_parts_and_calendar_links_at_the_instant(
    client: FlaskClient, mail_site: Flask, smtp_server: SmtpServer
) -> None:
    start = beyond_cut_off(mail_site)
    booking = _book(client, mail_site, start)
    with mail_site.app_context():
        deliver_due()
    smtp_server.recorder.wait_for(2)
    assert booking.visitor_timezone == "America/New_York"
    [mail] = smtp_server.recorder.to(VISITOR)
    shown = f"{start.replace(tzinfo=UTC).astimezone(NEW_YORK):%H:%M} (America/New York)"
    plain = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert shown in plain and shown in html and "<h1" in html
    _check_calendar_links(html, plain, start, start + timedelta(minutes=45))
    event = Calendar.from_ical(attachment_named(mail.message, ".ics")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start.replace(tzinfo=UTC)

    # Move it through the manage page with htmx: the panel is swapped, the email follows.
    token = re.search(r"/contact/booking/([A-Za-z0-9_.-]+)", plain).group(1)
    target = next(s for s in free_starts(mail_site) if s > start + timedelta(days=3))
    moved = client.post(
        f"/contact/booking/{token}/reschedule",
        data={"slot": slot_value(target), "timezone": "America/New_York"},
        headers=HTMX,
    )
    body = moved.get_data(as_text=True)
    assert moved.status_code == 200 and body.lstrip().startswith('<div id="manage-panel"')
    assert 'role="status"' in body and "Moved. Your consultation is now" in body
    with mail_site.app_context():
        deliver_due()
    [_, moved_mail] = smtp_server.recorder.to(VISITOR)
    plain = moved_mail.message.get_body(("plain",)).get_content()
    html = moved_mail.message.get_body(("html",)).get_content()
    _check_calendar_links(html, plain, target, target + timedelta(minutes=45))
    event = Calendar.from_ical(attachment_named(moved_mail.message, ".ics")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == target.replace(tzinfo=UTC) and event["sequence"] == 1


def test_manage_page_cancels_with_htmx_and_the_cut_off_still_holds(
    client: FlaskClient, mail_site: Flask
) -> None:
    start = beyond_cut_off(mail_site, days=2)
    booking = _book(client, mail_site, start)
    from blueprints.booking.links import manage_token

    with mail_site.test_request_context():
        token = manage_token(db.session.get(Booking, booking.id))
    # Inside the cut-off the server refuses, htmx or not.
    with time_machine.travel(start.replace(tzinfo=UTC) - timedelta(hours=3), tick=True):
        refused = client.post(f"/contact/booking/{token}/cancel", headers=HTMX)
        assert refused.status_code == 409 and "Online changes close 24 hours" in refused.get_data(
            as_text=True
        )
        assert stored(mail_site, Booking)[0].status == "confirmed"
        late = client.get(f"/contact/booking/{token}/times", headers=HTMX)
        assert late.status_code == 409 and late.headers["HX-Retarget"] == "#manage-panel"
        assert "Online changes close 24 hours" in late.get_data(as_text=True)
    done = client.post(f"/contact/booking/{token}/cancel", headers=HTMX)
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and body.lstrip().startswith('<div id="manage-panel"')
    assert "Your consultation is cancelled" in body and "Cancelled" in body
    assert stored(mail_site, Booking)[0].status == "cancelled"


def test_week_links_land_on_the_first_free_day_of_the_week(
    client: FlaskClient, mail_site: Flask
) -> None:
    first = local_day(free_starts(mail_site)[0])
    html = client.get("/contact/?topic=consultation&tz=America/New_York").get_data(as_text=True)
    assert '<span id="week-previous" class="week-link-off"' in html  # nothing before this week
    following = unescape(re.search(r'id="week-next" href="([^"]+)"', html).group(1))
    next_week = client.get(following).get_data(as_text=True)
    chosen = re.search(r'<a id="day-([0-9-]+)"[^>]*aria-current="date"', next_week).group(1)
    assert date.fromisoformat(chosen) - first < timedelta(days=14)
    assert date.fromisoformat(chosen).weekday() < 5
    back = unescape(re.search(r'id="week-previous" href="([^"]+)"', next_week).group(1))
    assert parse_qs(urlsplit(back).query)["day"] == [first.isoformat()]


def test_a_cached_contact_page_drops_a_time_the_moment_it_is_inside_the_notice(
    client: FlaskClient, mail_site: Flask
) -> None:
    url = "/contact/?topic=consultation&tz=America/New_York"
    first = free_starts(mail_site)[0]
    edge = (first - timedelta(hours=12)).replace(tzinfo=UTC)  # the demo rules: 12 hours' notice
    with time_machine.travel(edge - timedelta(seconds=30), tick=False):
        assert f'value="{slot_value(first)}"' in client.get(url).get_data(as_text=True)
        assert client.get(url).get_data(as_text=True).count('name="slot"') > 0  # cached copy
    # Well inside the page cache's 60 seconds, yet the copy is not served: its time has gone.
    with time_machine.travel(edge + timedelta(seconds=1), tick=False):
        html = client.get(url).get_data(as_text=True)
    assert f'value="{slot_value(first)}"' not in html
