"""A Motion written back as the text motion.py reads (the studio's position editor saves this).

Each position lists only what changed from the one before, as an author would write it, so the
text stays short and parse_motion(write_motion(m)) gives the same movement. Comments are not
kept: the studio writes the text again only when the coach changed a position with the sliders.
"""

from __future__ import annotations

from blueprints.drills.motion import POSE_KEYS, STANDING, TARGETS, Frame, Motion

HEADER = "# Written by the studio's position editor. Angles in degrees: 0 points right, 90 up."


def number(value: float) -> str:
    """A number as short as it reads: 90, -3.1, 0.5."""
    rounded = round(value, 3)
    return f"{rounded:g}" if rounded != 0 else "0"


def _value(key: str, values: tuple[float, ...]) -> str:
    if POSE_KEYS[key][0] == 1:
        return number(values[0])
    return _list(values)


def _list(values: tuple[float, ...]) -> str:
    return "[" + ", ".join(number(v) for v in values) + "]"


def _frame_keys(
    frame: Frame, before: dict[str, tuple[float, ...]], first: bool, face: bool
) -> list[str]:
    """The keys this frame must write so that it parses back to its whole pose."""
    pose = frame.pose
    keys = [key for key in POSE_KEYS if key not in TARGETS.values() and pose[key] != before[key]]
    if first and face and "face" not in keys:
        keys.append("face")  # an author-placed face, even where it points the default way
    for limb, target in TARGETS.items():
        if pose[target]:
            if pose[target] != before[target] or limb in keys:
                keys.append(target)  # writing the limb alone would stop it reaching
        elif before[target] and limb not in keys:
            keys.append(limb)  # the limb goes back to its angles
    return [key for key in POSE_KEYS if key in keys]


def write_motion(motion: Motion) -> str:
    """The movement as text, settings and kit first, then one table per position."""
    lines = [HEADER, f'view = "{motion.view}"']
    if motion.load:
        lines += [f'load = "{motion.load}"', f'load_at = "{motion.load_at}"']
    lines.append(f"end = {motion.end + 1}")
    if not motion.floor:
        lines.append("floor = false")
    if motion.shade_far != (motion.view != "front"):
        lines.append(f"shade_far = {'true' if motion.shade_far else 'false'}")
    for prop in motion.props:
        lines += ["", "[[prop]]", f'kind = "{prop.kind}"']
        for name, values in prop.values.items():
            shown = number(values[0]) if len(values) == 1 else _list(values)
            lines.append(f"{name} = {shown}")
    before = dict(STANDING)
    for index, frame in enumerate(motion.frames):
        lines += ["", "[[frame]]", f"at = {number(frame.at)}"]
        if frame.ease != "in-out":
            lines.append(f'ease = "{frame.ease}"')
        for key in _frame_keys(frame, before, index == 0, motion.face_set):
            lines.append(f"{key} = {_value(key, frame.pose[key])}")
        before = frame.pose
    return "\n".join(lines) + "\n"
