"""Readers in a real browser: reading with drill videos, searching as they type, commenting."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, Request, Route, expect
from sqlalchemy import select

from blueprints.blog.models import Comment
from blueprints.drills.models import Drill
from blueprints.shared.extensions import db
from harness import LiveServer, SmtpServer, wait_until

pytestmark = pytest.mark.browser

ARTICLE_TITLE = "Why lying still won't settle your back on its own"
ARTICLE_PATH = "/blog/lying-still-wont-settle-your-back"
EMBED_URL = "https://www.youtube-nocookie.com/embed/pressUpDemo"
STAND_IN_PLAYER = "<!doctype html><title>Player</title><p>Stand-in player</p>"


def test_reader_plays_a_drill_video_then_follows_the_drill_and_comes_back(
    page: Page, live_server: LiveServer, live_app: Flask
) -> None:
    with live_app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == "prone-press-up"))
        drill.video_url = EMBED_URL
        db.session.commit()
    player_requests: list[str] = []

    def stand_in_player(route: Route) -> None:
        player_requests.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=STAND_IN_PLAYER)

    page.route("https://www.youtube-nocookie.com/**", stand_in_player)
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))

    page.goto(live_server.url + "/")
    page.get_by_role("link", name=ARTICLE_TITLE).click()
    expect(page).to_have_url(live_server.url + ARTICLE_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)
    card = page.locator("aside.drill-embed").filter(
        has=page.get_by_role("link", name="Prone press-up", exact=True)
    )
    facade = card.get_by_role("link", name=re.compile("Play video: Prone press-up"))
    facade.scroll_into_view_if_needed()
    expect(card.locator("img")).to_have_js_property("complete", True)
    page.wait_for_load_state("networkidle")

    offsite = [url for url in seen if not url.startswith(live_server.url)]
    assert offsite == [], "nothing may load from another host before the reader asks"
    assert player_requests == []

    facade.click()
    player = card.locator("iframe")
    expect(player).to_have_attribute("src", EMBED_URL + "?autoplay=1")
    expect(player).to_have_attribute("title", "Video: Prone press-up")
    assert wait_until(lambda: player_requests == [EMBED_URL + "?autoplay=1"])
    expect(
        page.frame_locator("aside.drill-embed iframe").get_by_text("Stand-in player")
    ).to_be_visible()

    card.get_by_role("link", name="Prone press-up", exact=True).click()
    expect(page).to_have_url(live_server.url + "/drills/prone-press-up")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prone press-up")

    page.go_back()
    expect(page).to_have_url(live_server.url + ARTICLE_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)
    expect(page.get_by_role("link", name="Book a consultation")).to_have_attribute(
        "href", re.compile(r"context=article:lying-still-wont-settle-your-back")
    )


def test_results_follow_the_typing_and_the_back_button_returns_to_the_last_search(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/blog/")
    page.evaluate("window.sameDocument = true")  # gone if the page is ever reloaded
    htmx_requests: list[Request] = []
    page.on(
        "request",
        lambda request: (
            htmx_requests.append(request) if request.headers.get("hx-request") == "true" else None
        ),
    )

    page.get_by_label("Search the articles").press_sequentially("deadlif", delay=60)
    expect(page).to_have_url(live_server.url + "/blog/search?q=deadlif")
    listing = page.locator("#listing")
    expect(listing.get_by_role("status")).to_have_text(re.compile(r"^3 articles mention"))
    expect(listing.locator("mark").first).to_have_text(re.compile("deadlift", re.IGNORECASE))
    assert page.evaluate("window.sameDocument") is True
    assert htmx_requests, "the results came from htmx, not a page load"

    # One more search (fill() is a single input event, so exactly one history entry), then Back.
    entries = page.evaluate("history.length")
    page.get_by_label("Search the articles").fill("curl jefferson")
    expect(listing.get_by_role("link")).to_have_count(1)
    expect(listing.get_by_role("link")).to_have_text(re.compile("The Jefferson curl"))
    expect(page).to_have_url(live_server.url + "/blog/search?q=curl%20jefferson")
    assert page.evaluate("history.length") == entries + 1

    page.go_back()
    expect(page.get_by_label("Search the articles")).to_have_value("deadlif")
    expect(page).to_have_url(live_server.url + "/blog/search?q=deadlif")
    expect(listing.get_by_role("status")).to_have_text(re.compile(r"^3 articles mention"))


def test_reader_comments_with_htmx_sees_inline_errors_then_awaiting_approval(
    page: Page, live_server: LiveServer, live_app: Flask, browser_smtp: SmtpServer
) -> None:
    page.goto(live_server.url + ARTICLE_PATH)
    form = page.locator("#comment-form")
    form.get_by_label("Email (optional, never shown)").fill("not an email")
    form.get_by_role("button", name="Send comment").click()

    expect(form.locator("#comment-name-error")).to_have_text(re.compile("tell us your name"))
    expect(form.locator("#comment-email-error")).to_be_visible()
    expect(form.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(live_server.url + ARTICLE_PATH)  # swapped in place, no navigation

    form.get_by_label("Your name").fill("Tomasz")
    form.get_by_label("Email (optional, never shown)").fill("tomasz@example.net")
    form.get_by_label("Your comment").fill("The next-morning check is a great rule of thumb.")
    page.wait_for_timeout(600)  # a human takes longer than the spam timer (0.5 s here)
    form.get_by_role("button", name="Send comment").click()

    expect(form.get_by_role("status")).to_contain_text("awaiting approval")
    expect(form.get_by_label("Your comment")).to_have_value("")
    expect(page.locator("#comment-list")).to_have_count(0)  # nothing shown before approval
    with live_app.app_context():
        [comment] = db.session.scalars(select(Comment)).all()
        assert (comment.name, comment.email, comment.status) == (
            "Tomasz",
            "tomasz@example.net",
            "pending",
        )
    [mail] = browser_smtp.recorder.wait_for(1)
    assert mail.rcpt_tos == ["coach@example.com"]
    assert "next-morning check" in mail.message.get_body(("plain",)).get_content()


def test_without_javascript_search_and_comment_still_work(
    page_without_js: Page, live_server: LiveServer, live_app: Flask
) -> None:
    page = page_without_js
    page.goto(live_server.url + "/blog/")
    page.get_by_label("Search the articles").fill("red flags")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(live_server.url + "/blog/search?q=red+flags")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the articles")
    page.locator("#listing").get_by_role("link").first.click()

    page.wait_for_timeout(600)
    page.get_by_role("button", name="Send comment").click()  # nothing filled in: refused
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("There is a problem")
    page.locator("#error-summary a").first.press("Enter")  # the summary's link goes to the field
    expect(page.get_by_label("Your name")).to_be_focused()

    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Your comment").fill("Clear and calm, thank you.")
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Send comment").click()

    expect(page.locator(".flashes")).to_contain_text("awaiting approval")
    with live_app.app_context():
        assert db.session.scalar(select(Comment.name)) == "Ana"
