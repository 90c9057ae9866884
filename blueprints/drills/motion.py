"""A drill's movement as keyframes: parse and check the coach's TOML, then pose the figure.

The description is small on purpose (see content/drills/*.motion.toml): each `[[frame]]` gives a
time and the joint angles that change from the frame before; angles are in degrees, 0 pointing
right and 90 straight up; lengths and positions are in figure units (about 186 tall, floor at 0).
Every error names the line of the text it is about, so the studio can point at it.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field

Point = tuple[float, float]

MAX_FRAMES = 40
MAX_CHARS = 20_000  # the studio refuses longer text; the demo drills use 1-3 KB
MAX_SECONDS = 60.0
VIEWS = {"side": "Side view", "front": "Front view", "top": "View from above"}
LOADS = ("dumbbell", "plate", "kettlebell")

# Segment lengths, from adult proportions (a figure about 186 units tall).
LUMBAR, THORAX, CHEST, NECK, HEAD_R = 20.0, 20.0, 18.0, 10.0, 12.0
THIGH, SHIN, FOOT = 46.0, 44.0, 15.0
UPPER_ARM, FOREARM = 33.0, 40.0

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
    view = _choice(data, "view", tuple(VIEWS), "side", lines)
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


# --------------------------------------------------------------------------- posing


def _unit(degrees: float) -> Point:
    radians = math.radians(degrees)
    return math.cos(radians), math.sin(radians)


def _along(start: Point, degrees: float, length: float) -> Point:
    dx, dy = _unit(degrees)
    return start[0] + dx * length, start[1] + dy * length


@dataclass(frozen=True)
class Skeleton:
    """Joint positions of one pose, in figure units (y up)."""

    spine: list[Point]  # hip centre, waist, chest, top of the spine
    neck: Point
    head: Point
    nose: Point | None
    hips: tuple[Point, Point]  # near and far hip joints
    shoulders: tuple[Point, Point]  # near and far shoulder joints
    legs: dict[str, list[Point]]  # near/far: hip joint, knee, ankle, toe
    arms: dict[str, list[Point]]  # near/far: shoulder, elbow, hand


def pose_skeleton(pose: dict[str, tuple[float, ...]], nose: bool = True) -> Skeleton:
    """Forward kinematics: angles and the pelvis position to joint positions."""
    angles, scales = pose["spine"], pose["spine_scale"]
    spine: list[Point] = [pose["hip"]]
    for angle, length, scale in zip(angles, (LUMBAR, THORAX, CHEST), scales, strict=False):
        spine.append(_along(spine[-1], angle, length * scale))
    top = spine[-1]
    neck = _along(top, pose["neck"][0], NECK * scales[3])
    head = _along(neck, pose["neck"][0], (HEAD_R - 2) * scales[3])
    face_angle, face_reach = pose["face"]
    reach = min(max(face_reach, -1.0), 1.0)  # negative: turned the other way
    tip = _along(head, face_angle, (HEAD_R + 1) * reach) if nose else None
    pelvis, shoulders = pose["pelvis"][0], pose["shoulders"][0]
    base = _along(top, angles[2], -3 * scales[2])
    hips = tuple(_along(spine[0], angles[0] - 90, sign * pelvis) for sign in (1.0, -1.0))
    arms_from = tuple(_along(base, angles[2] - 90, sign * shoulders) for sign in (1.0, -1.0))
    legs, arms = {}, {}
    for side, hip, shoulder in zip(("near", "far"), hips, arms_from, strict=True):
        leg = pose[f"leg_{side}"]
        if target := pose[f"ankle_{side}"]:
            scale = pose[f"leg_{side}_scale"]
            leg = (*_reach(hip, target, THIGH * scale[0], SHIN * scale[1]), leg[2])
        arm = pose[f"arm_{side}"]
        if target := pose[f"hand_{side}"]:
            scale = pose[f"arm_{side}_scale"]
            arm = _reach(shoulder, target, UPPER_ARM * scale[0], FOREARM * scale[1])
        legs[side] = _chain(hip, leg, (THIGH, SHIN, FOOT), pose[f"leg_{side}_scale"])
        arms[side] = _chain(shoulder, arm, (UPPER_ARM, FOREARM), pose[f"arm_{side}_scale"])
    return Skeleton(spine, neck, head, tip, hips, arms_from, legs, arms)  # type: ignore[arg-type]


def _reach(
    start: Point, target: tuple[float, ...], first: float, second: float
) -> tuple[float, float]:
    """Two-link inverse kinematics: the angles that put the end of the chain on the target
    (or point it straight at the target when it is out of reach)."""
    dx, dy = target[0] - start[0], target[1] - start[1]
    distance = min(max(math.hypot(dx, dy), abs(first - second) + 0.01), first + second - 0.01)
    towards = math.degrees(math.atan2(dy, dx))
    cosine = (first**2 + distance**2 - second**2) / (2 * first * distance)
    upper = towards + math.copysign(1, target[2]) * math.degrees(math.acos(max(-1, min(1, cosine))))
    joint = _along(start, upper, first)
    lower = math.degrees(math.atan2(target[1] - joint[1], target[0] - joint[0]))
    if math.hypot(dx, dy) >= first + second:
        lower = upper = towards
    return upper, lower


def _chain(
    start: Point, angles: tuple[float, ...], lengths: tuple[float, ...], scales: tuple[float, ...]
) -> list[Point]:
    points = [start]
    for angle, length, scale in zip(angles, lengths, scales, strict=True):
        points.append(_along(points[-1], angle, length * scale))
    return points


def _blend(a: dict, b: dict, amount: float) -> dict[str, tuple[float, ...]]:
    blended = {}
    for key in POSE_KEYS:
        if len(a[key]) != len(b[key]):  # a limb starts or stops reaching for a point
            blended[key] = b[key] if amount >= 0.5 else a[key]
        else:
            blended[key] = tuple(x + (y - x) * amount for x, y in zip(a[key], b[key], strict=True))
    return blended


def _steps_between(a: dict, b: dict) -> int:
    """Sub-steps for one move: enough that no angle turns more than 30 degrees in a step
    (drawn straight between samples, a limb would otherwise visibly shorten mid-move)."""
    turn = max(
        abs(x - y)
        for key, (_, low, _) in POSE_KEYS.items()
        if low < -100
        for x, y in zip(a[key], b[key], strict=False)
    )
    scale = max(
        abs(x - y)
        for key in POSE_KEYS
        if key.endswith("_scale")
        for x, y in zip(a[key], b[key], strict=False)
    )
    return max(1, math.ceil(turn / 30), math.ceil(scale / 0.4))


IN_OUT, EASE_IN, EASE_OUT, LINEAR = ".45 0 .55 1", ".45 0 1 1", "0 0 .55 1", "0 0 1 1"


@dataclass(frozen=True)
class Sample:
    """One pose to draw: its time as a fraction of the loop, and the easing that leads to it."""

    at: float
    pose: dict[str, tuple[float, ...]]
    spline: str  # SMIL keySplines entry for the step that ends here


def sample_poses(motion: Motion) -> list[Sample]:
    """The poses to draw straight between, each posed by angle so limbs keep their length;
    a move split into steps eases in on its first step and out on its last."""
    frames, total = motion.frames, motion.duration
    samples = [Sample(0.0, frames[0].pose, "")]
    for before, after in zip(frames, frames[1:], strict=False):
        steps = _steps_between(before.pose, after.pose)
        for step in range(1, steps + 1):
            progress = step / steps
            if after.ease == "linear":
                spline = LINEAR
            elif steps == 1:
                spline = IN_OUT
            else:
                spline = EASE_IN if step == 1 else EASE_OUT if step == steps else LINEAR
            at = before.at + (after.at - before.at) * progress
            samples.append(Sample(at / total, _blend(before.pose, after.pose, progress), spline))
    return samples
