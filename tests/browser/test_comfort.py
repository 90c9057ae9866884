"""Reading comfort in a real Chromium: dark theme, the theme switch, print sheets, reduced motion
and 200% text on a phone."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from flask import Flask, render_template_string
from playwright.sync_api import Browser, Page, expect

from blueprints.shared.extensions import db
from harness import LiveServer
from harness.blog import add_post
from harness.browser import axe_report, check_each, log_in_to_studio, wait_for_htmx_to_settle
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

pytestmark = pytest.mark.browser

ARTICLE_PATH = "/blog/lying-still-wont-settle-your-back"
DRILL_PATH = "/drills/jefferson-curl"
PROGRAM_PATH = "/programs/back-basics-group-course"
PUBLIC_PAGES = ["/", ARTICLE_PATH, "/drills/", DRILL_PATH, "/contact/", PROGRAM_PATH]
PHONE = {"width": 390, "height": 844}

# An article with the blocks that have colours of their own: quote, code, inline code, a table.
FORMATTED_BODY = """A few notes from the gym floor.

> Slow is smooth, and smooth is strong.

Log each set as `weight x reps`, like this:

```
60 kg x 8
62.5 kg x 8
```

| Week | Load |
| --- | --- |
| 1 | 60 kg |
"""

# A drill demonstration as the animated-SVG work will mark it up: an animated figure for the
# screen (a CSS animation and an SVG one) and the start and end positions for paper.
DEMO_PAGE = """{% extends "base.html" %}
{% block content %}
<h1>Demonstration probe</h1>
<figure class="demo">
  <svg class="demo-animated" viewBox="0 0 10 10" width="80" height="80" role="img"
       aria-label="The curl, moving">
    <circle cx="5" cy="5" r="2"><animate attributeName="r" values="2;4;2" dur="1s"
      repeatCount="indefinite"/></circle>
  </svg>
  <div class="demo-stills"><p>Start: standing tall</p><p>End: rolled down</p></div>
</figure>
{% endblock %}"""

# CSSOM, not a <style> element: the CSP refuses inline styles, but a rule added from script is
# how a stylesheet's animation would arrive.
ANIMATE_DEMOS = """() => {
  const sheet = document.styleSheets[0];
  sheet.insertRule("@keyframes probe-spin { to { transform: rotate(360deg); } }");
  sheet.insertRule(".demo-animated { animation: probe-spin 1s linear infinite; }");
}"""

# Every animation or transition running, sampled on every frame until stopped.
SAMPLE_ANIMATIONS = """() => {
  window.runningSeen = [];
  const sample = () => {
    for (const a of document.getAnimations()) {
      const target = a.effect && a.effect.target;
      const name = a.animationName || a.transitionProperty || "script animation";
      const what = target ? target.getAttribute("class") || target.tagName : "?";
      window.runningSeen.push(`${name} on ${what}`);
    }
    if (!window.stopSampling) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}"""

# Recorded before any script of the page runs: the theme <html> arrived with, and the page's
# background in the first frame the browser renders.
FIRST_FRAME_PROBE = """
new MutationObserver((_, observer) => {
  if (!document.documentElement) return;
  window.themeAsParsed = document.documentElement.getAttribute("data-theme");
  observer.disconnect();
}).observe(document, { childList: true });
requestAnimationFrame(() => {
  window.firstFrameBackground = getComputedStyle(document.documentElement).backgroundColor;
});
"""

BACKGROUND = "getComputedStyle(document.documentElement).backgroundColor"

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrollsInPlace = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.checkVisibility() && el.getBoundingClientRect().right > width + 1)
    .filter((el) => !scrollsInPlace(el))
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
}"""


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an rgb()/rgba() colour from getComputedStyle."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_colour)[:3])
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def is_dark(css_colour: str) -> bool:
    """A background a reader would call dark."""
    return luminance(css_colour) < 0.05


@pytest.fixture
def demo_page(live_app: Flask) -> str:
    """The path of a page holding a drill demonstration, as the SVG work will render it."""
    live_app.add_url_rule("/demo-probe", "demo_probe", lambda: render_template_string(DEMO_PAGE))
    return "/demo-probe"


@pytest.fixture
def coach_page(browser: Browser, live_app: Flask, live_server: LiveServer) -> Iterator[Page]:
    """A tab logged in to the studio."""
    create_coach(live_app)
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    log_in_to_studio(tab, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    yield tab
    context.close()


def test_with_a_dark_system_every_page_is_dark_and_passes_axe(
    page: Page, coach_page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    with live_app.app_context():
        add_post("gym-notes", title="Notes from the gym floor", body=FORMATTED_BODY)
        db.session.remove()
    reports: list[str] = []

    def check(tab: Page, what: str) -> None:
        assert is_dark(tab.evaluate(BACKGROUND)), f"{what}: background is not dark"
        if report := axe_report(tab):
            reports.append(f"--- {what} ---\n{report}")

    page.emulate_media(color_scheme="dark")
    for path in [*PUBLIC_PAGES, "/blog/gym-notes"]:
        page.goto(live_server.url + path)
        check(page, path)

    # The states with colours of their own: chosen directions, refused fields, booking times.
    page.goto(live_server.url + "/drills/?direction=rotation&direction=flexion")
    check(page, "directions chosen")
    page.goto(live_server.url + "/contact/?topic=consultation")
    expect(page.locator("input[name=slot]").first).to_be_visible()
    page.locator("input[name=slot]").first.check()
    check(page, "a consultation time chosen")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#email-error")).to_be_visible()
    check(page, "booking refused, errors inline")

    coach_page.emulate_media(color_scheme="dark")
    for path in ["/studio/", "/studio/articles", "/studio/inbox"]:
        coach_page.goto(live_server.url + path)
        check(coach_page, path)
    assert reports == [], "\n".join(reports)


def test_the_blocks_of_an_article_keep_their_contrast_in_the_light_theme_too(
    page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    with live_app.app_context():
        add_post("gym-notes", title="Notes from the gym floor", body=FORMATTED_BODY)
        db.session.remove()
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/blog/gym-notes")
    expect(page.locator(".article-body blockquote")).to_be_visible()
    expect(page.locator(".article-body pre")).to_be_visible()
    assert not is_dark(page.evaluate(BACKGROUND))
    assert axe_report(page) == ""


@pytest.mark.parametrize("system", ["light", "dark"])
def test_the_switch_overrides_the_system_and_persists_with_no_other_frame_first(
    page: Page, live_server: LiveServer, system: str
) -> None:
    other = "dark" if system == "light" else "light"
    page.emulate_media(color_scheme=system)
    page.goto(live_server.url + DRILL_PATH)
    assert is_dark(page.evaluate(BACKGROUND)) == (system == "dark")
    expect(page.get_by_role("button", name="System")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name=other.title()).click()
    page.wait_for_url(live_server.url + DRILL_PATH)  # back where the reader was
    expect(page.locator("html")).to_have_attribute("data-theme", other)
    expect(page.get_by_role("button", name=other.title())).to_have_attribute("aria-pressed", "true")
    assert is_dark(page.evaluate(BACKGROUND)) == (other == "dark")

    page.add_init_script(FIRST_FRAME_PROBE)
    for _ in range(2):  # a reload, then a new visit to another (cached) page
        page.reload() if _ == 0 else page.goto(live_server.url + "/drills/")
        page.wait_for_function("() => window.firstFrameBackground !== undefined")
        assert page.evaluate("window.themeAsParsed") == other
        assert is_dark(page.evaluate("window.firstFrameBackground")) == (other == "dark")

    page.get_by_role("button", name="System").click()
    page.wait_for_url(live_server.url + "/drills/")
    expect(page.locator("html")).to_have_attribute("data-theme", "system")
    assert is_dark(page.evaluate(BACKGROUND)) == (system == "dark")


def test_the_switch_works_without_javascript(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    page.goto(live_server.url + "/contact/?topic=consultation")
    page.get_by_role("button", name="Dark").click()
    page.wait_for_url(live_server.url + "/contact/?topic=consultation")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert is_dark(page.evaluate(BACKGROUND))


@pytest.mark.parametrize(
    ("path", "content"),
    [
        (DRILL_PATH, ["How to do it", "What to think about", "How to load it over time"]),
        (ARTICLE_PATH, ["Why lying still"]),
        (PROGRAM_PATH, ["Back Basics"]),
    ],
)
def test_printing_gives_a_clean_sheet_with_its_address(
    page: Page, live_server: LiveServer, path: str, content: list[str]
) -> None:
    page.emulate_media(color_scheme="dark")  # paper is white whatever the screen shows
    page.goto(live_server.url + path)
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    furniture = ".site-header, nav, .site-footer, form, button, .button, .print-link"
    expect(page.locator(furniture).filter(visible=True)).to_have_count(0)
    for heading in content:
        expect(page.get_by_role("heading", name=re.compile(re.escape(heading)))).to_be_visible()
    expect(page.locator(".print-address")).to_have_text(live_server.url + path)
    assert not is_dark(page.evaluate(BACKGROUND))
    if path == DRILL_PATH:
        steps = page.locator("h2:has-text('How to do it') + ol li")
        expect(steps.first).to_be_visible()
        assert steps.count() >= 3


def test_a_drill_demonstration_prints_its_still_positions(
    page: Page, live_server: LiveServer, demo_page: str
) -> None:
    page.goto(live_server.url + demo_page)
    expect(page.locator(".demo-animated")).to_be_visible()
    expect(page.locator(".demo-stills")).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator(".demo-animated")).to_be_hidden()
    expect(page.locator(".demo-stills")).to_be_visible()
    expect(page.locator(".demo-stills")).to_contain_text("Start: standing tall")


def test_print_this_drill_opens_the_print_dialog(page: Page, live_server: LiveServer) -> None:
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page.goto(live_server.url + DRILL_PATH)
    page.get_by_role("link", name="Print this drill").click()
    page.wait_for_function("() => window.printed === 1")
    assert page.url == live_server.url + DRILL_PATH  # the dialog, not a new page


def test_print_this_drill_without_javascript_shows_the_sheet(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    page.goto(live_server.url + DRILL_PATH)
    page.get_by_role("link", name="Print this drill").click()
    page.wait_for_url(f"{live_server.url}{DRILL_PATH}?print=1")
    expect(page.locator(".print-view-note")).to_contain_text("Print command")
    furniture = page.locator(".site-header, nav, .site-footer, form")
    expect(furniture.filter(visible=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="How to do it")).to_be_visible()
    expect(page.locator(".print-address")).to_have_text(live_server.url + DRILL_PATH)
    page.emulate_media(media="print")
    expect(page.locator(".print-view-note")).to_be_hidden()


def _motion_seen(page: Page, base_url: str, demo_page: str) -> tuple[list[str], bool]:
    """What moved while a demonstration played and the drill filters swapped, and whether the
    SVG's own animation was paused."""
    page.goto(base_url + demo_page)
    page.evaluate(ANIMATE_DEMOS)
    page.evaluate(SAMPLE_ANIMATIONS)
    page.wait_for_timeout(300)
    paused = page.evaluate("document.querySelector('svg.demo-animated').animationsPaused()")
    page.evaluate("window.stopSampling = true")
    seen = page.evaluate("window.runningSeen")

    # A search: htmx fades its "Searching..." indicator in, swaps and settles the results.
    page.goto(base_url + "/blog/")
    page.evaluate(SAMPLE_ANIMATIONS)
    page.route("**/blog/search*", lambda route: (time.sleep(0.5), route.continue_()))
    page.get_by_label("Search the articles").fill("deadlif")
    expect(page.locator("#listing").get_by_role("status")).to_have_text(
        re.compile(r"^3 articles mention")
    )
    wait_for_htmx_to_settle(page)
    page.evaluate("window.stopSampling = true")
    page.unroute("**/blog/search*")
    return seen + page.evaluate("window.runningSeen"), paused


def test_with_reduced_motion_nothing_moves(
    page: Page, live_server: LiveServer, demo_page: str
) -> None:
    # The same steps with motion allowed see the demonstration and the loading indicator move,
    # so the reduced-motion run below is looking at things that really would animate.
    moving, paused = _motion_seen(page, live_server.url, demo_page)
    assert any("probe-spin" in seen for seen in moving), moving
    assert any("opacity" in seen for seen in moving), moving
    assert not paused

    page.emulate_media(reduced_motion="reduce")
    still, paused = _motion_seen(page, live_server.url, demo_page)
    assert still == []
    assert paused


# The elements that stick out on the right, to name the culprit when the page scrolls sideways.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1).slice(-4)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


ZOOMED_PAGES = [*PUBLIC_PAGES, "/contact/?topic=consultation", "/blog/", "/programs/", "/studio/"]


def test_text_at_200_percent_on_a_phone_does_not_scroll_sideways(
    page: Page, coach_page: Page, live_server: LiveServer
) -> None:
    """One walk over the pages on one site (check_each names every page that fails)."""

    def zoomed(path: str) -> None:
        tab = coach_page if path.startswith("/studio/") else page
        tab.set_viewport_size(PHONE)
        tab.goto(live_server.url + path)
        wait_for_htmx_to_settle(tab)
        body_font = "parseFloat(getComputedStyle(document.body).fontSize)"
        before = tab.evaluate(body_font)
        tab.evaluate("document.documentElement.style.fontSize = '200%'")
        assert tab.evaluate(body_font) == 2 * before
        wide = tab.evaluate(WIDEST)
        assert tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("innerWidth"), (
            wide
        )
        assert tab.evaluate(OVERFLOWING) == []

    check_each(ZOOMED_PAGES, zoomed)
