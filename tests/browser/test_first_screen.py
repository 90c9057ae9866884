"""The home page's first screen on a 390x844 phone in New York: the coach (photo and name),
one primary action and a demonstration, with nothing to scroll; in both themes, axe-clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from harness import LiveServer
from harness.browser import AxeAudit, open_site_search

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
THEMES = ("light", "dark")


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone-sized tab in New York."""
    context = browser.new_context(viewport=PHONE, timezone_id="America/New_York")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def box_of(page: Page, selector: str) -> dict[str, float]:
    """The element's bounding box on the page (without scrolling), asserting it is shown."""
    locator = page.locator(selector)
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None, selector
    return box


def set_theme(page: Page, base_url: str, theme: str) -> None:
    """Choose a theme as a visitor would: the `theme` cookie the footer switch sets."""
    page.context.add_cookies([{"name": "theme", "value": theme, "url": base_url}])


@pytest.mark.parametrize("theme", THEMES)
def test_the_first_screen_shows_the_coach_one_action_and_a_demonstration(
    phone: Page, live_server: LiveServer, theme: str
) -> None:
    set_theme(phone, live_server.url, theme)
    phone.goto(live_server.url + "/")
    assert phone.evaluate("document.documentElement.dataset.theme") == theme
    assert phone.evaluate("window.scrollY") == 0
    header = box_of(phone, "header.site-header")
    assert header["height"] <= 100, header  # was 144: brand, nav and search on three rows
    hero = phone.locator("section.hero")
    portrait = box_of(phone, "section.hero img.hero-portrait")
    name = box_of(phone, "section.hero .hero-coach-name")
    expect(phone.locator("section.hero .hero-coach-name")).to_have_text("Maya Lindqvist")
    actions = hero.locator("a.button")
    expect(actions).to_have_count(1)  # one primary action
    expect(actions).to_have_text("Book a consultation")
    action = box_of(phone, "section.hero a.button")
    demo = box_of(phone, "section.hero .hero-demo .demo-animated img")
    # The portrait's image has loaded (not just a box), and so has the demonstration's.
    assert phone.evaluate(
        "[...document.querySelectorAll('section.hero img')].slice(0, 2)"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    for label, item in (("portrait", portrait), ("name", name), ("action", action), ("demo", demo)):
        assert item["y"] >= 0 and item["y"] + item["height"] <= PHONE["height"], (label, item)
        assert item["x"] >= 0 and item["x"] + item["width"] <= PHONE["width"], (label, item)
    assert demo["height"] >= 150, demo  # a real picture, not a thumbnail
    assert action["height"] >= 44


@pytest.mark.parametrize("theme", THEMES)
def test_home_and_blog_are_axe_clean_on_a_phone(
    phone: Page, live_server: LiveServer, theme: str
) -> None:
    set_theme(phone, live_server.url, theme)
    audit = AxeAudit(phone)
    phone.goto(live_server.url + "/")
    audit.check(f"home, {theme}")
    open_site_search(phone)
    audit.check(f"home with the search open, {theme}")
    phone.goto(live_server.url + "/blog/")
    audit.check(f"articles, {theme}")
    phone.goto(live_server.url + "/contact/?topic=consultation")
    audit.check(f"contact, {theme}")
    audit.assert_clean()


def test_the_search_opens_from_the_icon_without_javascript(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Search articles and drills")
    expect(box).to_be_hidden()
    summary = box_of(page, "header summary")
    assert summary["width"] >= 44 and summary["height"] >= 44  # a finger-sized control
    open_site_search(page).fill("cat cow")
    box.press("Enter")
    expect(page).to_have_url(live_server.url + "/search?q=cat+cow")
    expect(open_site_search(page)).to_have_value("cat cow")  # open: it holds the words
    context.close()
