"""A visitor finds every section from the home page, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from harness import LiveServer

pytestmark = pytest.mark.browser


def test_navigation_reaches_every_section(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("footer")).to_contain_text("Maya Lindqvist")
    nav = page.get_by_role("navigation", name="Main")
    for link_text, path, heading in [
        ("Articles", "/blog/", "Articles"),
        ("Drills", "/drills/", "Drills"),
        ("Programs", "/programs/", "Programs"),
        ("Contact / Book", "/contact/", "Contact"),
    ]:
        nav.get_by_role("link", name=link_text).click()
        expect(page).to_have_url(re.compile(re.escape(path) + r"(\?.*)?$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(nav.get_by_role("link", name=link_text)).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Strong Spine Studio").click()
    expect(page).to_have_url(live_server.url + "/")


def test_unknown_address_shows_the_styled_404(page: Page, live_server: LiveServer) -> None:
    response = page.goto(live_server.url + "/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
