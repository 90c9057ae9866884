"""Demonstrations composed in their frame: every drill's figure and kit stay inside the stage
with a margin at every instant, centred and filling it; the figures say what the drill is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprints.drills.demonstration import render_svg
from blueprints.drills.framing import (
    MARGIN,
    drawn_skeleton_at,
    figure_extents,
    kit_extents,
    load_point,
    skeleton_for,
    stage_for,
)
from blueprints.drills.motion import Motion, parse_motion
from blueprints.drills.motion_files import CONTENT_DRILLS, motion_text_for
from blueprints.drills.posing import sample_poses
from blueprints.shared.content import read_content_folder

DRILLS = {f.slug: f.front for f in read_content_folder(CONTENT_DRILLS)}
INSTANTS = 20


def _motion(slug: str) -> Motion:
    return parse_motion(motion_text_for(slug))


def _stage(motion: Motion):  # noqa: ANN202 - the Stage the drawing uses
    return stage_for(motion, [skeleton_for(motion, s.pose) for s in sample_poses(motion)])


def _extents_at(motion: Motion, index: int) -> list[tuple[float, float, float]]:
    seconds = motion.duration * index / (INSTANTS - 1)
    return figure_extents(drawn_skeleton_at(motion, seconds), motion)


@pytest.mark.parametrize("slug", sorted(DRILLS))
def test_the_figure_stays_inside_the_stage_with_a_margin_at_20_instants(slug: str) -> None:
    motion = _motion(slug)
    stage = _stage(motion)
    inner = MARGIN - 1
    for index in range(INSTANTS):
        for x, y, r in _extents_at(motion, index) + kit_extents(motion):
            assert stage.left + inner <= x - r and x + r <= stage.left + stage.width - inner
            assert stage.bottom + inner <= y - r and y + r <= stage.top - inner, (slug, index)


@pytest.mark.parametrize("slug", sorted(DRILLS))
def test_the_figure_and_its_kit_are_centred_and_fill_the_stage(slug: str) -> None:
    motion = _motion(slug)
    stage = _stage(motion)
    points = kit_extents(motion)
    for index in range(INSTANTS):
        points += _extents_at(motion, index)
    for sample in sample_poses(motion):  # the extremes, wherever the 20 instants fall
        points += figure_extents(drawn_skeleton_at(motion, sample.at * motion.duration), motion)
    left, right = min(x - r for x, _, r in points), max(x + r for x, _, r in points)
    low, high = min(y - r for _, y, r in points), max(y + r for _, y, r in points)
    if motion.floor and motion.view != "top":
        low = min(low, 0)  # the floor under the feet belongs to the picture
    assert (left + right) / 2 == pytest.approx(stage.left + stage.width / 2, abs=3)
    assert (low + high) / 2 == pytest.approx(stage.top - stage.height / 2, abs=MARGIN)
    # one of the two directions is filled up to the margins; the other only as the shape allows
    filled = max((right - left) / stage.width, (high - low) / stage.height)
    assert filled > 0.8, f"{slug}: the movement uses {filled:.0%} of the stage"


def test_the_jefferson_curl_rolls_the_weight_below_the_top_of_the_box() -> None:
    motion = _motion("jefferson-curl")
    box = next(prop for prop in motion.props if prop.kind == "box")
    box_top = box.values["height"][0]
    box_front = box.values["x"][0] + box.values["width"][0]
    lowest = min(
        (drawn_skeleton_at(motion, motion.duration * i / 99) for i in range(100)),
        key=lambda s: min(s.arms["near"][-1][1], s.arms["far"][-1][1]),
    )
    hand = lowest.arms["near"][-1]
    assert hand[1] < box_top - 10, "the hands must pass below the top of the box"
    weight = load_point(lowest, motion)
    assert weight[0] - 11 > box_front, "the weight hangs in front of the box, not through it"
    assert motion.load == "dumbbell"
    animated = render_svg(motion, "flexion", label="x", frame=None)
    assert animated.count('class="ink-fill"') == 1  # the dumbbell, seen end-on


@pytest.mark.parametrize("slug", [slug for slug in sorted(DRILLS) if _motion(slug).load])
def test_a_drawn_load_is_kit_the_drill_lists(slug: str) -> None:
    kit = DRILLS[slug]["equipment"] + DRILLS[slug].get("progresses_with", [])
    assert _motion(slug).load in kit, f"{slug} draws a {_motion(slug).load} it does not list"


def test_the_jefferson_curl_needs_the_box_and_the_weight_it_is_shown_with() -> None:
    front = DRILLS["jefferson-curl"]
    assert front["equipment"] == ["box", "dumbbell"]
    assert front["progresses_with"] == ["kettlebell"]


def test_the_side_plank_reads_from_the_front_as_a_side_plank() -> None:
    motion = _motion("side-plank")
    assert motion.view == "front"
    held = skeleton_for(motion, motion.frames[motion.end].pose)
    shoulder, elbow, hand = held.arms["near"]  # the arm underneath props the body up
    assert elbow[1] < 10 and abs(shoulder[0] - elbow[0]) < 8, "elbow on the floor under it"
    assert abs(hand[0] - elbow[0]) + abs(hand[1] - elbow[1]) < 10, "forearm points at you"
    top_hand = held.arms["far"][-1]
    assert top_hand[1] > held.head[1] + 20, "the top arm reaches for the ceiling"
    hip, knee, head = held.legs["near"][0], held.legs["near"][1], held.head
    slope = (hip[1] - knee[1]) / (hip[0] - knee[0])
    assert head[1] == pytest.approx(hip[1] + slope * (head[0] - hip[0]), abs=8)  # one line


def test_the_stage_repaints_for_the_theme_through_classes() -> None:
    svg = render_svg(_motion("cat-cow"), "flexion", label="x", frame=0)
    assert svg.startswith('<svg class="figure-flexion" viewBox=')
    assert '<rect class="stage" width="100%" height="100%" fill="#f4f2ee"/>' in svg
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()
    for rule in (".stage { fill: var(--stage)", ".body { stroke: var(--tone)"):
        assert rule in css
    assert len(re.findall(r"--stage: #1d2529", css)) == 2  # both ways of asking for dark


def test_a_dark_file_is_drawn_in_the_dark_themes_colours() -> None:
    motion = _motion("jefferson-curl")
    light = render_svg(motion, "flexion", label="x", frame=0, standalone=True)
    dark = render_svg(motion, "flexion", label="x", frame=0, standalone=True, dark=True)
    assert 'fill="#f4f2ee"' in light and "#1d2529" not in light
    assert '<rect class="stage" width="100%" height="100%" fill="#1d2529"/>' in dark
    assert 'stroke="#c9a5e8"' in dark and "#f4f2ee" not in dark  # the dark page's flexion tone
