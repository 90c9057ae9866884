"""A visitor signs up for a program (and later cancels) in a real Chromium."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from blueprints.programs.models import Program, Signup
from blueprints.shared.extensions import db
from harness import LiveServer, SmtpServer
from harness.browser import fill_signup_form

pytestmark = pytest.mark.browser

COURSE = "Back Basics: six-week small-group course"


def signups(app: Flask) -> list[tuple[str, str, int | None]]:
    """(email, status, waitlist position) of every signup."""
    with app.app_context():
        rows = db.session.execute(
            select(Signup.email, Signup.status, Signup.waitlist_position).order_by(Signup.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_sign_up_with_htmx_get_the_email_and_cancel_from_its_link(
    page: Page, live_server: LiveServer, live_app: Flask, browser_smtp: SmtpServer
) -> None:
    page.goto(live_server.url + "/programs/")
    page.get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(page.locator("#places-left")).to_have_text("10 places left")
    expect(page.locator("a[href='/drills/cat-cow']").first).to_be_visible()

    fill_signup_form(page, "robin@example.com")
    page.wait_for_timeout(600)  # a human takes longer than the spam timer (0.5 s here)
    page.get_by_role("button", name="Sign up").click()
    # htmx swapped in the refusal: the message sits by the box, what was typed is kept
    expect(page.locator("#consent-error")).to_contain_text("Please agree to this")
    expect(page.get_by_label("Email")).to_have_value("robin@example.com")
    assert signups(live_app) == []

    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status")).to_contain_text("Your signup has arrived")
    expect(page.locator("#places-left")).to_have_text("9 places left")
    expect(page).to_have_url(live_server.url + "/programs/back-basics-group-course")
    assert signups(live_app) == [("robin@example.com", "confirmed", None)]

    browser_smtp.recorder.wait_for(2)
    [mail] = browser_smtp.recorder.to("robin@example.com")
    assert mail.message["Subject"] == f"Your place on {COURSE} is confirmed"
    body = mail.message.get_body(("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/programs/cancel/\S+", body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your place?")
    assert signups(live_app) == [("robin@example.com", "confirmed", None)]
    page.get_by_role("button", name="Yes, cancel my place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signup is cancelled")
    assert signups(live_app) == [("robin@example.com", "cancelled", None)]


def test_without_javascript_a_full_program_puts_you_on_the_waitlist(
    page_without_js: Page, live_server: LiveServer, live_app: Flask
) -> None:
    with live_app.app_context():
        program = db.session.scalars(select(Program).where(Program.title == COURSE)).one()
        program.capacity = 0
        db.session.commit()
    page = page_without_js
    page.goto(live_server.url + "/programs/back-basics-group-course")
    expect(page.locator("#places-left")).to_have_text("Full: new signups join the waitlist")

    fill_signup_form(page, "not an address")
    page.get_by_role("checkbox").check()
    page.wait_for_timeout(600)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Join the waitlist").click()
    assert navigation.value.status == 422
    expect(page.locator("#email-error")).to_have_text("That does not look like an email address.")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    assert signups(live_app) == []

    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("status")).to_contain_text("Your signup has arrived")
    expect(page).to_have_url(live_server.url + "/programs/back-basics-group-course#signup")
    assert signups(live_app) == [("sam@example.com", "waitlisted", 1)]
