"""The demonstration editor's drag handles, as the server places them: each sits where its
segment ends, and the direction from the joint it turns about (plus its offset) is its slider's
value, for every position of every shipped drill and template; the hips' handle maps back to
the hips' sliders. Only the editor's preview carries them."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from flask import Flask

from blueprints.drills.motion import parse_motion
from blueprints.drills.motion_files import CONTENT_DRILLS
from blueprints.studio.demonstration_handles import pose_handles
from blueprints.studio.demonstration_positions import SLIDERS, slider_values
from harness.coach import coach_client
from harness.studio import the_drill

TEMPLATES = Path(__file__).parents[2] / "blueprints" / "drills" / "motion_templates"
MOTIONS = sorted(CONTENT_DRILLS.glob("*.motion.toml")) + sorted(TEMPLATES.glob("*.motion.toml"))
CIRCLE = re.compile(r"<circle ([^>]*)/>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


@pytest.fixture
def studio_site() -> dict[str, object]:
    """The demo drills."""
    return {"seeded": True}


def _handles(markup: str) -> list[dict[str, str]]:
    return [dict(ATTRIBUTE.findall(attrs)) for attrs in CIRCLE.findall(markup)]


@pytest.mark.parametrize("path", MOTIONS, ids=lambda p: p.name)
def test_dragging_a_handle_to_where_it_is_gives_its_sliders_value(path: Path) -> None:
    motion = parse_motion(path.read_text())
    angle_sliders = {s.name for s in SLIDERS if s.key != "hip"}
    for frame in range(len(motion.frames)):
        values = slider_values(motion, frame)
        handles = _handles(pose_handles(motion, frame))
        seen = {h["data-slider"] for h in handles if "data-slider" in h}
        assert seen <= angle_sliders and len(seen) >= 4, seen  # end-on segments have none
        for h in handles:
            x, y = float(h["cx"]), float(h["cy"])
            if "data-slider" in h:  # what the page's script computes, with y flipped
                px, py = float(h["data-pivot-x"]), float(h["data-pivot-y"])
                angle = math.degrees(math.atan2(py - y, x - px)) + float(h["data-offset"])
                turn = (angle - values[h["data-slider"]] + 180) % 360 - 180
                assert abs(turn) < 1.5, (path.name, frame, h["data-slider"], angle)
            else:
                assert float(h["data-origin-x"]) + x == pytest.approx(values["pose-hip-0"], abs=0.2)
                assert float(h["data-origin-y"]) - y == pytest.approx(values["pose-hip-1"], abs=0.2)


def test_only_the_editors_preview_carries_the_handles(app: Flask) -> None:
    coach = coach_client(app)
    drill = the_drill(app, "jefferson-curl")
    assert drill is not None
    editor = coach.get(f"/studio/drills/{drill.id}/edit").get_data(as_text=True)
    assert editor.count('class="pose-handle') >= 10
    drawn = r'<svg [^>]*"Jefferson curl, position 1">.*?<g class="pose-handles" aria-hidden="true">'
    assert re.search(drawn, editor, re.S)  # inside the picture, which is markup, not text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', editor)
    form = {
        "csrf_token": token.group(1) if token else "",
        "name": "Jefferson curl",
        "direction": "flexion",
        "motion": drill.motion,
    }
    url = "/studio/drills/demonstration-preview"
    fragment = coach.post(url, data=form, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'class="pose-handle' in fragment.get_data(as_text=True)
    new_tab = coach.post(url, data=form)
    assert new_tab.status_code == 200 and "pose-handle" not in new_tab.get_data(as_text=True)
    public = app.test_client().get("/drills/jefferson-curl").get_data(as_text=True)
    assert "pose-handle" not in public
