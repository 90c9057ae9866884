"""The coach's journey in a real browser: log in, write with a live preview, publish, read it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import insert, select

from blueprints.contact.models import Enquiry
from blueprints.shared.extensions import db
from harness import LiveServer
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

pytestmark = pytest.mark.browser

BODY = (
    "Sitting all day leaves the spine stiff in flexion. Move it the other way, gently.\n\n"
    "[[drill:cat-cow]]\n\n"
    "[[drill:drill-that-does-not-exist]]\n\n"
    "Do ten slow rounds every morning."
)


def test_coach_writes_previews_and_publishes_an_article(
    page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    create_coach(live_app)
    page.goto(live_server.url + "/studio/articles/new")
    expect(page).to_have_url(re.compile(r"/studio/login\?next="))
    page.get_by_label("Email").fill(COACH_EMAIL)
    page.get_by_label("Password").fill(COACH_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New article")

    page.get_by_label("Title").fill("Undo the chair")
    page.get_by_label("Summary for lists and search results").fill("Ten slow rounds a day.")
    page.get_by_label("Article", exact=True).fill(BODY)
    preview = page.locator("#article-preview")
    # The live preview (htmx, after a pause in typing) renders the drill card...
    card = preview.locator(".drill-embed")
    expect(card).to_be_visible()
    expect(card.get_by_role("heading", name="Cat-cow")).to_be_visible()
    expect(preview).to_contain_text("Do ten slow rounds every morning.")
    # ...and warns about the slug that matches no drill.
    expect(preview.locator(".embed-warning")).to_contain_text("drill-that-does-not-exist")

    # Fix the typo, and the warning goes away on the next preview.
    page.get_by_label("Article", exact=True).fill(
        BODY.replace("[[drill:drill-that-does-not-exist]]\n\n", "")
    )
    expect(preview.locator(".embed-warning")).to_have_count(0)
    expect(card).to_be_visible()

    page.get_by_label("Published: visible now").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Saved \u201cUndo the chair\u201d")
    expect(page.get_by_label("Published: visible now")).to_be_checked()

    page.goto(live_server.url + "/blog/")
    page.get_by_role("link", name="Undo the chair").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo the chair")
    expect(page.locator("article .drill-embed")).to_contain_text("Cat-cow")
    expect(page.locator("article")).to_contain_text("Do ten slow rounds every morning.")


def test_coach_pages_the_inbox_and_archives_an_enquiry_in_place(
    page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    create_coach(live_app)
    with live_app.app_context():
        base = datetime(2026, 11, 20, 9, 0)
        db.session.execute(
            insert(Enquiry),
            [
                {"name": f"Person {n}", "email": f"p{n}@example.com", "status": "new",
                 "created_at": base + timedelta(minutes=n // 7)}
                for n in range(60)
            ],
        )  # fmt: skip
        db.session.commit()
    page.goto(live_server.url + "/studio/inbox")
    page.get_by_label("Email").fill(COACH_EMAIL)
    page.get_by_label("Password").fill(COACH_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    rows = page.locator("#enquiries tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("Person 59")  # newest first

    # Archive with htmx: the row is replaced in place, the page does not move.
    row = page.locator("#enquiries tr", has_text="Person 59")
    row.get_by_role("button", name="Archive").click()
    expect(row.locator(".status")).to_have_text("Archived")
    expect(page).to_have_url(live_server.url + "/studio/inbox")
    with live_app.app_context():
        status = db.session.scalar(select(Enquiry.status).where(Enquiry.name == "Person 59"))
    assert status == "archived"

    # "Older" is a plain link to the rest, by key: the ten after the fiftieth shown.
    page.get_by_role("link", name="Older").click()
    expect(page).to_have_url(re.compile(r"/studio/inbox\?status=new&after="))
    expect(rows).to_have_count(10)
    expect(rows.last).to_contain_text("Person 0")
    expect(page.get_by_role("link", name="Older")).to_have_count(0)
    page.get_by_role("link", name="Newest").click()
    expect(rows.first).to_contain_text("Person 58")  # Person 59 is archived now
    expect(page.locator("#enquiries")).not_to_contain_text("Person 59")
