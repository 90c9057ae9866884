"""Day-first booking in a real Chromium on a phone (390x844) in New York, coach in London.

The instant is chosen (time_machine, ticking): Wednesday 4 March 2026, 12:00 UTC, before the
site is built, so the free times, the cut-off and the emails follow it at any hour of the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from icalendar import Calendar
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from blueprints.booking.models import Booking
from blueprints.shared.hours import clock_time
from harness import LiveServer, SmtpServer, attachment_named, stored
from harness.browser import (
    EXPECTED_CLIENT_ERROR,
    AxeAudit,
    Keyboard,
    fill_intake,
    show_next_week,
    wait_for_htmx_to_settle,
    wait_like_a_person,
)

pytestmark = pytest.mark.browser

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
PHONE = {"width": 390, "height": 844}

# What the visitor could see first: recorded when the HTML has been parsed, before any swap.
FIRST_PAINT = """
document.addEventListener("DOMContentLoaded", () => {
  const body = document.querySelector("#slot-picker .slot-body");
  const note = document.querySelector("#slot-picker .zone-note");
  window.firstPaint = {
    timesVisible: !!body && getComputedStyle(body).visibility === "visible",
    zoneNote: note && getComputedStyle(note).visibility === "visible" ? note.innerText : "",
  };
});
"""


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    """Before the site is seeded: every "now" of the server is this instant, ticking."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A phone in New York; the test fails on any console error."""
    context = browser.new_context(viewport=PHONE, timezone_id="America/New_York", locale="en-US")
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_CLIENT_ERROR.search(message.text):
            errors.append(message.text)

    context.on("console", on_console)
    context.on("weberror", lambda error: errors.append(str(error.error)))
    context.add_init_script(FIRST_PAINT)
    context.set_default_timeout(10_000)
    yield context
    context.close()
    assert errors == []


def shown_in_new_york(slot: str) -> str:
    """The slot as a US visitor reads it: 12-hour time ("9:00 AM"), from Accept-Language en-US."""
    start = datetime.strptime(slot, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    return clock_time(start.astimezone(NEW_YORK), "12")


def fill_details(page: Page, name: str, email: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your email").fill(email)
    page.get_by_role("group", name="How would you like to meet?").get_by_label("Video call").check()
    fill_intake(page)


def test_a_phone_in_new_york_books_by_day_then_time_and_gets_a_mail_at_the_same_instant(
    phone: BrowserContext, live_server: LiveServer, live_app: Flask, browser_smtp: SmtpServer
) -> None:
    page = phone.new_page()
    audit = AxeAudit(page)
    page.goto(f"{live_server.url}/contact/?topic=consultation")
    # First visit: the server could not know the zone, so no time showed in London's.
    first_paint = page.evaluate("window.firstPaint")
    assert not first_paint["timesVisible"] and "London" not in first_paint["zoneNote"]
    expect(page.locator(".zone-note")).to_contain_text("Times are shown in America/New York time")
    expect(page.locator(".zone-note")).to_contain_text("Maya Lindqvist works on Europe/London time")
    wait_for_htmx_to_settle(page)
    audit.check("arrived: the first free day chosen")

    # Day first: the first free day is chosen; the weekend is there but cannot be chosen.
    chosen = page.locator(".week-strip a[aria-current=date]")
    expect(chosen).to_have_count(1)
    expect(page.locator(".week-strip .day.is-off").first).to_contain_text("no free times")
    # At most two screens from "Your consultation" to the Send button.
    top = page.get_by_role("heading", name="Your consultation").bounding_box()
    send = page.get_by_role("button", name="Send").bounding_box()
    assert send["y"] + send["height"] - top["y"] <= 2 * PHONE["height"], (top, send)

    # Another day: its times come in place, the count is spoken, the address follows.
    other = page.locator(".week-strip a.day:not([aria-current])").first
    day_id = other.get_attribute("id")
    other.click()
    expect(page.locator(f"#{day_id}")).to_have_attribute("aria-current", "date")
    expect(page).to_have_url(re.compile(rf"day={day_id.removeprefix('day-')}"))
    count = page.locator("#slot-count")
    expect(count).to_have_text(re.compile(r"^\d+ free times? on \w+day \d+ \w+\.$"))
    times = page.locator("input[name=slot]")
    number = int(count.inner_text().split()[0])
    expect(times).to_have_count(number)
    audit.check("another day chosen")

    # Next week, and the first free time of the week's first free day.
    page.get_by_role("link", name="Next week").click()
    expect(page.locator(".week-label")).to_contain_text("Week of")
    expect(page.locator(f"#{day_id}")).to_have_count(0)
    audit.check("the next week")
    option = page.locator("label.slot-option").first
    slot = option.locator("input").get_attribute("value")
    shown = option.inner_text().strip()
    assert shown == shown_in_new_york(slot)
    option.click()
    fill_details(page, "Dana Whitfield", "dana@example.org")
    wait_like_a_person(page)
    page.get_by_role("button", name="Send").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Booked: "))
    expect(heading).to_contain_text(f"{shown} (America/New York)")
    audit.check("booked")
    audit.assert_clean()
    [booking] = stored(live_app, Booking)
    assert f"{booking.starts_at:%Y-%m-%dT%H:%MZ}" == slot
    assert booking.starts_at - NOW.replace(tzinfo=None) > timedelta(hours=24)

    # The mail has both parts, web-calendar links and an invite, all at the instant shown.
    browser_smtp.recorder.wait_for(2)
    [mail] = browser_smtp.recorder.to("dana@example.org")
    plain = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert f"{shown} (America/New York)" in plain and f"{shown} (America/New York)" in html
    start = booking.starts_at.replace(tzinfo=UTC)
    end = booking.ends_at.replace(tzinfo=UTC)
    links = [unescape(u) for u in re.findall(r'href="(https://[^"]+)"', html)]
    google = next(u for u in links if u.startswith("https://calendar.google.com/calendar/render?"))
    outlook = next(u for u in links if u.startswith("https://outlook.live.com/calendar/"))
    google_query, outlook_query = (
        parse_qs(urlsplit(google).query),
        parse_qs(urlsplit(outlook).query),
    )
    assert google_query["action"] == ["TEMPLATE"]
    assert google_query["dates"] == [f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"]
    assert datetime.fromisoformat(outlook_query["startdt"][0]) == start
    assert datetime.fromisoformat(outlook_query["enddt"][0]) == end
    event = Calendar.from_ical(attachment_named(mail.message, ".ics")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start and event.decoded("dtend") == end

    # A later visit: the zone is known from the first paint, nothing is swapped in.
    later = phone.new_page()
    response = later.goto(f"{live_server.url}/contact/?topic=consultation")
    assert "Times are shown in <strong>America/New York</strong>" in response.text()
    first_paint = later.evaluate("window.firstPaint")
    assert first_paint["timesVisible"] and "America/New York" in first_paint["zoneNote"]
    first_time = later.locator("label.slot-option").first
    value = first_time.locator("input").get_attribute("value")
    expect(first_time).to_have_text(re.compile(shown_in_new_york(value)))


def test_booking_by_keyboard_alone_day_then_time(
    phone: BrowserContext, live_server: LiveServer, live_app: Flask
) -> None:
    page = phone.new_page()
    keys = Keyboard(page)
    audit = AxeAudit(page)
    page.goto(f"{live_server.url}/contact/?topic=consultation")
    expect(page.locator(".zone-note")).to_contain_text("America/New York")
    wait_for_htmx_to_settle(page)
    keys.tab_to("#name", most=15)
    page.keyboard.type("Kit Moreno")
    keys.tab()
    page.keyboard.type("kit@example.org")
    keys.tab_to(".week-strip a.day:not([aria-current])", most=12)
    day_id = page.evaluate("document.activeElement.id")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{day_id}")).to_have_attribute("aria-current", "date")
    wait_for_htmx_to_settle(page)
    keys.expect_focus(f"#{day_id}")  # the focus stays on the day just chosen
    expect(page.locator("#slot-count")).to_contain_text("free time")
    audit.check("a day chosen by keyboard")
    keys.tab_to("input[name=slot]", most=8)
    page.keyboard.press("Space")
    chosen = page.locator("input[name=slot]:checked")
    expect(chosen).to_have_count(1)
    slot = chosen.get_attribute("value")
    keys.tab()
    keys.expect_focus("input[name=format]")
    page.keyboard.press("Space")
    keys.tab()
    page.keyboard.type("Stiff in the mornings after long drives.")
    keys.tab()
    keys.expect_focus("#pain_duration")
    page.keyboard.press("ArrowDown")
    for question in ("leg_numbness", "bladder_bowel", "weight_loss", "recent_trauma"):
        keys.tab()
        keys.expect_focus(f"input[name={question}]")
        page.keyboard.press("Space")
    wait_like_a_person(page)
    keys.tab_to("button[type=submit]:not([form])", most=3)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"^Booked: "))).to_contain_text(
        f"{shown_in_new_york(slot)} (America/New York)"
    )
    expect(page.locator("#contact-panel")).to_be_focused()
    audit.check("booked by keyboard")
    audit.assert_clean()
    [booking] = stored(live_app, Booking)
    assert f"{booking.starts_at:%Y-%m-%dT%H:%MZ}" == slot


def test_without_javascript_days_and_weeks_are_links_and_the_booking_can_be_moved(
    browser: Browser, live_server: LiveServer, live_app: Flask
) -> None:
    context = browser.new_context(
        viewport=PHONE, timezone_id="America/New_York", locale="en-US", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/contact/?topic=consultation")
    # No script to ask the browser: the page names the zone it shows.
    expect(page.locator(".zone-note")).to_contain_text("Times are shown in Europe/London time")
    page.get_by_label("Show times in").select_option("America/New_York")
    page.get_by_role("button", name="Show times").click()
    expect(page.locator(".zone-note")).to_contain_text("Times are shown in America/New York time")
    page.get_by_role("link", name="Next week").click()
    expect(page).to_have_url(re.compile(r"tz=America%2FNew_York&day="))
    day = page.locator(".week-strip a.day:not([aria-current])").last
    day_id = day.get_attribute("id")
    day.click()
    expect(page.locator(f"#{day_id}")).to_have_attribute("aria-current", "date")
    option = page.locator("label.slot-option").first
    slot = option.locator("input").get_attribute("value")
    option.click()
    fill_details(page, "Ola Nordmann", "ola@example.org")
    wait_like_a_person(page)
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/contact/thanks$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Booked: "))).to_contain_text(
        f"{shown_in_new_york(slot)} (America/New York)"
    )
    # The manage page: move by day links and a plain POST, then cancel.
    page.get_by_role("link", name="manage this booking").click()
    expect(page.locator(".zone-note")).to_contain_text("America/New York")
    show_next_week(page)
    page.locator("label.slot-option").first.click()
    new_slot = page.locator("input[name=slot]:checked").get_attribute("value")
    page.get_by_role("button", name="Move my consultation").click()
    expect(page.get_by_text("Moved. Your consultation is now")).to_be_visible()
    [booking] = stored(live_app, Booking)
    assert f"{booking.starts_at:%Y-%m-%dT%H:%MZ}" == new_slot != slot
    page.get_by_role("button", name="Cancel my consultation").click()
    expect(page.get_by_text("Your consultation is cancelled.")).to_be_visible()
    assert stored(live_app, Booking)[0].status == "cancelled"
    context.close()


def test_the_manage_page_moves_and_cancels_in_place_with_htmx(
    phone: BrowserContext, live_server: LiveServer, live_app: Flask
) -> None:
    page = phone.new_page()
    audit = AxeAudit(page)
    page.goto(f"{live_server.url}/contact/?topic=consultation")
    expect(page.locator(".zone-note")).to_contain_text("America/New York")
    wait_for_htmx_to_settle(page)
    show_next_week(page)
    expect(page.locator("#slot-count")).to_contain_text("free time")
    page.locator("label.slot-option").first.click()
    fill_details(page, "Ines Duarte", "ines@example.org")
    wait_like_a_person(page)
    page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="manage this booking").click()
    expect(page.get_by_role("heading", name="Your consultation", level=1)).to_be_visible()
    wait_for_htmx_to_settle(page)
    audit.check("the manage page")
    url = page.url
    other = page.locator(".week-strip a.day:not([aria-current])").first
    day_id = other.get_attribute("id")
    other.click()
    expect(page.locator(f"#{day_id}")).to_have_attribute("aria-current", "date")
    wait_for_htmx_to_settle(page)
    page.locator("label.slot-option").last.click()
    new_slot = page.locator("input[name=slot]:checked").get_attribute("value")
    page.get_by_role("button", name="Move my consultation").click()
    news = page.get_by_role("status").filter(has_text="Moved. Your consultation is now")
    expect(news).to_be_focused()
    audit.check("moved in place")
    [booking] = stored(live_app, Booking)
    assert f"{booking.starts_at:%Y-%m-%dT%H:%MZ}" == new_slot
    page.get_by_role("button", name="Cancel my consultation").click()
    cancelled = page.get_by_role("status").filter(has_text="Your consultation is cancelled.")
    expect(cancelled).to_be_focused()
    expect(page.get_by_text("This consultation is cancelled.")).to_be_visible()
    audit.check("cancelled in place")
    audit.assert_clean()
    assert stored(live_app, Booking)[0].status == "cancelled"
    assert page.url.split("?")[0] == url.split("?")[0]
