"""Framing a demonstration: the stage (the SVG's viewBox) computed from the movement itself.

Every sampled pose of the loop and every piece of kit, each point grown by the half-width of
the stroke drawn through it, make one bounding box; the stage is that box plus a margin, centred,
widened or heightened only as far as its shape must stay between MIN_ASPECT and MAX_ASPECT. So
a figure fills its picture whatever the drill, with nothing tuned per drill.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from blueprints.drills.motion import Motion
from blueprints.drills.posing import Point, Skeleton, pose_skeleton, sample_poses

TORSO_WIDTH = {"side": 25, "front": 30, "top": 23}
LEG_WIDTHS, ARM_WIDTHS = (16, 12), (11, 9)
OUTLINE = 4  # the stage-coloured edge around the near arm, so it reads in front of the trunk
HEAD_R = 12
LOAD_REACH = 20  # how far the drawn load reaches from the point it is held at
MARGIN = 14  # figure units between the furthest stroke and the edge of the stage
MIN_ASPECT, MAX_ASPECT = 1.2, 2.0  # width / height of the stage
MIN_HEIGHT = 110.0  # a small figure (seen from above) is not blown up past this


@dataclass(frozen=True)
class Stage:
    """The picture's window onto the figure: left and top edges (figure units, y up), size."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        """The lower edge in figure units."""
        return self.top - self.height


def skeleton_for(motion: Motion, pose: dict[str, tuple[float, ...]]) -> Skeleton:
    """The skeleton as drawn: side views point the nose forwards unless the author placed it."""
    if not motion.face_set and motion.view == "side":
        pose = {**pose, "face": (pose["neck"][0] - 90, 1.0)}
    return pose_skeleton(pose, motion.face_set or motion.view == "side")


def drawn_skeleton_at(motion: Motion, seconds: float) -> Skeleton:
    """The figure as the animation draws it `seconds` into the loop: every point moves in a
    straight line from one sample to the next (SMIL's values), eased within the step."""
    samples = sample_poses(motion)
    at = min(max(seconds / motion.duration, 0.0), 1.0)
    for before, after in zip(samples, samples[1:], strict=False):
        if at <= after.at:
            progress = (at - before.at) / ((after.at - before.at) or 1)
            return _between(
                skeleton_for(motion, before.pose),
                skeleton_for(motion, after.pose),
                progress * progress * (3 - 2 * progress),
            )
    return skeleton_for(motion, samples[-1].pose)


def _between(a: Skeleton, b: Skeleton, amount: float) -> Skeleton:
    def point(p: Point, q: Point) -> Point:
        return p[0] + (q[0] - p[0]) * amount, p[1] + (q[1] - p[1]) * amount

    def run(ps: list[Point] | tuple, qs: list[Point] | tuple) -> list[Point]:
        return [point(p, q) for p, q in zip(ps, qs, strict=True)]

    nose = point(a.nose, b.nose) if a.nose is not None and b.nose is not None else a.nose
    return Skeleton(
        run(a.spine, b.spine),
        point(a.neck, b.neck),
        point(a.head, b.head),
        nose,
        tuple(run(a.hips, b.hips)),  # type: ignore[arg-type]
        tuple(run(a.shoulders, b.shoulders)),  # type: ignore[arg-type]
        {side: run(a.legs[side], b.legs[side]) for side in a.legs},
        {side: run(a.arms[side], b.arms[side]) for side in a.arms},
    )


def load_point(s: Skeleton, motion: Motion) -> Point:
    """Where the load sits: between the hands or the feet, or hugged in front of the chest."""
    if motion.load_at == "chest":
        (cx, cy), (tx, ty) = s.spine[2], s.spine[3]
        length = math.hypot(tx - cx, ty - cy) or 1
        return cx + (ty - cy) / length * 17, cy - (tx - cx) / length * 17
    if motion.load_at == "feet":
        a, b = s.legs["near"][2], s.legs["far"][2]
    else:
        a, b = s.arms["near"][-1], s.arms["far"][-1]
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def figure_extents(s: Skeleton, motion: Motion) -> list[tuple[float, float, float]]:
    """Every drawn point of one pose with the radius its stroke reaches around it."""
    torso = TORSO_WIDTH[motion.view] / 2
    out = [(x, y, torso) for x, y in (*s.spine, *s.hips, *s.shoulders)]
    out.append((*s.head, HEAD_R + 1))
    out.append((*s.neck, 5))
    if s.nose is not None:
        out.append((*s.nose, 5))
    for side in ("near", "far"):
        out += [(x, y, LEG_WIDTHS[0] / 2) for x, y in s.legs[side]]
        arm = ARM_WIDTHS[0] / 2 + (OUTLINE / 2 if side == "near" else 0)
        out += [(x, y, arm) for x, y in s.arms[side]]
    if motion.load:
        out.append((*load_point(s, motion), LOAD_REACH))
    return out


def kit_extents(motion: Motion) -> list[tuple[float, float, float]]:
    """The corners and ends of the kit (a wall counts by its face only: it runs off the top)."""
    out: list[tuple[float, float, float]] = []
    for prop in motion.props:
        v = {name: value if len(value) > 1 else value[0] for name, value in prop.values.items()}
        if prop.kind in {"box", "bench"}:
            out += [(v["x"], 0, 1), (v["x"] + v["width"], v["height"] + 4, 1)]
        elif prop.kind == "mat":
            depth = 60 if motion.view == "top" else 3
            out += [(v["x"], -depth, 0), (v["x"] + v["width"], depth, 0)]
        elif prop.kind == "beam":
            out += [(*v["from"], v["width"] / 2), (*v["to"], v["width"] / 2)]
        elif prop.kind == "disc":
            out.append((*v["at"], v["radius"] + 1))
        elif prop.kind == "band":
            out.append((*v["anchor"], 2))
        elif prop.kind == "wall":
            out.append((v["x"] + 6, 0, 7))
    return out


def stage_for(motion: Motion, skeletons: list[Skeleton]) -> Stage:
    """The stage holding every given pose and the kit, with the margin, centred."""
    points = kit_extents(motion)
    for s in skeletons:
        points += figure_extents(s, motion)
    left = min(x - r for x, _, r in points) - MARGIN
    right = max(x + r for x, _, r in points) + MARGIN
    bottom = min(y - r for _, y, r in points) - MARGIN
    top = max(y + r for _, y, r in points) + MARGIN
    if motion.floor and motion.view != "top":
        bottom = min(bottom, -MARGIN)  # a strip of floor under the feet
    width, height = right - left, max(top - bottom, MIN_HEIGHT)
    width = max(width, height * MIN_ASPECT)
    height = max(height, width / MAX_ASPECT)
    centre_x, centre_y = (left + right) / 2, (bottom + top) / 2
    return Stage(centre_x - width / 2, centre_y + height / 2, width, height)


def loop_stage(motion: Motion) -> Stage:
    """The stage of the whole loop (every sampled pose), as render_svg draws it."""
    return stage_for(motion, [skeleton_for(motion, sample.pose) for sample in sample_poses(motion)])
