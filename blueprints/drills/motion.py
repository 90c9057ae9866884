"""A drill's movement as keyframes: parse and check the coach's TOML (posing.py poses it,
demonstration.py draws it).

The description is small on purpose (see content/drills/*.motion.toml). Top-level settings:
`view` ("side", "front" or "top"), `load` ("dumbbell", "plate", "kettlebell") held at `load_at`
("hands", "feet", "chest"), `end` (the frame number showing the end position), `floor` and
`shade_far` (true/false). Each `[[prop]]` is a piece of kit (PROP_FIELDS). Each `[[frame]]` gives
`at` (seconds; the first at 0, the last ends the loop), optionally `ease` ("in-out", "linear"),
and the joints that change from the frame before (POSE_KEYS); angles in degrees, 0 pointing
right and 90 straight up; positions in figure units (a figure about 186 tall, floor at 0).
Every error names the line of the text it is about, so the studio can point at it.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field

MAX_FRAMES = 40
MAX_CHARS = 20_000  # the studio refuses longer text; the demo drills use 1-3 KB
MAX_SECONDS = 60.0
VIEWS = ("side", "front", "top")
LOADS = ("dumbbell", "plate", "kettlebell")

# Pose keys: how many numbers each takes and the range each number must lie in.
POSE_KEYS: dict[str, tuple[int, float, float]] = {
    "hip": (2, -400, 400),  # pelvis centre x, y
    "spine": (3, -720, 720),  # lumbar, lower and upper thorax
    "neck": (1, -720, 720),  # neck and head
    "spine_scale": (4, -1.5, 1.5),  # lumbar, thorax, chest, neck as seen (0: end-on)
    "face": (2, -720, 720),  # where the nose points, how far it shows (1 profile, 0 end-on)
    "pelvis": (1, -40, 40),  # half-width between the hip joints as seen (0 from the side)
    "shoulders": (1, -40, 40),  # half-width between the shoulder joints; negative swaps sides
    "leg_near": (3, -720, 720),  # thigh, shin, foot
    "leg_far": (3, -720, 720),
    "arm_near": (2, -720, 720),  # upper arm, forearm (with the hand)
    "arm_far": (2, -720, 720),
    # Points instead of angles: where a hand or ankle goes (x, y) and which way the elbow or
    # knee bends (1: counter-clockwise of the line to it, -1: clockwise); the angles follow.
    "hand_near": (3, -400, 400),
    "hand_far": (3, -400, 400),
    "ankle_near": (3, -400, 400),
    "ankle_far": (3, -400, 400),
    "leg_near_scale": (3, -1.5, 1.5),  # foreshortening: 1 full length, 0 end-on, -1 reversed
    "leg_far_scale": (3, -1.5, 1.5),
    "arm_near_scale": (2, -1.5, 1.5),
    "arm_far_scale": (2, -1.5, 1.5),
}
STANDING: dict[str, tuple[float, ...]] = {
    "hip": (0.0, 95.0),
    "spine": (90.0, 90.0, 90.0),
    "neck": (90.0,),
    "spine_scale": (1.0, 1.0, 1.0, 1.0),
    "face": (0.0, 1.0),
    "pelvis": (0.0,),
    "shoulders": (0.0,),
    "leg_near": (-90.0, -90.0, 0.0),
    "leg_far": (-90.0, -90.0, 0.0),
    "arm_near": (-90.0, -90.0),
    "arm_far": (-90.0, -90.0),
    "hand_near": (),
    "hand_far": (),
    "ankle_near": (),
    "ankle_far": (),
    "leg_near_scale": (1.0, 1.0, 1.0),
    "leg_far_scale": (1.0, 1.0, 1.0),
    "arm_near_scale": (1.0, 1.0),
    "arm_far_scale": (1.0, 1.0),
}
EASINGS = ("in-out", "linear")
TARGETS = {
    "arm_near": "hand_near",
    "arm_far": "hand_far",
    "leg_near": "ankle_near",
    "leg_far": "ankle_far",
}

# Props: the kit drawn behind the figure, each with the numbers it needs.
PROP_FIELDS: dict[str, tuple[str, ...]] = {
    "box": ("x", "width", "height"),  # standing on the floor
    "bench": ("x", "width", "height"),  # a flat bench: pad on two legs
    "beam": ("from", "to", "width"),  # a bar or pad between two points (frames, inclines)
    "disc": ("at", "radius"),  # a roller, the end of a bar
    "mat": ("x", "width"),
    "wall": ("x",),
    "band": ("anchor",),  # runs from the anchor to the hands
}
POINT_FIELDS = {"from", "to", "at", "anchor"}
TOP_KEYS = {"view", "load", "load_at", "end", "frame", "prop", "floor", "shade_far"}


class MotionError(ValueError):
    """A keyframe description that cannot be drawn; `line` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(f"Line {line}: {message}" if line else message)
        self.line = line
        self.detail = message


@dataclass(frozen=True)
class Prop:
    """One piece of kit."""

    kind: str
    values: dict[str, tuple[float, ...]]


@dataclass(frozen=True)
class Frame:
    """One keyframe: its time, the complete pose, and the easing of the move into it."""

    at: float
    pose: dict[str, tuple[float, ...]]
    ease: str = "in-out"


@dataclass(frozen=True)
class Motion:
    """A checked description, ready to pose and draw."""

    view: str
    frames: list[Frame]
    props: list[Prop] = field(default_factory=list)
    load: str = ""
    load_at: str = "hands"
    end: int = 0  # index of the frame that shows the end position
    floor: bool = True
    face_set: bool = False  # the author placed the nose; else side views point it forwards
    shade_far: bool = True  # draw the far limbs paler (not from the front, nor from above standing)

    @property
    def duration(self) -> float:
        """Seconds in one loop."""
        return self.frames[-1].at


class _Lines:
    """Finds the line of a key inside the n-th [[frame]] or [[prop]] of the source text."""

    HEADER = re.compile(r"^\s*\[\[\s*(\w+)\s*\]\]")
    KEY = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=")

    def __init__(self, text: str) -> None:
        self.keys: dict[tuple[str, int, str], int] = {}
        self.headers: dict[tuple[str, int], int] = {}
        counts: dict[str, int] = {}
        table, index = "", 0
        for number, line in enumerate(text.splitlines(), start=1):
            if header := self.HEADER.match(line):
                table = header.group(1)
                index = counts.get(table, 0)
                counts[table] = index + 1
                self.headers[(table, index)] = number
            elif key := self.KEY.match(line):
                self.keys.setdefault((table, index, key.group(1)), number)

    def of(self, table: str, index: int, key: str | None = None) -> int:
        """The line number, falling back to the table's header."""
        if key is not None and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        return self.headers.get((table, index), 0)


def parse_motion(text: str) -> Motion:
    """Parse and check a keyframe description; MotionError names the first bad line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else 0
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or "Not valid TOML."
        raise MotionError(f"{detail} (this is not valid TOML here).", line) from None
    lines = _Lines(text)
    for key in data:
        if key not in TOP_KEYS:
            raise MotionError(f"Unknown setting '{key}'.", lines.of("", 0, key))
    view = _choice(data, "view", VIEWS, "side", lines)
    load = _choice(data, "load", ("", *LOADS), "", lines)
    load_at = _choice(data, "load_at", ("hands", "feet", "chest"), "hands", lines)
    floor, shade_far = data.get("floor", True), data.get("shade_far", view != "front")
    for key, value in (("floor", floor), ("shade_far", shade_far)):
        if not isinstance(value, bool):
            raise MotionError(f"'{key}' must be true or false.", lines.of("", 0, key))
    frames = _frames(data.get("frame"), lines)
    props = [_prop(item, index, lines) for index, item in enumerate(_tables(data, "prop", lines))]
    end = data.get("end", 0)
    if isinstance(end, bool) or not isinstance(end, int) or not 0 <= end <= len(frames):
        raise MotionError(
            f"'end' must be a frame number from 1 to {len(frames)}.", lines.of("", 0, "end")
        )
    end_index = end - 1 if end else _furthest_from_start(frames)
    face_set = any("face" in item for item in data.get("frame", []))
    return Motion(view, frames, props, load, load_at, end_index, floor, face_set, shade_far)


def _choice(data: dict, key: str, allowed: tuple[str, ...], default: str, lines: _Lines) -> str:
    value = data.get(key, default)
    if value not in allowed:
        names = ", ".join(f"'{name}'" for name in allowed if name)
        raise MotionError(f"'{key}' must be one of {names}.", lines.of("", 0, key))
    return value


def _tables(data: dict, name: str, lines: _Lines) -> list[dict]:
    items = data.get(name, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise MotionError(f"Write each {name} as a [[{name}]] table.", lines.of("", 0, name))
    return items


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _numbers(value: object, count: int, low: float, high: float) -> tuple[float, ...] | None:
    items = value if isinstance(value, list) else [value]
    if len(items) != count or not all(_number(item) for item in items):
        return None
    if not all(low <= item <= high for item in items):
        return None
    return tuple(float(item) for item in items)


def _frames(raw: object, lines: _Lines) -> list[Frame]:
    if not raw:
        raise MotionError("Add at least two [[frame]] tables, each with 'at' (seconds).")
    items = _tables({"frame": raw}, "frame", lines)
    if len(items) < 2:
        raise MotionError("A movement needs at least two [[frame]] tables.", lines.of("frame", 0))
    if len(items) > MAX_FRAMES:
        raise MotionError(f"Use at most {MAX_FRAMES} frames.", lines.of("frame", MAX_FRAMES))
    frames: list[Frame] = []
    pose = dict(STANDING)
    for index, item in enumerate(items):
        at = item.get("at")
        if not _number(at) or not 0 <= at <= MAX_SECONDS:
            problem = f"needs 'at', a time from 0 to {MAX_SECONDS:g} seconds"
            raise MotionError(f"Frame {index + 1} {problem}.", lines.of("frame", index, "at"))
        if index == 0 and at != 0:
            raise MotionError("The first frame must be at 0 seconds.", lines.of("frame", 0, "at"))
        if frames and at <= frames[-1].at:
            message = f"Frame {index + 1} must come later than {frames[-1].at:g} s."
            raise MotionError(message, lines.of("frame", index, "at"))
        ease = item.get("ease", "in-out")
        if ease not in EASINGS:
            message = "'ease' must be 'in-out' or 'linear'."
            raise MotionError(message, lines.of("frame", index, "ease"))
        pose = dict(pose)
        for key, value in item.items():
            if key in {"at", "ease"}:
                continue
            if key not in POSE_KEYS:
                message = f"Unknown joint '{key}'; use one of: {', '.join(POSE_KEYS)}."
                raise MotionError(message, lines.of("frame", index, key))
            count, low, high = POSE_KEYS[key]
            numbers = _numbers(value, count, low, high)
            if numbers is None:
                shape = "a number" if count == 1 else f"a list of {count} numbers"
                message = f"'{key}' must be {shape} from {low:g} to {high:g}."
                raise MotionError(message, lines.of("frame", index, key))
            pose[key] = numbers
        for limb, target in TARGETS.items():
            if limb in item and target not in item:
                pose[target] = ()  # angles given again: the limb no longer reaches for a point
        frames.append(Frame(float(at), pose, ease))
    return frames


def _prop(item: dict, index: int, lines: _Lines) -> Prop:
    kind = item.get("kind")
    if kind not in PROP_FIELDS:
        kinds = ", ".join(PROP_FIELDS)
        message = f"A prop's 'kind' must be one of {kinds}."
        raise MotionError(message, lines.of("prop", index, "kind"))
    values: dict[str, tuple[float, ...]] = {}
    for name in PROP_FIELDS[kind]:
        count = 2 if name in POINT_FIELDS else 1
        numbers = _numbers(item.get(name), count, -400, 400)
        if numbers is None:
            shape = "[x, y]" if count == 2 else "a number from -400 to 400"
            message = f"A {kind} needs '{name}' as {shape}."
            raise MotionError(message, lines.of("prop", index, name if name in item else "kind"))
        values[name] = numbers
    extra = set(item) - set(PROP_FIELDS[kind]) - {"kind"}
    if extra:
        name = sorted(extra)[0]
        raise MotionError(f"A {kind} has no '{name}'.", lines.of("prop", index, name))
    return Prop(kind, values)


def _furthest_from_start(frames: list[Frame]) -> int:
    """The frame whose pose differs most from the first: the end of the movement."""
    first = frames[0].pose

    def distance(frame: Frame) -> float:
        pairs = (zip(frame.pose[key], first[key], strict=False) for key in POSE_KEYS)
        return sum(abs(a - b) for pair in pairs for a, b in pair)

    return max(range(len(frames)), key=lambda index: distance(frames[index]))
