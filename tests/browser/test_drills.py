"""The drill library in a real Chromium: with htmx, and with JavaScript turned off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Request, expect

from harness import LiveServer

pytestmark = pytest.mark.browser


def direction_toggle(page: Page, name: str):  # type: ignore[no-untyped-def]
    """The big checkbox for one direction (its name also carries the count)."""
    return page.get_by_role("checkbox", name=re.compile(rf"^{name}\b"))


def expect_cards(page: Page, slugs: list[str], direction: str | None = None) -> None:
    """The result cards are exactly these drills, in this order."""
    links = page.locator(".drill-card h2 a")
    expect(links).to_have_count(len(slugs))
    hrefs = [link.get_attribute("href") for link in links.all()]
    assert hrefs == [f"/drills/{slug}" for slug in slugs]
    if direction:
        for card in page.locator(".drill-card").all():
            expect(card).to_have_attribute("data-direction", direction)


ROTATION = ["open-book", "pallof-press", "braced-rotation", "seated-russian-twist"]
ROTATION_NO_KIT = ["open-book", "braced-rotation", "seated-russian-twist"]


def test_choose_rotation_add_no_equipment_go_back_then_climb_the_progression(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/drills/")
    expect(page.locator(".drill-card")).to_have_count(12)
    count = page.locator("#drill-count")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(count).to_have_text("All 16 drills in the library.")
    page.evaluate("window.stillTheSameDocument = true")

    direction_toggle(page, "Rotation").check()
    expect(page).to_have_url(live_server.url + "/drills/?direction=rotation")
    expect(count).to_have_text("4 drills match.")
    expect_cards(page, ROTATION, direction="rotation")

    page.get_by_role("checkbox", name="No equipment").check()
    expect(page).to_have_url(live_server.url + "/drills/?direction=rotation&equipment=none")
    expect(count).to_have_text("3 drills match.")
    expect_cards(page, ROTATION_NO_KIT, direction="rotation")
    # Only the results were swapped: the page itself never reloaded.
    assert page.evaluate("window.stillTheSameDocument === true")

    page.go_back()
    expect(page).to_have_url(live_server.url + "/drills/?direction=rotation")
    expect_cards(page, ROTATION, direction="rotation")
    expect(direction_toggle(page, "Rotation")).to_be_checked()
    expect(page.get_by_role("checkbox", name="No equipment")).not_to_be_checked()

    page.get_by_role("link", name="Open book").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open book")
    page.get_by_role("link", name=re.compile("^Harder")).click()
    expect(page).to_have_url(live_server.url + "/drills/pallof-press")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pallof press")
    expect(page.get_by_role("link", name=re.compile("^Easier"))).to_have_attribute(
        "href", "/drills/open-book"
    )


def test_more_appends_in_place_and_typing_searches_once_after_a_pause(
    page: Page, live_server: LiveServer
) -> None:
    searches: list[str] = []

    def on_request(request: Request) -> None:
        if "q=" in request.url:
            searches.append(request.url)

    page.goto(live_server.url + "/drills/")
    page.get_by_role("link", name="More drills").click()
    expect(page.locator(".drill-card")).to_have_count(16)
    expect(page.get_by_role("link", name="More drills")).to_have_count(0)
    expect(page.locator(".drill-card h2 a").nth(12)).to_be_focused()
    expect(page).to_have_url(live_server.url + "/drills/")

    page.on("request", on_request)
    page.get_by_label("Search names, descriptions and steps").press_sequentially(
        "russian", delay=40
    )
    expect(page).to_have_url(live_server.url + "/drills/?q=russian")
    expect(page.locator("#drill-count")).to_have_text("1 drill matches.")
    expect_cards(page, ["seated-russian-twist"])
    assert len(searches) == 1, searches


def test_filtering_and_paging_work_without_javascript(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    page.goto(live_server.url + "/drills/")
    direction_toggle(page, "Rotation").check()
    page.get_by_role("button", name="Show drills").click()
    expect(page).to_have_url(re.compile(r"/drills/\?direction=rotation(&q=)?$"))
    expect_cards(page, ROTATION, direction="rotation")
    expect(page.locator("#drill-count")).to_have_text("4 drills match.")

    page.get_by_role("checkbox", name="No equipment").check()
    page.get_by_role("button", name="Show drills").click()
    expect(page).to_have_url(re.compile(r"\?direction=rotation&equipment=none(&q=)?$"))
    expect_cards(page, ROTATION_NO_KIT, direction="rotation")

    page.get_by_role("link", name="Clear the filters").first.click()
    expect(page.locator(".drill-card")).to_have_count(12)
    page.get_by_role("link", name="More drills").click()
    expect(page).to_have_url(live_server.url + "/drills/?page=2")
    expect(page.locator(".drill-card")).to_have_count(4)
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    page.get_by_role("link", name="Previous drills").click()
    expect(page.locator(".drill-card")).to_have_count(12)

    page.goto(live_server.url + "/drills/?direction=sideways")
    expect(page.get_by_role("note")).to_contain_text("We don't know the direction “sideways”")
