"""/me/ on a phone (390x844, a US visitor) with the keyboard alone: signing in (a refused address
puts the focus on the error summary and "Error:" in the title), the session form reached in two
keys, one drill logged at 4 kg, then the page: the client's name, the plan as cards (nothing
scrolls sideways), what was logged, charts whose labels are at least 12 px; axe finds nothing.
The header search speaks its count after each swap."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from harness import LiveServer
from harness.browser import AxeAudit, open_site_search
from harness.me import CLIENT_EMAIL, CURL, START, add_signup, sign_in_link

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHART_LABEL_PX = """() => [...document.querySelectorAll("svg.chart-svg")].flatMap((svg) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text.chart-label")].map(
    (text) => parseFloat(text.getAttribute("font-size")) * scale);
})"""


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with time_machine.travel(START, tick=True):
        yield page
    context.close()
    assert errors == []


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def test_my_page_on_a_phone_by_keyboard(
    phone_page: Page, live_server: LiveServer, live_app: Flask
) -> None:
    page, base = phone_page, live_server.url
    add_signup(live_app)
    audit = AxeAudit(page)

    page.goto(base + "/me/")
    page.get_by_label("Email address").fill("not an address")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("There is a problem")
    audit.check("a refused address, on a phone")
    page.locator("#error-summary a").press("Enter")  # the summary's link goes to the field
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(CLIENT_EMAIL)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("a sign-in link is on its way")
    expect(page).not_to_have_title(re.compile("Error"))
    page.goto(base + sign_in_link(live_app))
    page.get_by_role("button", name="Sign in").click()

    page.goto(base + "/me/consent")
    page.get_by_role("button", name="Agree and continue").click()  # not ticked: refused
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#error-summary")).to_be_focused()
    page.get_by_label(re.compile("I agree that my pain scores")).check()
    page.get_by_role("button", name="Agree and continue").click()

    # The session form: its first field, the date (one control), is the second Tab stop.
    expect(page).to_have_url(base + "/me/log")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the session form")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#performed_on")).to_be_focused()
    page.keyboard.press("Tab")  # one stop for the whole date
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("sets-"), focused
    audit.check("the session form, on a phone")
    no_sideways_scroll(page)

    # Only the curl, at 4 kg: the other drills are left as offered, no pain asked of them.
    entry = page.locator("fieldset", has_text=CURL)
    entry.get_by_label("Load in kg (empty for bodyweight)").fill("4")
    entry.get_by_label("Pain during (0 none, 10 worst)").fill("2")
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("heading", name="Session logged")).to_be_visible()

    with time_machine.travel(START.replace(hour=11), tick=True):
        page.goto(base + "/me/")
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Hello, Robin")
        box = heading.bounding_box()
        line = float(heading.evaluate("h => parseFloat(getComputedStyle(h).lineHeight)"))
        assert box and box["height"] < 1.5 * line, "the greeting breaks over lines"
        row = page.locator("tr", has=page.get_by_role("rowheader", name=CURL))
        expect(row).to_contain_text("3x8 at 4 kg")
        expect(row).to_contain_text("next: 5 kg, the next step on your ladder")
        cells = row.locator("td").all()
        for cell in cells:
            cell_box = cell.bounding_box()
            assert cell_box and cell_box["x"] + cell_box["width"] <= PHONE["width"]
        no_sideways_scroll(page)
        audit.check("my page, on a phone")

        page.goto(base + "/me/progress")
        sizes = page.evaluate(CHART_LABEL_PX)
        assert sizes and min(sizes) >= 12, sizes
        no_sideways_scroll(page)
        audit.check("progress charts, on a phone")
    audit.assert_clean()


def test_the_search_count_is_spoken_after_each_swap(
    phone_page: Page, live_server: LiveServer
) -> None:
    page = phone_page
    page.goto(live_server.url + "/")
    status = page.locator("#search-status")
    expect(status).to_have_attribute("aria-live", "polite")
    open_site_search(page).press_sequentially("rotation", delay=30)
    expect(page).to_have_url(re.compile(r"/search\?q=rotation$"))
    expect(status).to_have_text(re.compile(r"articles? and 4 drills mention .rotation.\.$"))
    page.get_by_label("Search articles and drills").press_sequentially(" twist", delay=30)
    expect(status).to_have_text(re.compile(r"drills? mention .rotation twist.\.$"))
    # the region is the same element, outside <main>, where the results are swapped
    assert page.evaluate(
        "!document.querySelector('main').contains(document.getElementById('search-status'))"
    )
