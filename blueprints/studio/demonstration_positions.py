"""The demonstration editor's model: one slider per joint for the chosen position, and the
timeline of positions (add, remove, time), applied to the written-out text and written back.

The text (motion.py's format) stays the one record of the movement: the page sends it with the
sliders and the times, and only what the coach moved is changed, so an expert's hand-written
text survives untouched until a slider or a time says otherwise (then it is written again by
motion_writer.py). A plain form does all of this; the page's script only asks for the preview
while a slider moves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from blueprints.drills.framing import skeleton_for
from blueprints.drills.motion import MAX_FRAMES, MAX_SECONDS, TARGETS, Frame, Motion
from blueprints.drills.motion_writer import write_motion


@dataclass(frozen=True)
class Slider:
    """One number of one joint of a pose, as the coach moves it."""

    key: str
    index: int
    label: str
    low: int = -360
    high: int = 360
    unit: str = "°"

    @property
    def name(self) -> str:
        """The form field's name."""
        return f"pose-{self.key}-{self.index}"


def _limb(key: str, side: str, parts: tuple[str, ...]) -> list[Slider]:
    return [Slider(key, i, f"{side} {part}") for i, part in enumerate(parts)]


GROUPS: dict[str, list[Slider]] = {
    "Body": [
        Slider("hip", 0, "Hips, back or forward", -200, 200, ""),
        Slider("hip", 1, "Hips, height", -60, 260, ""),
        Slider("spine", 0, "Lower back"),
        Slider("spine", 1, "Middle back"),
        Slider("spine", 2, "Upper back"),
        Slider("neck", 0, "Head and neck"),
    ],
    "Near arm": _limb("arm_near", "Near", ("upper arm", "forearm")),
    "Far arm": _limb("arm_far", "Far", ("upper arm", "forearm")),
    "Near leg": _limb("leg_near", "Near", ("thigh", "shin", "foot")),
    "Far leg": _limb("leg_far", "Far", ("thigh", "shin", "foot")),
}
SLIDERS = [slider for group in GROUPS.values() for slider in group]
ACTIONS = ("select", "add", "remove")


@dataclass
class PositionEdit:
    """What one submit did: the text to keep, the chosen position (0-based) and any refusals,
    each keyed by the name of the field it is about."""

    text: str
    selected: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    changed: bool = False


def _angle(a: tuple[float, float], b: tuple[float, float], fallback: float) -> float:
    if math.dist(a, b) < 0.5:  # seen end-on: no direction to read, keep the written one
        return fallback
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def slider_values(motion: Motion, index: int) -> dict[str, float]:
    """Each slider's value for one position; a hand or foot placed by a point shows the angles
    that put it there."""
    pose = motion.frames[index].pose
    skeleton = skeleton_for(motion, pose)
    values: dict[str, float] = {}
    for slider in SLIDERS:
        values[slider.name] = pose[slider.key][slider.index]
    for limb, target in TARGETS.items():
        if pose[target]:
            side = limb.split("_")[1]
            points = (skeleton.arms if limb.startswith("arm") else skeleton.legs)[side]
            for i in range(2):
                values[f"pose-{limb}-{i}"] = _angle(points[i], points[i + 1], pose[limb][i])
    return {name: round(value, 1) for name, value in values.items()}


def _number(raw: str | None) -> float | None:
    try:
        value = float(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _on_slider(slider: Slider, value: float) -> float:
    """Where the page's slider shows a value (a browser keeps a range input within its ends)."""
    return min(max(value, slider.low), slider.high)


def _moved_pose(motion: Motion, index: int, form: Mapping[str, str], edit: PositionEdit) -> Frame:
    """The chosen position with the sliders the coach moved (half a step counts as still)."""
    frame = motion.frames[index]
    shown = slider_values(motion, index)
    pose = dict(frame.pose)
    for key in dict.fromkeys(slider.key for slider in SLIDERS):
        sliders = [slider for slider in SLIDERS if slider.key == key]
        numbers = [shown[slider.name] for slider in sliders]
        moved = False
        for slider in sliders:
            if slider.name not in form:
                continue
            value = _number(form.get(slider.name))
            if value is None or not slider.low <= value <= slider.high:
                edit.errors[slider.name] = f"Use a number from {slider.low} to {slider.high}."
            elif abs(value - _on_slider(slider, shown[slider.name])) >= 0.5:
                numbers[slider.index], moved = value, True
        if moved:
            pose[key] = tuple(numbers)
            if key in TARGETS:  # the limb now follows its angles, not a point
                pose[TARGETS[key]] = ()
            edit.changed = True
    return replace(frame, pose=pose)


def _times(motion: Motion, form: Mapping[str, str], edit: PositionEdit) -> list[float]:
    """The positions' start times, as given where they changed; refused ones stay as they were."""
    times = [frame.at for frame in motion.frames]
    given = list(times)
    for n in range(2, len(times) + 1):
        name = f"at-{n}"
        if name not in form:
            continue
        value = _number(form.get(name))
        if value is None or not 0 < value <= MAX_SECONDS:
            edit.errors[name] = f"Use a time from 0.1 to {MAX_SECONDS:g} seconds."
        elif abs(value - times[n - 1]) >= 0.05:
            given[n - 1] = round(value, 1)
    for n in range(2, len(given) + 1):
        if given[n - 1] <= given[n - 2] and f"at-{n}" not in edit.errors:
            edit.errors[f"at-{n}"] = (
                f"Position {n} must start after position {n - 1} ({given[n - 2]:g} s)."
            )
    if any(name.startswith("at-") for name in edit.errors):
        return times
    edit.changed = edit.changed or given != times
    return given


def _action(form: Mapping[str, str]) -> tuple[str, int]:
    verb, _, number = form.get("positions_action", "").partition("-")
    return (verb, int(number) - 1) if verb in ACTIONS and number.isdigit() else ("", -1)


def edit_positions(motion: Motion, text: str, form: Mapping[str, str]) -> PositionEdit:
    """Apply the sliders, the times and the timeline button the coach pressed to the text."""
    chosen = _number(form.get("demo_position"))
    selected = min(max(int(chosen or 1) - 1, 0), len(motion.frames) - 1)
    edit = PositionEdit(text, selected)
    frames = list(motion.frames)
    frames[selected] = _moved_pose(motion, selected, form, edit)
    times = _times(motion, form, edit)
    frames = [replace(frame, at=at) for frame, at in zip(frames, times, strict=True)]
    end = motion.end
    verb, index = _action(form)
    if 0 <= index < len(frames):
        if verb == "select":
            edit.selected = index
        elif verb == "add":
            frames, end = _add_after(frames, index, end, edit)
        elif verb == "remove":
            frames, end = _remove(frames, index, end, edit)
    if edit.changed:
        edit.text = write_motion(replace(motion, frames=frames, end=end))
    return edit


def _add_after(
    frames: list[Frame], index: int, end: int, edit: PositionEdit
) -> tuple[list[Frame], int]:
    if len(frames) >= MAX_FRAMES:
        edit.errors["positions"] = f"A demonstration holds at most {MAX_FRAMES} positions."
        return frames, end
    start = frames[index].at
    later = frames[index + 1].at if index + 1 < len(frames) else min(start + 2, MAX_SECONDS)
    at = round((start + later) / 2, 1)
    if not start < at < later:
        edit.errors[f"at-{index + 2}"] = (
            f"There is no time free after position {index + 1}: start the next one later first."
        )
        return frames, end
    frames = [*frames[: index + 1], replace(frames[index], at=at), *frames[index + 1 :]]
    edit.selected, edit.changed = index + 1, True
    return frames, end + 1 if end > index else end


def _remove(
    frames: list[Frame], index: int, end: int, edit: PositionEdit
) -> tuple[list[Frame], int]:
    if len(frames) <= 2:
        edit.errors["positions"] = "A movement needs at least two positions."
        return frames, end
    frames = frames[:index] + frames[index + 1 :]
    if index == 0:  # the new first position starts the loop
        offset = frames[0].at
        frames = [replace(frame, at=round(frame.at - offset, 1)) for frame in frames]
    edit.selected, edit.changed = min(index, len(frames) - 1), True
    return frames, min(end - 1 if end > index else end, len(frames) - 1)
