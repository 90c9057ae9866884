"""Drill demonstrations in a real Chromium: they play on a click and pause (one drill of each
direction), stand still with reduced motion, load nothing from elsewhere, break no CSP rule and
pass axe (every demo drill)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from blueprints.drills.motion_files import motion_text_for
from blueprints.shared.content import read_content_folder
from harness import LiveServer
from harness.browser import (
    axe_report,
    check_each,
    log_in_to_studio,
    other_host_requests,
    record_csp_violations,
    wait_for_htmx_to_settle,
)
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

pytestmark = pytest.mark.browser

DRILLS = [
    {"slug": f.slug, "direction": f.front["direction"]}
    for f in read_content_folder(Path(__file__).resolve().parents[2] / "content" / "drills")
]
SLUGS = [item["slug"] for item in DRILLS]
# The player is one script for every drill, and each drill's keyframes are checked to parse and
# move by tests/drills/test_demonstrations.py; it plays here on the first drill of each direction
# (each drill's page is still opened, checked with axe and for CSP, by the reduced-motion test).
PLAYED = list({item["direction"]: item["slug"] for item in reversed(DRILLS)}.values())
ARTICLE_WITH_DRILL = "/blog/lying-still-wont-settle-your-back"


def shot(page: Page, selector: str) -> bytes:
    """A PNG of what the visitor sees of one element."""
    return page.locator(selector).first.screenshot(animations="allow")


def moves_within(page: Page, selector: str, since: bytes, seconds: float) -> bool:
    """Whether the element looks different from `since` at some point in the next `seconds`."""
    for _ in range(int(seconds * 2)):
        page.wait_for_timeout(500)
        if shot(page, selector) != since:
            return True
    return False


@pytest.mark.parametrize("slug", PLAYED)
def test_each_demonstration_plays_pauses_and_keeps_to_the_site(
    page: Page, live_server: LiveServer, slug: str
) -> None:
    violations = record_csp_violations(page)
    elsewhere = other_host_requests(page, live_server.url)
    page.goto(f"{live_server.url}/drills/{slug}")
    figure = ".demo-animated svg"
    expect(page.locator(".demo-stills")).to_be_hidden()
    before = shot(page, figure)
    page.wait_for_timeout(1000)
    assert shot(page, figure) == before, "it must stand still until asked to play"

    page.get_by_role("button", name="Play the demonstration").click()
    page.wait_for_timeout(200)
    first = shot(page, figure)
    page.wait_for_timeout(1000)
    second = shot(page, figure)
    assert first != second, "a playing demonstration moves"

    page.get_by_role("button", name="Pause the demonstration").click()
    paused = shot(page, figure)
    page.wait_for_timeout(1000)
    assert shot(page, figure) == paused, "a paused demonstration stays where it is"
    page.get_by_role("button", name="Play the demonstration").click()
    assert moves_within(page, figure, paused, seconds=6), "play resumes it"  # past any hold

    assert axe_report(page) == ""
    assert violations == []
    assert elsewhere == []


@pytest.fixture
def still_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A visitor whose system asks for reduced motion."""
    context = browser.new_context(reduced_motion="reduce")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def stands_still_with_reduced_motion(page: Page, url: str) -> None:
    """One drill's page for a visitor who asked for reduced motion: the start and end positions
    side by side, no player, nothing moving, nothing for axe to find."""
    page.goto(url)
    expect(page.locator(".demo-animated")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("demonstration"))).to_have_count(0)
    start = page.get_by_role("img", name=re.compile(r", start position, seen from"))
    end = page.get_by_role("img", name=re.compile(r", end position, seen from"))
    expect(start).to_be_visible()
    expect(end).to_be_visible()
    for picture in (start, end):
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=picture.element_handle()
        )
    start_box, end_box = start.bounding_box(), end.bounding_box()
    assert start_box and end_box and start_box["width"] > 150
    assert abs(start_box["y"] - end_box["y"]) < 1 and end_box["x"] > start_box["x"]  # side by side
    assert start.screenshot() != end.screenshot()
    stills = page.locator(".demo-stills")
    before = stills.screenshot(animations="allow")
    looked_at = time.monotonic()
    assert axe_report(page) == ""  # axe takes part of the second the stills are watched for
    page.wait_for_timeout(max(0.0, 1.0 - (time.monotonic() - looked_at)) * 1000)
    assert stills.screenshot(animations="allow") == before, "nothing moves"
    assert page.evaluate("document.querySelectorAll('.demo-stills animate').length") == 0


def test_with_reduced_motion_the_start_and_end_stand_side_by_side(
    still_page: Page, live_server: LiveServer
) -> None:
    """Every drill's page, one after the other in one tab."""
    violations = record_csp_violations(still_page)
    elsewhere = other_host_requests(still_page, live_server.url)
    check_each(
        [f"{live_server.url}/drills/{slug}" for slug in SLUGS],
        lambda url: stands_still_with_reduced_motion(still_page, url),
    )
    assert violations == []
    assert elsewhere == []


def test_the_drill_card_in_an_article_plays_too(page: Page, live_server: LiveServer) -> None:
    violations = record_csp_violations(page)
    page.goto(live_server.url + ARTICLE_WITH_DRILL)
    card = page.locator(".drill-embed").first
    expect(card.get_by_role("img", name=re.compile(", start position, seen from"))).to_be_visible()
    card.get_by_role("button", name="Play the demonstration").click()
    figure = card.locator(".demo-animated svg")  # fetched on the first play
    expect(figure).to_be_visible()
    page.wait_for_timeout(200)
    first = figure.screenshot(animations="allow")
    page.wait_for_timeout(1000)
    assert figure.screenshot(animations="allow") != first
    card.get_by_text("the movement in words").click()
    expect(card.locator("details ol li").first).to_be_visible()
    assert violations == []


def test_list_cards_show_each_first_frame(page: Page, live_server: LiveServer) -> None:
    elsewhere = other_host_requests(page, live_server.url)
    page.goto(live_server.url + "/drills/?direction=rotation")
    pictures = page.locator("img.drill-card-picture")
    expect(pictures).to_have_count(4)
    for index in range(4):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=picture.element_handle()
        )
    assert elsewhere == []


def test_the_studio_preview_redraws_as_the_coach_types(page: Page, live_server: LiveServer) -> None:
    create_coach(live_server.app)
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    page.goto(live_server.url + "/studio/drills")
    page.get_by_role("link", name="Cat-cow").click()
    preview = page.locator("#demonstration-preview")
    expect(preview.get_by_role("img", name=re.compile("moving figure"))).to_have_count(1)
    page.get_by_text("Advanced: the positions written out").click()
    keyframes = page.get_by_label("The positions written out")
    text = motion_text_for("cat-cow")
    broken = text.replace("neck = 4\n", "neck = [4, 5]\n", 1)
    line = broken.splitlines().index("neck = [4, 5]") + 1
    keyframes.fill(broken)
    keyframes.dispatch_event("input")
    expect(preview.get_by_role("alert")).to_contain_text(f"Line {line}: 'neck' must be a number")
    keyframes.fill(text.replace("neck = 4\n", "neck = 30\n", 1))
    keyframes.dispatch_event("input")
    expect(preview.get_by_role("img", name=re.compile("moving figure"))).to_have_count(1)
    wait_for_htmx_to_settle(page)
    preview.get_by_role("button", name="Play the demonstration").click()
    figure = preview.locator(".demo-animated svg")
    page.wait_for_timeout(200)
    first = figure.screenshot(animations="allow")
    page.wait_for_timeout(1000)
    assert figure.screenshot(animations="allow") != first
