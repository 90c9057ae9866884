"""The demonstration editor without JavaScript: the page's own form, posted as a browser would.
Sliders pose the chosen position, the timeline adds, removes and times positions, a new drill
starts from its direction's figure, bad input is refused next to its field with nothing saved."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.drills.motion import parse_motion
from blueprints.drills.motion_files import (
    CONTENT_DRILLS,
    motion_text_for,
    plain_text,
    template_text,
)
from blueprints.drills.motion_writer import write_motion
from blueprints.studio.demonstration_positions import edit_positions, slider_values
from harness.browser_forms import forms_on
from harness.coach import coach_client
from harness.studio import drill_form, the_drill


@pytest.fixture
def studio_site() -> dict[str, object]:
    """The demo drills."""
    return {"seeded": True}


@pytest.fixture
def coach(app: Flask) -> FlaskClient:
    """The signed-in coach."""
    return coach_client(app)


def _editor(coach: FlaskClient, path: str) -> dict[str, str | list[str]]:
    """The drill form's fields as the page holds them (what a browser would send)."""
    return _editor_from(coach.get(path).get_data(as_text=True), path)


def _editor_from(html: str, path: str) -> dict[str, str | list[str]]:
    form = next(f for f in forms_on(html, path) if f.action.endswith(path))
    fields: dict[str, str | list[str]] = dict(form.fields)
    for name in ("equipment", "progresses_with"):  # every ticked box, not only the last
        boxes = re.findall(rf'<input [^>]*name="{name}"[^>]*>', html)
        fields[name] = [re.search(r'value="(\w+)"', b).group(1) for b in boxes if " checked" in b]  # type: ignore[union-attr]
    return fields


def _edit_path(app: Flask, slug: str) -> str:
    drill = the_drill(app, slug)
    assert drill is not None
    return f"/studio/drills/{drill.id}/edit"


@pytest.mark.parametrize("path", sorted(CONTENT_DRILLS.glob("*.motion.toml")))
def test_the_written_out_positions_read_back_as_the_same_movement(path: object) -> None:
    motion = parse_motion(path.read_text())  # type: ignore[attr-defined]
    assert parse_motion(write_motion(motion)) == motion


def test_saving_without_touching_a_slider_keeps_the_text_as_written(
    app: Flask, coach: FlaskClient
) -> None:
    path = _edit_path(app, "cat-cow")
    response = coach.post(path, data=_editor(coach, path))
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)', response.get_data(as_text=True))
    assert response.status_code == 302, errors
    drill = the_drill(app, "cat-cow")
    assert drill is not None and drill.motion == motion_text_for("cat-cow")  # comments and all


def test_a_slider_poses_the_chosen_position_redrawn_before_anything_is_saved(
    app: Flask, coach: FlaskClient
) -> None:
    path = _edit_path(app, "jefferson-curl")
    fields = _editor(coach, path)
    assert fields["pose-spine-1"] == "90"  # position 1 is chosen first: standing tall
    page = coach.post(path, data={**fields, "positions_action": "select-6"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<legend>Pose at position 6</legend>" in html
    fields = _editor_from(html, path)
    assert fields["pose-spine-1"] == "-55"
    moved = coach.post(path, data={**fields, "pose-spine-1": "-30", "positions_action": "select-6"})
    html = moved.get_data(as_text=True)
    assert 'name="pose-spine-1" min="-360" max="360" step="1" value="-30"' in html
    assert 'aria-label="Jefferson curl, position 6"' in html
    stored = the_drill(app, "jefferson-curl")
    assert stored is not None and stored.motion == motion_text_for("jefferson-curl")  # not yet
    saved = coach.post(path, data=_editor_from(html, path))
    assert saved.status_code == 302
    stored = the_drill(app, "jefferson-curl")
    assert stored is not None
    motion = parse_motion(stored.motion)
    assert motion.frames[5].pose["spine"] == (-10.0, -30.0, -90.0)
    original = parse_motion(motion_text_for("jefferson-curl"))
    assert [f.pose for i, f in enumerate(motion.frames) if i != 5] == [
        f.pose for i, f in enumerate(original.frames) if i != 5
    ]  # the other positions stay as they were


def test_the_timeline_adds_times_and_removes_positions(app: Flask, coach: FlaskClient) -> None:
    path = _edit_path(app, "cat-cow")
    fields = _editor(coach, path)
    count = len(parse_motion(motion_text_for("cat-cow")).frames)
    added = coach.post(path, data={**fields, "positions_action": "add-2"})
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and "<legend>Pose at position 3</legend>" in html
    assert len(re.findall(r">Position \d+</button>", html)) == count + 1
    fields = _editor_from(html, path)
    assert fields["at-3"] == "2.9"  # halfway between positions 2 (2.5 s) and 4 (3.2 s)
    retimed = coach.post(path, data={**fields, "at-3": "3", "positions_action": "remove-5"})
    fields = _editor_from(retimed.get_data(as_text=True), path)
    assert coach.post(path, data=fields).status_code == 302
    stored = the_drill(app, "cat-cow")
    assert stored is not None
    times = [frame.at for frame in parse_motion(stored.motion).frames]
    assert len(times) == count and times[2] == 3.0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"at-3": "1"}, "at-3", "Position 3 must start after position 2 (2.5 s)."),
        ({"at-2": "soon"}, "at-2", "Use a time from 0.1 to 60 seconds."),
        ({"pose-neck-0": "900"}, "pose-neck-0", "Use a number from -360 to 360."),
    ],
)
def test_bad_positions_are_refused_next_to_their_field_and_nothing_is_saved(
    app: Flask, coach: FlaskClient, change: dict[str, str], field: str, message: str
) -> None:
    path = _edit_path(app, "cat-cow")
    fields = {**_editor(coach, path), **change, "name": "Renamed"}
    response = coach.post(path, data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in html
    assert f'aria-invalid="true" aria-describedby="{field}-error"' in html
    stored = the_drill(app, "cat-cow")
    assert stored is not None and stored.name == "Cat-cow"
    assert stored.motion == motion_text_for("cat-cow")


def test_text_typed_under_advanced_wins_over_the_sliders_shown_with_it(
    app: Flask, coach: FlaskClient
) -> None:
    path = _edit_path(app, "cat-cow")
    fields = _editor(coach, path)
    typed = str(fields["motion"]).replace("at = 8\n", "at = 9\n")
    response = coach.post(path, data={**fields, "motion": typed, "pose-neck-0": "10"})
    assert response.status_code == 302
    stored = the_drill(app, "cat-cow")
    assert stored is not None and stored.motion == typed


@pytest.mark.parametrize("direction", ["extension", "flexion", "side_flexion", "rotation"])
def test_a_new_drill_starts_from_the_figure_for_its_direction(
    app: Flask, coach: FlaskClient, direction: str
) -> None:
    fields = _editor(coach, "/studio/drills/new")
    assert plain_text(str(fields["motion"])) == plain_text(template_text("extension"))
    form = drill_form(name=f"New {direction} drill", direction=direction, video_url="")
    response = coach.post("/studio/drills/new", data={**fields, **form})
    assert response.status_code == 302
    stored = the_drill(app, f"new-{direction.replace('_', '-')}-drill")
    assert stored is not None and stored.motion.strip() == template_text(direction).strip()


def test_the_editor_page_speaks_plainly(coach: FlaskClient) -> None:
    html = coach.get("/studio/drills/new").get_data(as_text=True)
    shown = re.sub(r"<details class=\"demo-advanced\".*?</details>", "", html, flags=re.S)
    shown = re.sub(r"<[^>]+>", " ", shown)
    assert not re.search(r"\b(toml|keyframes?|slug)\b", shown, re.I)
    assert "<summary>Advanced: the positions written out</summary>" in html


def test_moving_an_arm_placed_by_a_point_hands_it_back_to_its_angles() -> None:
    text = motion_text_for("side-plank")
    motion = parse_motion(text)
    assert motion.frames[0].pose["hand_near"]  # the elbow is set on the floor by a point
    shown = slider_values(motion, 0)
    untouched = edit_positions(
        motion, text, {f"pose-arm_near-{i}": str(shown[f"pose-arm_near-{i}"]) for i in range(2)}
    )
    assert untouched.text == text and not untouched.changed
    moved = edit_positions(
        motion, text, {"pose-arm_near-0": "-60", "pose-arm_near-1": str(shown["pose-arm_near-1"])}
    )
    pose = parse_motion(moved.text).frames[0].pose
    assert pose["hand_near"] == () and pose["arm_near"] == (-60.0, shown["pose-arm_near-1"])
    assert (
        parse_motion(moved.text).frames[1].pose["hand_near"] == motion.frames[1].pose["hand_near"]
    )


def test_an_angle_past_a_sliders_end_stays_as_written_until_the_slider_moves() -> None:
    text = motion_text_for("cat-cow").replace("neck = 4\n", "neck = 500\n", 1)
    motion = parse_motion(text)
    frame = next(i for i, f in enumerate(motion.frames) if f.pose["neck"] == (500.0,))
    form = {"demo_position": str(frame + 1), "pose-neck-0": "360"}  # where the browser keeps it
    assert edit_positions(motion, text, form).text == text
    moved = edit_positions(motion, text, {**form, "pose-neck-0": "300"})
    assert parse_motion(moved.text).frames[frame].pose["neck"] == (300.0,)
