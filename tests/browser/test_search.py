"""The header's search box in a real browser: grouped results as you type, the address follows,
Back returns to where the visitor was; without JavaScript it is a plain form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Request, expect

from harness import LiveServer
from harness.browser import AxeAudit, open_site_search

pytestmark = pytest.mark.browser

BOX = "Search articles and drills"


def test_typing_in_the_header_shows_grouped_results_in_place_and_back_returns(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/drills/?direction=rotation")
    page.evaluate("window.sameDocument = true")  # gone if the page is ever reloaded
    htmx_requests: list[Request] = []
    page.on(
        "request",
        lambda request: (
            htmx_requests.append(request) if request.headers.get("hx-request") == "true" else None
        ),
    )

    box = open_site_search(page)  # the header's search opens from an icon
    box.press_sequentially("jefferson", delay=60)
    expect(page).to_have_url(live_server.url + "/search?q=jefferson")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Search: “jefferson”")
    articles = main.locator(
        "section", has=page.get_by_role("heading", name=re.compile("^Articles"))
    )
    drills = main.locator("section", has=page.get_by_role("heading", name=re.compile("^Drills")))
    expect(articles.get_by_role("heading", level=2)).to_have_text(re.compile(r"^Articles \d+"))
    expect(articles.get_by_role("link", name=re.compile("The Jefferson curl"))).to_be_visible()
    expect(drills.get_by_role("link", name="Jefferson curl", exact=True)).to_be_visible()
    expect(drills.get_by_text("Flexion · Advanced").first).to_be_visible()
    expect(page).to_have_title(re.compile("^Search: jefferson"))
    expect(box).to_be_focused()
    assert page.evaluate("window.sameDocument") is True, "the results came without a page load"
    assert htmx_requests and all("/search?q=" in r.url for r in htmx_requests)

    page.go_back()
    expect(page).to_have_url(live_server.url + "/drills/?direction=rotation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Drills")
    expect(page.get_by_role("checkbox", name=re.compile("^Rotation"))).to_be_checked()


def test_without_javascript_the_header_box_is_a_plain_form(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    page.goto(live_server.url + "/programs/")
    open_site_search(page).fill("side bend")
    page.get_by_role("searchbox", name=BOX).press("Enter")
    expect(page).to_have_url(live_server.url + "/search?q=side+bend")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search: “side bend”")
    expect(page.get_by_role("searchbox", name=BOX)).to_have_value("side bend")
    drills = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Drills")))
    expect(drills.get_by_role("link", name="Overhead side bend")).to_be_visible()
    drills.get_by_role("link", name="Overhead side bend").click()
    expect(page).to_have_url(live_server.url + "/drills/overhead-side-bend")


def test_the_header_search_and_its_results_stay_accessible(
    page: Page, live_server: LiveServer
) -> None:
    audit = AxeAudit(page)
    page.goto(live_server.url + "/")
    audit.check("the header box on the home page")
    open_site_search(page).press_sequentially("side", delay=40)
    expect(page).to_have_url(live_server.url + "/search?q=side")
    audit.check("grouped results")
    page.get_by_role("searchbox", name=BOX).fill("zzqx")
    # The count is spoken from the live region in the header (it stays while <main> is swapped).
    expect(page.locator("#search-status")).to_contain_text("0 articles and 0 drills mention")
    expect(page.locator("main")).to_contain_text("0 articles and 0 drills mention “zzqx”")
    audit.check("no results")
    page.goto(live_server.url + "/search?q=" + "x" * 101)
    expect(page.locator("#search-error")).to_be_visible()
    audit.check("a search too long, the message beside the field")
    audit.assert_clean()
