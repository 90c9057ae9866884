"""Booking a consultation in a real Chromium: from an article, with htmx, and without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect
from sqlalchemy import select

from blueprints.blog.models import Post
from blueprints.booking.models import Booking
from blueprints.booking.slots import slot_value
from blueprints.contact.models import Enquiry
from blueprints.shared.extensions import db
from blueprints.shared.hours import clock_time
from harness import LiveServer, SmtpServer, attachment_named, stored
from harness.browser import (
    EXPECTED_CLIENT_ERROR,
    RED_FLAG_QUESTIONS,
    fill_intake,
    wait_like_a_person,
)
from harness.contact import changeable_starts
from harness.instants import clock_marks

# Booking reads "now" (free times, the cut-off): every journey runs at a late-evening instant, one
# whose first free time is inside the cut-off, and the repeated hour of the autumn clock change;
# the clock fixture moves the live server's threads too.
pytestmark = [pytest.mark.browser, *clock_marks("tue-05:58", "tue-21:58", "autumn-01:30")]


@pytest.fixture
def new_york_page(browser: Browser) -> Iterator[Page]:
    """A tab whose clock is in New York; fails the test on any console error."""
    context = browser.new_context(timezone_id="America/New_York")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_CLIENT_ERROR.search(message.text):
            errors.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def book_first_free_time(page: Page, name: str, email: str, meeting: str) -> str:
    """Pick the first time offered, fill in the rest and send; returns the time as shown."""
    return book_time(page, page.locator("label.slot-option").first, name, email, meeting)


def book_time(page: Page, option: Locator, name: str, email: str, meeting: str) -> str:
    """Pick the time `option` offers, fill in the rest and send; returns the time as shown."""
    shown = option.inner_text().strip()
    option.click()
    expect(option.locator("input[name=slot]")).to_be_checked()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your email").fill(email)
    page.get_by_role("group", name="How would you like to meet?").get_by_label(meeting).check()
    fill_intake(page)
    wait_like_a_person(page)
    page.get_by_role("button", name="Send").click()
    return shown


def test_from_an_article_to_a_booked_consultation_and_its_email(
    new_york_page: Page, live_server: LiveServer, live_app: Flask, browser_smtp: SmtpServer
) -> None:
    page = new_york_page
    with live_app.app_context():
        slug = db.session.scalars(select(Post.slug)).first()
    page.goto(f"{live_server.url}/blog/{slug}")
    link = page.locator("aside.cta").get_by_role("link", name="Book a consultation")
    expect(link).to_have_attribute("href", f"/contact/?topic=consultation&context=article:{slug}")
    link.click()
    expect(page.get_by_label("What is it about?")).to_have_value("consultation")
    expect(page.get_by_text("You are writing about the article")).to_be_visible()
    # The article visit remembered the browser's zone: the page came in it from the server.
    expect(page.locator(".zone-note")).to_contain_text("Times are shown in America/New York time")
    expect(page.locator(".zone-note")).to_contain_text("Maya Lindqvist works on Europe/London time")
    slot = page.locator("input[name=slot]").first.get_attribute("value")
    shown = book_first_free_time(page, "Dana Whitfield", "dana@example.org", "Video call")

    heading = page.get_by_role("heading", name=re.compile(r"^Booked: "))
    expect(heading).to_contain_text(f"{shown} (America/New York)")
    expect(page.get_by_role("link", name="manage this booking")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/contact/\?"))  # swapped in place, no navigation
    [booking] = stored(live_app, Booking)
    assert f"{booking.starts_at:%Y-%m-%dT%H:%MZ}" == slot
    local = booking.starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    # The visitor's clock: the hours cookie the page's script set from the browser's settings.
    hours = next(c["value"] for c in page.context.cookies() if c["name"] == "hours")
    assert clock_time(local, hours) == shown and booking.visitor_timezone == "America/New_York"
    assert booking.visitor_hours == hours

    browser_smtp.recorder.wait_for(2)
    [confirmation] = browser_smtp.recorder.to("dana@example.org")
    assert confirmation.message["Subject"].strip().endswith(f"{shown} (America/New York)")
    assert f"UID:{booking.uid}".encode() in attachment_named(confirmation.message, ".ics")
    [to_coach] = browser_smtp.recorder.to("coach@example.com")
    assert to_coach.message["Reply-To"] == "dana@example.org"


def test_mistakes_are_shown_in_place_and_a_red_flag_does_not_book(
    page: Page, live_server: LiveServer, live_app: Flask
) -> None:
    page.goto(f"{live_server.url}/contact/")
    expect(page.locator("input[name=slot]")).to_have_count(0)
    page.get_by_label("What is it about?").select_option("consultation")
    expect(page.locator("input[name=slot]").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"topic=consultation"))
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone").replace("_", " ")
    expect(page.locator(".zone-note")).to_contain_text(f"Times are shown in {zone} time")
    page.get_by_label("Your name").fill("Sam Ortiz")
    page.get_by_label("Your email").fill("sam@example")
    page.get_by_role("button", name="Send").click()

    email_error = page.locator("#email-error")
    expect(email_error).to_contain_text("does not look like an email address")
    expect(page.get_by_label("Your email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reason-error")).to_contain_text("what brings you")
    expect(page.get_by_label("Your name")).to_have_value("Sam Ortiz")

    page.get_by_label("Your email").fill("sam@example.org")
    advice = page.get_by_text("please see a doctor or physiotherapist before we work together")
    expect(advice).to_be_hidden()
    fill_intake(page, red_flag=RED_FLAG_QUESTIONS[1])
    expect(advice).to_be_visible()
    wait_like_a_person(page)
    page.get_by_role("button", name="Send").click()
    expect(
        page.get_by_role("heading", name="Please see a clinician before we book")
    ).to_be_visible()
    expect(page.get_by_text("No consultation has been booked.")).to_be_visible()
    [enquiry] = stored(live_app, Enquiry)
    assert (enquiry.email, enquiry.red_flags) == ("sam@example.org", "bladder_bowel")
    assert stored(live_app, Booking) == []


def test_without_javascript_a_visitor_books_in_their_zone_and_cancels(
    page_without_js: Page, live_server: LiveServer, live_app: Flask
) -> None:
    page = page_without_js
    page.goto(f"{live_server.url}/contact/?topic=consultation")
    expect(page.locator(".zone-note")).to_contain_text("Times are shown in Europe/London time")
    page.get_by_label("Show times in").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Show times").click()
    expect(page).to_have_url(re.compile(r"tz=Asia%2FTokyo"))
    expect(page.locator(".zone-note")).to_contain_text("Times are shown in Asia/Tokyo time")
    # A time beyond the 24-hour cut-off, so that it can still be cancelled online.
    start = changeable_starts(live_app)[0]
    value = slot_value(start)
    tokyo_day = start.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo")).date()
    # Day first: follow the week strip's link to that day (a plain link without JavaScript).
    page.goto(f"{live_server.url}/contact/?topic=consultation&tz=Asia/Tokyo&day={tokyo_day}")
    option = page.locator("label.slot-option").filter(has=page.locator(f'input[value="{value}"]'))
    shown = book_time(page, option, "Kenji Sato", "kenji@example.org", "In person")

    expect(page).to_have_url(re.compile(r"/contact/thanks$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Booked: "))).to_contain_text(
        f"{shown} (Asia/Tokyo)"
    )
    page.get_by_role("link", name="manage this booking").click()
    expect(page.get_by_role("heading", name="Your consultation", level=1)).to_be_visible()
    page.get_by_role("button", name="Cancel my consultation").click()
    expect(page.get_by_text("Your consultation is cancelled.")).to_be_visible()
    [booking] = stored(live_app, Booking)
    assert (booking.status, booking.format, booking.visitor_timezone) == (
        "cancelled",
        "in_person",
        "Asia/Tokyo",
    )
