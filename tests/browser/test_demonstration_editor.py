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
from blueprints.drills.motion import parse_motion
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


ROTATED = """([name, turn]) => {
  const handle = document.querySelector(`.pose-handle[data-slider="${name}"]`);
  const matrix = handle.ownerSVGElement.getScreenCTM();
  const px = Number(handle.dataset.pivotX), py = Number(handle.dataset.pivotY);
  const x = handle.cx.baseVal.value, y = handle.cy.baseVal.value;
  const r = Math.hypot(x - px, y - py);
  const a = Math.atan2(py - y, x - px) + (turn * Math.PI) / 180;  // the figure's angles: y up
  const screen = (sx, sy) => new DOMPoint(sx, sy).matrixTransform(matrix);
  const from = screen(x, y), to = screen(px + r * Math.cos(a), py - r * Math.sin(a));
  return [from.x, from.y, to.x, to.y];
}"""


def test_dragging_a_hand_turns_the_forearm_and_redraws_the_figure(
    page: Page, live_server: LiveServer
) -> None:
    _open_editor(page, live_server, "Jefferson curl")
    slider = page.locator("#pose-arm_near-1")
    handle = page.locator('#demonstration-preview .pose-handle[data-slider="pose-arm_near-1"]')
    expect(handle).to_be_visible()
    assert handle.evaluate("h => h.closest('[aria-hidden=true]') !== null")  # sliders are the way
    assert handle.evaluate("h => getComputedStyle(h).touchAction") == "none"
    before_value = float(slider.input_value())
    figure = "#demonstration-preview .demo-pose-still svg > g:not(.pose-handles)"
    before_figure = page.locator(figure).inner_html()
    turn = 45 if before_value <= 0 else -45
    page.locator("#demonstration-preview .demo-pose-still").scroll_into_view_if_needed()
    x0, y0, x1, y1 = page.evaluate(ROTATED, ["pose-arm_near-1", turn])
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 11):  # slowly enough that the figure is redrawn under the pointer
        page.mouse.move(x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10)
        page.wait_for_timeout(40)
    page.mouse.up()
    page.wait_for_timeout(300)  # htmx's 120 ms pause after the last input
    wait_for_htmx_to_settle(page)
    after_value = float(slider.input_value())
    moved = (after_value - before_value) * (1 if turn > 0 else -1)
    assert 25 <= moved <= 65, (before_value, after_value)
    expect(page.locator("label[for='pose-arm_near-1'] output")).to_have_text(f"{after_value:g}°")
    page.wait_for_function(
        "([selector, before]) => document.querySelector(selector).innerHTML !== before",
        arg=[figure, before_figure],
    )
    expect(page.locator("#demonstration-status")).to_have_text("Preview redrawn: position 1.")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_text("Saved “Jefferson curl”.")).to_be_visible()
    with live_server.app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == "jefferson-curl"))
        assert drill is not None
        assert parse_motion(drill.motion).frames[0].pose["arm_near"][1] == after_value
        db.session.remove()


def test_dragging_the_hips_moves_them_forward(page: Page, live_server: LiveServer) -> None:
    _open_editor(page, live_server, "Jefferson curl")
    forward = page.locator("#pose-hip-0")
    before = float(forward.input_value())
    page.locator("#demonstration-preview .demo-pose-still").scroll_into_view_if_needed()
    box = page.locator("#demonstration-preview .pose-handle-hips").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y, steps=6)
    page.mouse.up()
    page.wait_for_timeout(300)
    wait_for_htmx_to_settle(page)
    assert float(forward.input_value()) > before + 5
    expect(page.locator("#demonstration-status")).to_have_text("Preview redrawn: position 1.")
