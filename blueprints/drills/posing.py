"""Posing the figure: joint angles (or points a hand or ankle reaches for) to joint positions,
and the poses between keyframes, eased, to draw."""

from __future__ import annotations

import math
from dataclasses import dataclass

from blueprints.drills.motion import POSE_KEYS, Motion

Point = tuple[float, float]

# Segment lengths, from adult proportions (a figure about 186 units tall).
LUMBAR, THORAX, CHEST, NECK, HEAD_R = 20.0, 20.0, 18.0, 10.0, 12.0
THIGH, SHIN, FOOT = 46.0, 44.0, 15.0
UPPER_ARM, FOREARM = 33.0, 40.0


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
