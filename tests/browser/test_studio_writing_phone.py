"""The coach runs her week from the studio, in Chromium, on a laptop and on her phone (390x844):
she puts a drill in an article without typing its address, reads and test-sends a newsletter
before confirming it, works the inbox, bookings and signups lists with every button in view,
and does it all with the keyboard; axe finds nothing on any studio page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from blueprints.programs.models import Program
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness import LiveServer, SmtpServer
from harness.browser import AxeAudit, Keyboard, log_in_to_studio, wait_for_htmx_to_settle
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach
from harness.newsletter import add_confirmed
from harness.studio import add_comment, add_enquiry, add_post, add_signup

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
PEOPLE = ("Ines Moreau", "Tomas Berg", "Ada Okafor")
STUDIO_PAGES = (
    "/studio/",
    "/studio/articles",
    "/studio/articles/new",
    "/studio/drills",
    "/studio/programs",
    "/studio/clients",
    "/studio/availability",
    "/studio/availability/bookings",
    "/studio/calendar",
    "/studio/inbox",
    "/studio/inbox/comments",
    "/studio/newsletter",
    "/studio/outbox",
    "/studio/export",
    "/studio/erase",
)


def a_busy_week(app: Flask) -> int:
    """Enquiries with bookings, signups on a program, a comment, two readers; the program's id."""
    add_confirmed(app, 2)
    create_coach(app)
    with app.app_context():
        start = utcnow().replace(microsecond=0) + timedelta(days=2)
        for n, name in enumerate(PEOPLE):
            email = name.split()[0].lower() + "@example.com"
            add_enquiry(email=email, name=name, booked_at=start + timedelta(hours=n))
        program = db.session.scalars(select(Program).order_by(Program.id)).first()
        for name in PEOPLE:
            add_signup(program, name.split()[0].lower() + ".s@example.com")
        add_comment(add_post("Walking after sitting"), "reader@example.com")
        db.session.commit()
        return program.id


def log_in(page: Page, live_server: LiveServer) -> None:
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)


def test_she_inserts_a_drill_without_typing_its_address(
    page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    create_coach(live_app)
    log_in(page, live_server)
    page.goto(live_server.url + "/studio/articles/new")
    article = page.get_by_label("Article", exact=True)
    article.fill("Start on all fours.\nKeep the neck long.")
    article.evaluate("area => area.setSelectionRange(19, 19)")  # after the first sentence

    page.get_by_text("Insert a drill", exact=True).click()
    page.get_by_label("Drill name").fill("cat")
    choices = page.locator("#drill-choices")
    expect(page.locator("#drill-choices-count")).to_contain_text("\u201ccat\u201d in the name")
    expect(choices).to_contain_text("Cat-cow")
    expect(choices.get_by_text("Paste this line").first).to_be_hidden()  # a button, not a code
    choices.get_by_role("button", name="Insert Cat-cow").click()

    expect(article).to_have_value("Start on all fours.\n\n[[drill:cat-cow]]\n\nKeep the neck long.")
    expect(article).to_be_focused()
    expect(page.locator("#studio-announce")).to_have_text("Inserted Cat-cow into the article.")
    expect(page.locator("#article-preview .drill-embed")).to_contain_text("Cat-cow")


def test_without_javascript_the_picker_shows_the_line_to_paste(
    page_without_js: Page, live_app: Flask, live_server: LiveServer
) -> None:
    page = page_without_js
    create_coach(live_app)
    log_in(page, live_server)
    # In the editor the list shows each drill's line to paste, and no button that cannot work.
    page.goto(live_server.url + "/studio/articles/new")
    page.get_by_text("Insert a drill", exact=True).click()
    expect(page.get_by_text("[[drill:cat-cow]]")).to_be_visible()
    expect(page.get_by_role("button", name="Insert Cat-cow")).to_be_hidden()
    # Find opens the search on a page of its own, in a new tab (the article stays as it is).
    page.goto(live_server.url + "/studio/articles/drills-to-insert?drill_name=cat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Insert a drill")
    expect(page.locator("#drill-choices")).to_contain_text(
        "Cat-cow Paste this line into the article: [[drill:cat-cow]]"
    )


def test_she_reads_test_sends_and_confirms_a_newsletter(
    page: Page, live_app: Flask, live_server: LiveServer, browser_smtp: SmtpServer
) -> None:
    a_busy_week(live_app)
    log_in(page, live_server)
    page.goto(live_server.url + "/studio/articles/new")
    page.get_by_label("Title").fill("Unstick the mornings")
    page.get_by_label("Summary for lists and search results").fill("Five minutes before coffee.")
    page.get_by_label("Article", exact=True).fill("Roll out of bed slowly.")
    page.get_by_label("Published: visible now").check()
    page.get_by_label("Email it to newsletter readers").check()
    page.get_by_role("button", name="Save", exact=True).click()

    # Saving sent nothing: it shows the email and asks.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Email \u201cUnstick the mornings\u201d to your readers"
    )
    email = page.frame_locator("iframe.email-frame")
    expect(email.get_by_role("link", name="Read the article")).to_be_visible()
    expect(email.get_by_text("Five minutes before coffee.")).to_be_visible()
    expect(page.locator(".email-text")).to_contain_text(
        live_server.url + "/blog/unstick-the-mornings"
    )
    assert browser_smtp.recorder.received == []

    page.get_by_role("button", name="Send a test to me").click()
    expect(page.locator(".flash")).to_contain_text(f"A test copy is on its way to {COACH_EMAIL}")
    [test] = browser_smtp.recorder.wait_for(1)
    assert test.rcpt_tos == [COACH_EMAIL]
    assert test.message["Subject"] == "Test: Unstick the mornings"
    text = test.message.get_body(preferencelist=("plain",)).get_content()
    html = test.message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert live_server.url + "/blog/unstick-the-mornings" in body
        assert "Five minutes before coffee." in body

    page.get_by_role("button", name="Email it to 2 readers").click()
    expect(page.locator(".flash")).to_contain_text("is going to 2 readers now")
    readers = browser_smtp.recorder.wait_for(3)[1:]
    assert sorted(mail.rcpt_tos[0] for mail in readers) == [
        "reader00000@example.net",
        "reader00001@example.net",
    ]
    assert {mail.message["Subject"] for mail in readers} == {"Unstick the mornings"}

    # Every sent email can be read as its recipient saw it.
    page.get_by_role("link", name="Sent emails").click()
    page.get_by_role("link", name="Test: Unstick the mornings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test: Unstick the mornings")
    expect(page.locator(".facts")).to_contain_text(COACH_EMAIL)
    sent = page.frame_locator("iframe.email-frame")
    expect(sent.get_by_role("link", name="Read the article")).to_be_visible()
    expect(page.locator(".email-text")).to_contain_text("Five minutes before coffee.")


def on_the_phone(browser: Browser) -> Page:
    """A phone-sized tab (390x844)."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


ACTIONS_IN_VIEW = """() => {
  const width = document.documentElement.clientWidth;
  const buttons = [...document.querySelectorAll('#studio-content table button')];
  return {
    scroll: document.scrollingElement.scrollWidth,
    width,
    count: buttons.length,
    outside: buttons
      .filter((b) => { const r = b.getBoundingClientRect(); return r.left < 0 || r.right > width; })
      .map((b) => b.textContent.trim()),
  };
}"""


def test_on_her_phone_every_action_is_in_view(
    browser: Browser, live_app: Flask, live_server: LiveServer
) -> None:
    program_id = a_busy_week(live_app)
    page = on_the_phone(browser)
    log_in(page, live_server)
    lists = {
        "/studio/inbox": "Mark answered",
        "/studio/availability/bookings": None,
        f"/studio/programs/{program_id}/signups": "Cancel place",
        "/studio/inbox/comments": "Approve",
        "/studio/outbox": None,
    }
    for path, action in lists.items():
        page.goto(live_server.url + path)
        seen = page.evaluate(ACTIONS_IN_VIEW)
        assert seen["scroll"] <= 390, (path, seen)
        assert seen["outside"] == [], (path, seen)
        if action:
            assert seen["count"] >= 1, path
            expect(page.get_by_role("button", name=re.compile(action)).first).to_be_in_viewport()
    # The menu folds away: the page's title is near the top, the menu one tap away.
    page.goto(live_server.url + "/studio/inbox")
    title_top = page.get_by_role("heading", level=1).bounding_box()["y"]
    assert title_top < 300, title_top
    expect(page.get_by_role("link", name="Newsletter")).to_be_hidden()
    page.get_by_text("Studio menu").click()
    page.get_by_role("link", name="Newsletter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter")
    page.context.close()


def test_the_inbox_with_the_keyboard_alone(
    page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    a_busy_week(live_app)
    log_in(page, live_server)
    page.goto(live_server.url + "/studio/inbox")
    keys = Keyboard(page)
    keys.tab()
    keys.expect_focus(".skip-link")
    page.keyboard.press("Enter")
    keys.expect_focus("#studio-content")
    # From the page's own content, the first row's first button is a few Tabs away.
    keys.tab_to("#enquiries tbody button", most=8)
    first = page.evaluate("document.activeElement.textContent")
    assert first == f"Mark answered: {PEOPLE[-1]}"  # newest first, the person named
    page.keyboard.press("Enter")
    announce = page.locator("#studio-announce")
    expect(announce).to_have_text(f"The enquiry from {PEOPLE[-1]} is marked as answered.")
    # The focus went on to the next person's first button, not back to the top of the page.
    focused = page.locator(":focus")
    expect(focused).to_have_text(f"Mark answered: {PEOPLE[-2]}")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text(f"Archive: {PEOPLE[-2]}")
    page.keyboard.press("Enter")
    expect(announce).to_have_text(f"The enquiry from {PEOPLE[-2]} is archived.")
    expect(page.locator(":focus")).to_have_text(f"Mark answered: {PEOPLE[0]}")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_axe_finds_nothing_on_the_studio_pages(
    browser: Browser, live_app: Flask, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    program_id = a_busy_week(live_app)
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server)
    audit = AxeAudit(page)
    for path in (*STUDIO_PAGES, f"/studio/programs/{program_id}/signups"):
        page.goto(live_server.url + path)
        audit.check(path)
        if viewport == PHONE:
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 390, (path, width)
    page.goto(live_server.url + "/studio/articles/new")
    page.get_by_text("Insert a drill", exact=True).click()
    page.get_by_label("Drill name").fill("bird")
    wait_for_htmx_to_settle(page)
    audit.check("the drill picker, open")
    page.goto(live_server.url + "/studio/articles")
    page.get_by_role("link", name="Walking after sitting", exact=True).click()
    page.get_by_role("link", name="Email it to your readers").click()
    audit.check("an article's email, before it is confirmed")
    page.get_by_role("button", name="Send a test to me").click()
    expect(page.locator(".flash")).to_contain_text("A test copy is on its way")
    page.goto(live_server.url + "/studio/outbox")
    page.locator("#outbox tbody a").first.click()
    audit.check("one sent email")
    page.context.close()
    audit.assert_clean()
