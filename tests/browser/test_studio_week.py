"""The coach's week in a real browser, on a laptop and on a phone: red flags first and looking
different, moving a booking with a message, cancelling only after a confirmation, the person
page with its private note, and marking past sessions with htmx."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness import LiveServer, SmtpServer
from harness.browser import axe_report, log_in_to_studio, wait_for_htmx_to_settle
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach
from harness.instants import at
from harness.mail import attachment_named
from harness.studio import add_enquiry

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])


@pytest.fixture
def viewport() -> dict[str, int]:
    """The screen size (tests parametrize it)."""
    return LAPTOP


@pytest.fixture
def coach_tab(
    browser: Browser, live_app: Flask, live_server: LiveServer, viewport: dict[str, int]
) -> Iterator[Page]:
    """A tab of the given size, logged in to the studio; fails on any console error."""
    create_coach(live_app)
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    log_in_to_studio(tab, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    yield tab
    context.close()
    assert errors == []


def book(app: Flask, hours_ahead: float, email: str, name: str) -> int:
    """A confirmed consultation `hours_ahead` from now; returns its id."""
    with app.app_context():
        start = (utcnow() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
        enquiry = add_enquiry(email=email, name=name, booked_at=start)
        db.session.commit()
        booking_id = enquiry.booking.id
        db.session.remove()
        return booking_id


def no_sideways_scroll(tab: Page) -> None:
    """The page fits the screen's width."""
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"scrolls sideways: {width}px"


@SIZES
@at("tue-09:58")
def test_a_red_flag_comes_first_and_looks_different(
    coach_tab: Page, live_app: Flask, live_server: LiveServer
) -> None:
    with live_app.app_context():
        add_enquiry(email="nora@example.com", name="Nora Routine")
        flagged = add_enquiry(email="rita@example.com", name="Rita Redflag")
        flagged.red_flags = "leg_numbness"
        db.session.commit()
        db.session.remove()
    book(live_app, 2, "sam@example.com", "Sam Carter")
    coach_tab.goto(live_server.url + "/studio/")
    alert = coach_tab.locator("section", has=coach_tab.get_by_role("heading", name="Red flags"))
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Rita Redflag")
    expect(alert).to_contain_text("Numbness, tingling or weakness in one or both legs")
    expect(alert).not_to_contain_text("Nora Routine")
    routine = coach_tab.locator(
        "section", has=coach_tab.get_by_role("heading", name="New enquiries")
    )
    expect(routine).to_contain_text("Nora Routine")
    today = coach_tab.get_by_role("heading", name="Today,")
    expect(today).to_be_visible()
    # First on the page, and not dressed like the routine cards.
    assert alert.bounding_box()["y"] < today.bounding_box()["y"] < routine.bounding_box()["y"]
    style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftWidth]"
    assert alert.evaluate(style) != routine.evaluate(style)
    expect(coach_tab.locator(".week-day")).to_have_count(7)
    if coach_tab.viewport_size["width"] >= 1000:  # the week side by side on a laptop
        tops = {
            round(box["y"])
            for box in map(lambda d: d.bounding_box(), coach_tab.locator(".week-day").all())
        }
        assert len(tops) == 1, tops
    no_sideways_scroll(coach_tab)
    # Seen, with htmx: the live region says so, the mark stays.
    alert.get_by_role("button", name="Mark seen").click()
    expect(coach_tab.locator("#studio-news")).to_have_text(f"Marked seen by {COACH_EMAIL}.")
    expect(alert).to_contain_text(f"Seen by {COACH_EMAIL}")
    assert axe_report(coach_tab) == ""


@SIZES
@at("tue-09:58")
def test_the_coach_moves_a_booking_with_a_message(
    coach_tab: Page, live_app: Flask, live_server: LiveServer, browser_smtp: SmtpServer
) -> None:
    book(live_app, 30, "sam@example.com", "Sam Carter")
    coach_tab.goto(live_server.url + "/studio/availability/bookings")
    no_sideways_scroll(coach_tab)
    coach_tab.get_by_role("link", name="Move the consultation with Sam Carter").click()
    expect(coach_tab.get_by_role("heading", level=1)).to_have_text(
        "Move the consultation with Sam Carter"
    )
    # The visitors' picker: another day by htmx, then a time.
    days = coach_tab.locator(".week-strip a.day:not(.is-chosen)")
    if days.count():
        days.first.click()
        wait_for_htmx_to_settle(coach_tab)
    wait_for_htmx_to_settle(coach_tab)
    assert axe_report(coach_tab) == ""
    coach_tab.locator(".slot-option").first.click()
    chosen = coach_tab.locator(".slot-option").first.inner_text().strip()
    coach_tab.get_by_label("Message to the client (optional)").fill(
        "A workshop came up; this time works better for me."
    )
    assert browser_smtp.recorder.received == []
    coach_tab.get_by_role("button", name="Move and email Sam Carter").click()
    expect(coach_tab.locator(".flash")).to_contain_text("Moved the consultation with Sam Carter")
    [mail] = browser_smtp.recorder.wait_for(1)
    assert mail.rcpt_tos == ["sam@example.com"]
    plain = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    for body in (plain, html):
        assert "A workshop came up; this time works better for me." in body
        # the new time, on the client's clock (24 hours, as booked), whatever the coach's shows
        assert _on_24_hour_clock(chosen) in body
    invite = attachment_named(mail.message, ".ics").decode()
    assert "SEQUENCE:1" in invite and "METHOD:REQUEST" in invite


@SIZES
@at("tue-09:58")
def test_cancel_shows_a_confirmation_before_anything_is_sent(
    coach_tab: Page, live_app: Flask, live_server: LiveServer, browser_smtp: SmtpServer
) -> None:
    book(live_app, 30, "sam@example.com", "Sam Carter")
    coach_tab.goto(live_server.url + "/studio/availability/bookings")
    coach_tab.get_by_role("link", name="Cancel the consultation with Sam Carter").click()
    expect(coach_tab.get_by_role("heading", level=1)).to_have_text(
        "Cancel the consultation with Sam Carter?"
    )
    expect(coach_tab.get_by_text("Nothing has been sent yet.")).to_be_visible()
    assert axe_report(coach_tab) == ""
    time.sleep(0.5)  # the background sender would have delivered by now
    assert browser_smtp.recorder.received == []
    coach_tab.get_by_label("Message to the client (optional)").fill("I am ill, so sorry.")
    coach_tab.get_by_role("button", name="Yes, cancel and email Sam Carter").click()
    expect(coach_tab.locator(".flash")).to_contain_text("Cancelled the consultation with Sam")
    expect(coach_tab.get_by_text("No consultations booked.")).to_be_visible()
    [mail] = browser_smtp.recorder.wait_for(1)
    rebook = f"{live_server.url}/contact/?topic=consultation"
    for kind in ("plain", "html"):
        body = mail.message.get_body((kind,)).get_content()
        assert rebook in body and "I am ill, so sorry." in body
    assert "SEQUENCE:1" in attachment_named(mail.message, ".ics").decode()


@SIZES
def test_the_person_page_shows_what_they_told_us_and_keeps_a_note(
    coach_tab: Page, live_app: Flask, live_server: LiveServer
) -> None:
    with live_app.app_context():
        program = db.session.scalars(db.select(Program).limit(1)).one()
        db.session.add(
            Signup(
                program=program,
                name="Sam Carter",
                email="sam@example.com",
                goals="Garden all afternoon without a sore back",
                history="Two flare-ups this year",
                consent_health_data=True,
            )
        )
        db.session.commit()
        title = program.title
        db.session.remove()
    book(live_app, 24 * 6, "sam@example.com", "Sam Carter")
    coach_tab.goto(live_server.url + "/studio/availability/bookings")
    coach_tab.get_by_role("link", name="Sam Carter", exact=True).click()
    expect(coach_tab.get_by_role("heading", level=1)).to_have_text("Sam Carter")
    expect(coach_tab.get_by_text("Garden all afternoon without a sore back")).to_be_visible()
    expect(coach_tab.get_by_text("Two flare-ups this year")).to_be_visible()
    consultations = coach_tab.locator(
        "section", has=coach_tab.get_by_role("heading", name="Consultations")
    )
    expect(consultations).to_contain_text("Booked")
    expect(
        coach_tab.locator("section", has_text="Programs").get_by_role("link", name=title)
    ).to_be_visible()
    expect(coach_tab.get_by_role("heading", name="Plan and session log")).to_be_visible()
    coach_tab.get_by_role("textbox", name="Private note").fill(
        "Worried about bending; start with hinges."
    )
    coach_tab.get_by_role("button", name="Keep the note").click()
    assert axe_report(coach_tab) == ""
    expect(coach_tab.locator(".note-body")).to_have_text(
        "Worried about bending; start with hinges."
    )
    no_sideways_scroll(coach_tab)


@at("tue-09:58")
def test_past_sessions_are_marked_in_place_and_focus_moves_on(
    coach_tab: Page, live_app: Flask, live_server: LiveServer
) -> None:
    book(live_app, -30, "ann@example.com", "Ann Early")
    book(live_app, -50, "bo@example.com", "Bo Earlier")
    coach_tab.goto(live_server.url + "/studio/")
    first = coach_tab.locator("li.past-session", has_text="Ann Early")
    first.get_by_role("button", name="Attended").click()
    expect(coach_tab.locator("#studio-news")).to_have_text("Ann Early: marked attended.")
    expect(first.locator(".attendance-state")).to_have_text("Attended")
    # The focus moves once htmx has settled the row, just after the news is spoken.
    coach_tab.wait_for_function(
        "() => (document.activeElement.closest('li') || {}).innerText?.includes('Bo Earlier')"
    )


@at("tue-09:58")
def test_cancel_asks_first_without_javascript(
    browser: Browser, live_app: Flask, live_server: LiveServer, browser_smtp: SmtpServer
) -> None:
    create_coach(live_app)
    book(live_app, 30, "sam@example.com", "Sam Carter")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        log_in_to_studio(tab, live_server.url, COACH_EMAIL, COACH_PASSWORD)
        tab.goto(live_server.url + "/studio/availability/bookings")
        tab.get_by_role("link", name="Cancel the consultation with Sam Carter").click()
        expect(tab.get_by_text("Nothing has been sent yet.")).to_be_visible()
        assert browser_smtp.recorder.received == []
        tab.get_by_role("link", name="No, keep it").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Upcoming consultations")
        tab.get_by_role("link", name="Cancel the consultation with Sam Carter").click()
        tab.get_by_role("button", name="Yes, cancel and email Sam Carter").click()
        expect(tab.locator(".flash")).to_contain_text("Cancelled the consultation with Sam")
        [mail] = browser_smtp.recorder.wait_for(1)
        assert mail.rcpt_tos == ["sam@example.com"]
    finally:
        context.close()


def _on_24_hour_clock(shown: str) -> str:
    """'1:00 PM' or '13:00' as '13:00'."""
    for pattern in ("%I:%M %p", "%H:%M"):
        try:
            return datetime.strptime(shown, pattern).strftime("%H:%M")
        except ValueError:
            continue
    raise AssertionError(f"not a time: {shown!r}")
