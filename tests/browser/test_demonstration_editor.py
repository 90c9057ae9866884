"""The studio's demonstration editor in a real Chromium at laptop size: the coach poses the
figure with sliders and sees it change beside them without scrolling; a new drill starts with
the figure for its direction; the dark theme darkens the stage of a drill page's figure."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from blueprints.drills.models import Drill
from blueprints.drills.motion_files import template_text
from blueprints.shared.extensions import db
from harness import LiveServer
from harness.browser import AxeAudit, log_in_to_studio, wait_for_htmx_to_settle
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 800}
JARGON = re.compile(r"\b(toml|keyframes?|slug)\b", re.I)


def _in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return (
        box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


def _open_editor(page: Page, live_server: LiveServer, name: str) -> None:
    create_coach(live_server.app)
    page.set_viewport_size(LAPTOP)
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    page.goto(live_server.url + "/studio/drills")
    page.get_by_role("link", name=name, exact=True).click()


def test_sliders_change_the_pose_and_the_figure_beside_them_stays_in_view(
    page: Page, live_server: LiveServer
) -> None:
    audit = AxeAudit(page)
    _open_editor(page, live_server, "Jefferson curl")
    assert not JARGON.search(page.locator("main").inner_text())
    audit.check("the demonstration editor")
    page.get_by_role("button", name="Position 6", exact=True).click()
    expect(page.get_by_role("group", name="Pose at position 6")).to_be_visible()
    still = page.locator("#demonstration-preview .demo-pose-still svg")
    expect(still).to_have_attribute("aria-label", "Jefferson curl, position 6")
    before = still.inner_html()
    asked: list[str] = []
    answered: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "preview" in r.url else None)
    page.on("requestfinished", lambda r: answered.append(r.url) if "preview" in r.url else None)
    slider = page.get_by_role("slider", name=re.compile("^Middle back"))
    slider.focus()
    slider.press("ArrowRight")  # one degree at a time, as the keyboard moves it
    for _ in range(24):
        slider.press("ArrowRight")
    expect(page.locator("label[for='pose-spine-1'] output")).to_have_text("-30°")
    page.wait_for_function(
        "before => document.querySelector('#demonstration-preview .demo-pose-still svg')"
        ".innerHTML !== before",
        arg=before,
    )
    page.wait_for_timeout(400)  # the last key's request leaves after htmx's 120 ms pause
    for _ in range(50):  # then every preview asked for has been answered
        if asked and len(answered) == len(asked):
            break
        page.wait_for_timeout(100)
    wait_for_htmx_to_settle(page)
    assert page.evaluate("document.activeElement.id") == "pose-spine-1"  # still sliding
    assert _in_viewport(page, "#demonstration-preview .demo-pose-still"), "scroll to see it"
    expect(page.locator("#demonstration-status")).to_have_text("Preview redrawn: position 6.")
    audit.check("the figure redrawn while sliding")
    audit.assert_clean()
    if os.environ.get("DEMO_EDITOR_SHOT"):
        page.screenshot(path=os.environ["DEMO_EDITOR_SHOT"])
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_text("Saved “Jefferson curl”.")).to_be_visible()
    with live_server.app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == "jefferson-curl"))
        assert drill is not None
        assert "spine = [-10, -30, -90]" in drill.motion
        db.session.remove()


def test_a_new_drill_starts_with_the_figure_for_its_direction(
    page: Page, live_server: LiveServer
) -> None:
    create_coach(live_server.app)
    page.set_viewport_size(LAPTOP)
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    page.goto(live_server.url + "/studio/drills/new")
    expect(page.locator("#demonstration-preview .demo-pose-still svg")).to_be_visible()
    assert not JARGON.search(page.locator("main").inner_text())
    page.get_by_label("Name", exact=True).fill("Seated rotation reach")
    page.get_by_label("Direction", exact=True).select_option("rotation")
    page.get_by_label("Summary", exact=True).fill("Turn the upper back while the hips stay square.")
    page.get_by_label("Steps, one per line").fill("Sit tall.\nTurn slowly.\nCome back.")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_text("Saved “Seated rotation reach”.")).to_be_visible()
    with live_server.app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.name == "Seated rotation reach"))
        assert drill is not None and drill.motion.strip() == template_text("rotation").strip()
        slug = drill.slug
        db.session.remove()
    page.goto(f"{live_server.url}/drills/{slug}")
    expect(page.locator(".demo-animated svg")).to_have_attribute("class", "figure-rotation")


def test_in_dark_mode_the_demonstration_stage_is_dark(
    browser: Browser, live_server: LiveServer
) -> None:
    for scheme, theme in (("light", "dark"), ("dark", "")):  # the switch, or the device's own
        context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
        if theme:
            context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/drills/jefferson-curl")
        stage = page.locator(".demo-animated svg rect.stage")
        fill = stage.evaluate("rect => getComputedStyle(rect).fill")
        red, green, blue = (int(n) for n in re.findall(r"\d+", fill)[:3])
        assert 0.2126 * red + 0.7152 * green + 0.0722 * blue < 60, fill
        body = page.locator(".demo-animated svg .body").first
        tone = body.evaluate("path => getComputedStyle(path).stroke")
        assert sum(int(n) for n in re.findall(r"\d+", tone)[:3]) > 3 * 120, tone  # light figure
        page.goto(f"{live_server.url}/drills/?direction=flexion")
        card = page.locator("img.drill-card-figure").first
        card.scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=card.element_handle()
        )
        assert "theme=dark" in card.evaluate("image => image.currentSrc")  # the dark file
        context.close()
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(f"{live_server.url}/drills/jefferson-curl")
    fill = page.locator(".demo-animated svg rect.stage").evaluate("r => getComputedStyle(r).fill")
    assert fill == "rgb(244, 242, 238)"  # the light stage, as the SVG file itself has it
    context.close()
