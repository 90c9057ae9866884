"""Accessibility in a real Chromium: axe-core after every htmx swap, and booking by keyboard."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from harness import LiveServer, stored
from harness.browser import (
    AxeAudit,
    Keyboard,
    log_in_to_studio,
    wait_for_htmx_to_settle,
)
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

pytestmark = pytest.mark.browser

ARTICLE_PATH = "/blog/lying-still-wont-settle-your-back"
PROGRAM_PATH = "/programs/back-basics-group-course"


def test_drill_filters_and_more_stay_accessible(page: Page, live_server: LiveServer) -> None:
    audit = AxeAudit(page)
    page.goto(live_server.url + "/drills/")
    count = page.locator("#drill-count")
    page.get_by_role("checkbox", name=re.compile(r"^Rotation\b")).check()
    expect(count).to_have_text("4 drills match.")
    audit.check("a direction chosen")

    page.get_by_role("checkbox", name="No equipment").check()
    expect(count).to_have_text("3 drills match.")
    audit.check("an equipment filter added")

    page.get_by_role("link", name="Clear the filters").click()
    page.get_by_role("link", name="More drills").click()
    expect(page.locator(".drill-card")).to_have_count(16)
    audit.check("more drills appended")
    audit.assert_clean()


def test_blog_search_as_you_type_stays_accessible(page: Page, live_server: LiveServer) -> None:
    audit = AxeAudit(page)
    page.goto(live_server.url + "/blog/")
    page.get_by_label("Search the articles").press_sequentially("deadlif", delay=40)
    expect(page.locator("#listing").get_by_role("status")).to_have_text(
        re.compile(r"^3 articles mention")
    )
    audit.check("results for a search")

    page.get_by_label("Search the articles").fill("zzqx")
    expect(page.locator("#listing").get_by_role("status")).to_contain_text("zzqx")
    audit.check("no results for a search")
    audit.assert_clean()


def test_comment_errors_and_thanks_stay_accessible(page: Page, live_server: LiveServer) -> None:
    audit = AxeAudit(page)
    page.goto(live_server.url + ARTICLE_PATH)
    form = page.locator("#comment-form")
    form.get_by_role("button", name="Send comment").click()
    expect(form.locator("#comment-name-error")).to_be_visible()
    expect(form.get_by_label("Your name")).to_be_focused()  # the first field to put right
    audit.check("comment refused, errors inline")

    form.get_by_label("Your name").fill("Tomasz")
    form.get_by_label("Your comment").fill("The next-morning check is a great rule of thumb.")
    page.wait_for_timeout(600)  # slower than the spam timer
    form.get_by_role("button", name="Send comment").click()
    expect(form.get_by_role("status")).to_contain_text("awaiting approval")
    expect(form.get_by_role("status")).to_be_focused()
    audit.check("comment received")
    audit.assert_clean()


def test_contact_errors_and_consultation_times_stay_accessible(
    page: Page, live_server: LiveServer
) -> None:
    audit = AxeAudit(page)
    page.goto(live_server.url + "/contact/")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.get_by_label("Your name")).to_be_focused()
    audit.check("enquiry refused, errors inline")

    page.get_by_label("What is it about?").select_option("consultation")
    expect(page.locator("input[name=slot]").first).to_be_visible()
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone").replace("_", " ")
    expect(page.locator(".zone-note")).to_contain_text(f"Times are shown in {zone} time")
    audit.check("consultation times shown")

    page.get_by_label("Show times in").select_option("Asia/Tokyo")
    expect(page.locator(".zone-note")).to_contain_text("Times are shown in Asia/Tokyo time")
    audit.check("times shown in another zone")

    page.get_by_role("button", name="Send").click()
    expect(page.locator("#slot-error")).to_be_visible()
    audit.check("booking refused, errors inline")
    audit.assert_clean()


def test_program_signup_errors_and_confirmation_stay_accessible(
    page: Page, live_server: LiveServer
) -> None:
    audit = AxeAudit(page)
    page.goto(live_server.url + PROGRAM_PATH)
    # How visible "Sending…" is the moment the answer has settled in: htmx carries the form's
    # htmx-request class over to the new form for its settle, and a fade out from there left
    # faint text on the answer (axe, now and then: 1.29:1).
    page.evaluate(
        """() => document.body.addEventListener('htmx:afterSettle', () => {
            const note = document.querySelector('#signup .htmx-indicator');
            window.sendingOpacityOnAnswer = note && getComputedStyle(note).opacity;
        })"""
    )
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.get_by_label("Your name")).to_be_focused()
    assert page.evaluate("window.sendingOpacityOnAnswer") == "0"
    audit.check("signup refused, errors inline")

    page.get_by_label("Your name").fill("Robin Carter")
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("What would you like to be able to do?").fill("Garden all afternoon.")
    page.get_by_label("Your back-pain history").fill("Sciatica two years ago.")
    page.get_by_role("checkbox").check()
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status")).to_contain_text("Your signup has arrived")
    expect(page.get_by_role("status")).to_be_focused()
    audit.check("signup confirmed")
    audit.assert_clean()


def test_studio_live_preview_stays_accessible(
    page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    audit = AxeAudit(page)
    create_coach(live_app)
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    page.goto(live_server.url + "/studio/articles/new")
    audit.check("the empty editor")
    page.get_by_label("Article", exact=True).fill(
        "## Move it\n\nGently, every morning.\n\n[[drill:cat-cow]]\n\n[[drill:no-such-drill]]"
    )
    preview = page.locator("#article-preview")
    expect(preview.locator(".drill-embed")).to_be_visible()
    expect(preview.locator(".embed-warning")).to_contain_text("no-such-drill")
    audit.check("the live preview with a drill card and a warning")
    audit.assert_clean()


def test_booking_from_an_article_with_the_keyboard_alone(
    page: Page, live_server: LiveServer, live_app: Flask
) -> None:
    keys = Keyboard(page)
    page.goto(live_server.url + ARTICLE_PATH)
    keys.tab_to("aside.cta a", most=60)
    expect(page.locator(":focus")).to_have_text("Book a consultation")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contact/\?topic=consultation"))
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone").replace("_", " ")
    expect(page.locator(".zone-note")).to_contain_text(f"Times are shown in {zone} time")
    wait_for_htmx_to_settle(page)

    keys.tab_to("#name", most=12)
    page.keyboard.type("Dana Whitfield")
    keys.tab()
    keys.expect_focus("#email")
    page.keyboard.type("dana@example")  # a slip: the server refuses it
    keys.tab_to("input[name=slot]", most=14)  # past the zone chooser and the days
    page.keyboard.press("Space")
    keys.tab("ArrowRight")  # the next time along, checked as the focus moves
    chosen = page.locator("input[name=slot]:checked")
    expect(chosen).to_have_count(1)
    slot = chosen.get_attribute("value")
    keys.tab()
    keys.expect_focus("input[name=format]")
    page.keyboard.press("Space")
    keys.tab()
    keys.expect_focus("#reason")
    page.keyboard.type("Sharp pain bending to tie my shoes.")
    keys.tab()
    keys.expect_focus("#pain_duration")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    for question in ("leg_numbness", "bladder_bowel", "weight_loss", "recent_trauma"):
        keys.tab()
        keys.expect_focus(f"input[name={question}]")
        page.keyboard.press("Space")  # "No" comes first
    keys.tab()
    keys.expect_focus("#message")
    keys.tab()
    expect(page.locator(":focus")).to_have_text("Send")
    page.keyboard.press("Enter")

    # Refused: the focus goes to the field to fix, and nothing typed is lost.
    expect(page.locator("#email-error")).to_be_visible()
    keys.expect_focus("#email")
    keys.check_focus()
    expect(page.locator(f"input[name=slot][value='{slot}']")).to_be_checked()
    expect(page.locator("#pain_duration")).to_have_value("6_weeks_3_months")
    page.keyboard.press("Control+A")
    page.keyboard.type("dana@example.org")
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", name=re.compile(r"^Booked: "))
    expect(heading).to_be_visible()
    expect(page.locator("#contact-panel")).to_be_focused()  # the answer, read out first
    keys.check_focus()
    keys.tab_to("#contact-panel a", most=3)
    expect(page.locator(":focus")).to_have_text("manage this booking")
    audit = AxeAudit(page)
    audit.check("booking confirmed")
    audit.assert_clean()
    [booking] = stored(live_app, Booking)
    assert f"{booking.starts_at:%Y-%m-%dT%H:%MZ}" == slot
    [enquiry] = stored(live_app, Enquiry)
    assert (enquiry.email, enquiry.pain_duration, enquiry.red_flags, booking.format) == (
        "dana@example.org",
        "6_weeks_3_months",
        "",
        "video",
    )
