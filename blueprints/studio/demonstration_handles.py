"""The demonstration editor's drag handles: a circle on each joint of the posed figure that the
page's script lets the coach drag (static/js/studio.js, "dragging a joint").

Every angle slider turns one segment about the joint it starts from (posing.py: angles are
absolute, 0 pointing right and 90 up, y up), so a handle sits where that segment ends and
carries its slider's name and the joint it turns about, in the picture's units (y down). The
script only takes atan2 of the pointer about that joint (flipping y) and keeps the slider's
ends and step (a segment drawn with a negative length points backwards: its handle carries
an offset of 180 degrees). The hips' handle moves the pelvis: it carries the picture's origin
in figure units. The handles are aria-hidden; the sliders stay the accessible way to pose.
"""

from __future__ import annotations

import math

from markupsafe import Markup

from blueprints.drills.framing import Stage, loop_stage, skeleton_for
from blueprints.drills.motion import Motion
from blueprints.drills.posing import Point, Skeleton

RADIUS = 6  # picture units: about a fingertip at the preview's size on a laptop
SHORTEST = 3.0  # a segment seen end-on gets no handle: no direction to drag it by

Pose = dict[str, tuple[float, ...]]


def _segments(s: Skeleton, pose: Pose) -> list[tuple[str, Point, Point, float]]:
    """(slider, joint turned about, end of the segment, its length's scale) for every angle
    slider, far side first so that the near side's handles lie on top."""
    spine = pose["spine_scale"]
    out = [(f"pose-spine-{i}", s.spine[i], s.spine[i + 1], spine[i]) for i in range(3)]
    out.append(("pose-neck-0", s.spine[3], s.head, spine[3]))
    for side in ("far", "near"):
        arm, leg = s.arms[side], s.legs[side]
        arms, legs = pose[f"arm_{side}_scale"], pose[f"leg_{side}_scale"]
        out += [(f"pose-arm_{side}-{i}", arm[i], arm[i + 1], arms[i]) for i in range(2)]
        out += [(f"pose-leg_{side}-{i}", leg[i], leg[i + 1], legs[i]) for i in range(3)]
    return out


def _xy(stage: Stage, point: Point) -> tuple[str, str]:
    return f"{point[0] - stage.left:.1f}", f"{stage.top - point[1]:.1f}"


def pose_handles(motion: Motion, frame: int) -> Markup:
    """The handles for one position, as an SVG group for the end of that position's picture."""
    stage = loop_stage(motion)
    pose = motion.frames[frame].pose
    skeleton = skeleton_for(motion, pose)
    circles = []
    for slider, joint, end, scale in _segments(skeleton, pose):
        if math.dist(joint, end) < SHORTEST:
            continue
        (x, y), (px, py) = _xy(stage, end), _xy(stage, joint)
        offset = 180 if scale < 0 else 0  # a negative length draws the segment backwards
        circles.append(
            f'<circle class="pose-handle" cx="{x}" cy="{y}" r="{RADIUS}" data-handle="{slider}" '
            f'data-slider="{slider}" data-pivot-x="{px}" data-pivot-y="{py}" '
            f'data-offset="{offset}"/>'
        )
    x, y = _xy(stage, skeleton.spine[0])
    circles.append(
        f'<circle class="pose-handle pose-handle-hips" cx="{x}" cy="{y}" r="{RADIUS}" '
        f'data-handle="hips" data-slider-x="pose-hip-0" data-slider-y="pose-hip-1" '
        f'data-origin-x="{stage.left:.1f}" data-origin-y="{stage.top:.1f}"/>'
    )
    return Markup(f'<g class="pose-handles" aria-hidden="true">{"".join(circles)}</g>')  # noqa: S704 - numbers and fixed names


def with_handles(svg: str, handles: Markup) -> str:
    """The picture with the handles drawn last (on top of the figure)."""
    return f"{svg.removesuffix('</svg>')}{handles}</svg>"  # a str: Markup + str would escape
