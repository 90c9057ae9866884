"""Subscribing from the end of an article in a real Chromium, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from blueprints.newsletter.models import Subscriber
from blueprints.shared.extensions import db
from harness import LiveServer, SmtpServer
from harness.browser import AxeAudit, log_in_to_studio
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

pytestmark = pytest.mark.browser

ARTICLE_PATH = "/blog/lying-still-wont-settle-your-back"


def stored_subscribers(app: Flask) -> dict[str, str]:
    """Address -> state, read in a fresh transaction."""
    with app.app_context():
        rows = dict(db.session.execute(select(Subscriber.email, Subscriber.status)).all())
        db.session.remove()
    return rows  # type: ignore[return-value]


def test_subscribing_from_an_article_with_htmx_answers_in_place_and_stays_accessible(
    page: Page, live_server: LiveServer, live_app: Flask, browser_smtp: SmtpServer
) -> None:
    audit = AxeAudit(page)
    page.goto(live_server.url + ARTICLE_PATH)
    form = page.locator("#newsletter-form")
    audit.check("the article with its subscribe form")

    form.get_by_label("Your email").fill("not an address")
    form.get_by_role("button", name="Subscribe").click()
    expect(form.locator("#newsletter-email-error")).to_contain_text("doesn't look like an email")
    expect(form.get_by_label("Your email")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(live_server.url + ARTICLE_PATH)
    audit.check("an address refused")

    form.get_by_label("Your email").fill("Ola.Nordmann@Example.no")
    page.wait_for_timeout(600)  # a human takes longer than the spam timer (0.5 s here)
    form.get_by_role("button", name="Subscribe").click()
    expect(form.get_by_role("status")).to_contain_text("confirmation link is on its way")
    expect(form.get_by_label("Your email")).to_have_value("")
    expect(page).to_have_url(live_server.url + ARTICLE_PATH)  # swapped in place
    audit.check("thanked in place")
    audit.assert_clean()

    [mail] = browser_smtp.recorder.wait_for(1)
    assert mail.rcpt_tos == ["ola.nordmann@example.no"]
    assert stored_subscribers(live_app) == {"ola.nordmann@example.no": "pending"}

    # The confirmation link from the email, in the same browser: one button, then subscribed.
    text = mail.message.get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/newsletter/confirm/\S+", text).group(0)
    page.goto(re.sub(r"^http://[^/]+", live_server.url, link))
    page.get_by_role("button", name="Yes, email me new articles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're subscribed")
    assert stored_subscribers(live_app) == {"ola.nordmann@example.no": "confirmed"}


def test_without_javascript_the_subscribe_form_still_works(
    page_without_js: Page, live_server: LiveServer, live_app: Flask
) -> None:
    page = page_without_js
    page.goto(live_server.url + ARTICLE_PATH)
    form = page.locator("#newsletter-form")
    form.get_by_label("Your email").fill("nope")
    form.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#newsletter-email-error")).to_be_visible()  # the page of its own

    page.get_by_label("Your email").fill("kari@example.no")
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Subscribe").click()
    expect(page).to_have_url(live_server.url + "/newsletter/check-your-inbox")
    expect(page.get_by_role("status")).to_contain_text("confirmation link is on its way")
    assert stored_subscribers(live_app) == {"kari@example.no": "pending"}


def test_the_studios_newsletter_page_and_dashboard_stay_accessible(
    page: Page, live_server: LiveServer, live_app: Flask
) -> None:
    create_coach(live_app)
    with live_app.app_context():
        for n, status in enumerate(("confirmed", "pending", "unsubscribed")):
            db.session.add(Subscriber(email=f"reader{n}@example.org", key=f"k{n}", status=status))
        db.session.commit()
        db.session.remove()
    audit = AxeAudit(page)
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    expect(page.get_by_role("heading", name="Last newsletter")).to_be_visible()
    audit.check("the dashboard")
    page.get_by_role("link", name="Newsletter", exact=True).click()
    expect(page.get_by_text("1 confirmed")).to_be_visible()
    audit.check("the newsletter page")
    page.get_by_role("link", name=re.compile(r"^Remove")).click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Removed reader0@example.org from the newsletter.")).to_be_visible()
    audit.check("after removing a subscriber")
    audit.assert_clean()
