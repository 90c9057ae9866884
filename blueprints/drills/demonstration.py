"""A drill's demonstration drawn as SVG from its keyframes (see motion.py).

The animated figure moves with SMIL (<animate>, <animateTransform>): the motion lives in the
markup, so the page needs no inline script or style and the CSP stays as it is; every colour is a
presentation attribute, so the same SVG works inline and as an <img>. The animations wait for
`beginElement()` (begin="indefinite"): without our script the first frame simply stands still.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from blueprints.drills.demonstration_kit import draw_band, draw_load, draw_props
from blueprints.drills.framing import (
    ARM_WIDTHS,
    HEAD_R,
    LEG_WIDTHS,
    OUTLINE,
    TORSO_WIDTH,
    skeleton_for,
    stage_for,
)
from blueprints.drills.motion import Motion, MotionError, parse_motion
from blueprints.drills.posing import Point, Skeleton, sample_poses
from blueprints.drills.svg_parts import COLOURS, DARK, LIGHT, Drawing, keyed

ROUND = 'stroke-linecap="round" stroke-linejoin="round"'


def _figure(drawing: Drawing, motion: Motion, direction: str) -> None:
    # the near limbs a shade apart, so an arm in front of the trunk still reads; the far ones
    # fading into the stage, as if further away (from the front both sides are equally near)
    colour, near_tone, far_tone, _ = drawing.palette.tones(direction)
    far_tone = far_tone if motion.shade_far else near_tone
    paper = drawing.palette.stage
    # the classes let the page's CSS repaint the figure for its dark theme (site.css)
    tone_class = {
        colour: "body",
        near_tone: "near",
        far_tone: "far" if motion.shade_far else "near",
    }
    torso = TORSO_WIDTH[motion.view]
    legs_first = motion.view == "top"

    def limb(kind: str, side: str, tone: str) -> None:
        widths = LEG_WIDTHS if kind == "legs" else ARM_WIDTHS
        runs = (slice(0, 2), slice(1, None))  # thigh / shin and foot; upper arm / forearm
        for width, run in zip(widths, runs, strict=True):
            values = drawing.path_values(lambda s, run=run: [getattr(s, kind)[side][run]])
            if side == "far":  # hidden behind the near limb all the way through: leave it out
                near = drawing.path_values(lambda s, run=run: [getattr(s, kind)["near"][run]])
                if near == values:
                    continue
            drawing.line(values, tone, width, tone_class[tone])

    limb("legs", "far", far_tone)
    if legs_first:
        limb("legs", "near", near_tone)
    limb("arms", "far", far_tone)
    hips = drawing.path_values(lambda s: [s.hips])
    if any(value.split("L")[0][1:] != value.split("L")[1] for value in hips):
        drawing.line(hips, colour, 22 if motion.view == "front" else torso - 4, "body")
    drawing.line(drawing.path_values(lambda s: [s.spine]), colour, torso, "body")
    shoulders = drawing.path_values(lambda s: [s.shoulders])
    if any(value.split("L")[0][1:] != value.split("L")[1] for value in shoulders):
        drawing.line(shoulders, colour, 15 if motion.view == "front" else torso - 4, "body")

    # The nose says which way the face points. From the side it sticks out past the head and
    # rides on the neck's path (one animation fewer); from above it is drawn over the head.
    nose_on_top = motion.view == "top"

    def neck(s: Skeleton) -> list[Sequence[Point]]:
        nose = [(s.nose, s.nose)] if s.nose and not nose_on_top else []
        return [(s.spine[-1], s.neck), *nose]

    drawing.line(drawing.path_values(neck), colour, 10, "body")
    head = {"r": f"{HEAD_R}", "fill": colour, "class": "body-fill"}
    if motion.view == "top":  # from above the head sits on the shoulders: outline it
        head |= {"stroke": paper, "stroke-width": "2", "class": "body-fill stage-line"}
    drawing.at(lambda s: s.head, "circle", head)
    if nose_on_top and drawing.skeletons[0].nose is not None:
        drawing.line(drawing.path_values(lambda s: [(s.nose, s.nose)]), near_tone, 9, "near")
    if not legs_first:
        limb("legs", "near", near_tone)
    # a thin edge in the stage's colour, so the near arm reads in front of the trunk
    arm = drawing.path_values(lambda s: [s.arms["near"]])
    drawing.line(arm, paper, ARM_WIDTHS[0] + OUTLINE, "stage-line")
    limb("arms", "near", near_tone)


def render_svg(
    motion: Motion,
    direction: str,
    *,
    label: str,
    frame: int | None = 0,
    standalone: bool = False,
    dark: bool = False,
) -> str:
    """The SVG: animated when `frame` is None, else that keyframe alone, still; `dark` draws it
    in the dark theme's colours (for a file a dark page shows as an <img>)."""
    palette = DARK if dark else LIGHT
    _, near, _, ink = palette.tones(direction)
    samples = sample_poses(motion)
    everything = [skeleton_for(motion, sample.pose) for sample in samples]
    stage = stage_for(motion, everything)
    times, splines = [s.at for s in samples], [s.spline for s in samples]
    if frame is None:
        skeletons, dur = everything, motion.duration
    else:
        skeletons, dur = [skeleton_for(motion, motion.frames[frame].pose)], 0.0
    drawing = Drawing(skeletons, stage, palette)
    draw_band(drawing, motion, near)
    _figure(drawing, motion, direction)
    draw_load(drawing, motion, ink)
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    parts = "".join(keyed(p, times, splines, dur) for p in drawing.parts)
    props = "".join(draw_props(drawing, motion))
    tones = f' class="figure-{direction}"' if direction in COLOURS else ""
    return (
        f'<svg{namespace}{tones} viewBox="0 0 {stage.width:.0f} {stage.height:.0f}" role="img" '
        f'aria-label="{escape(label)}">'
        f'<rect class="stage" width="100%" height="100%" fill="{palette.stage}"/>'
        f'{props}<g fill="none" {ROUND}>{parts}</g></svg>'
    )


VIEW_NAMES = {
    "side": "seen from the side",
    "front": "seen from the front",
    "top": "seen from above",
}


@dataclass(frozen=True)
class Demonstration:
    """What a page shows of a drill's demonstration: the moving figure and the start and end
    positions (the reduced-motion and print view), each an inline SVG with its own label."""

    animated: Markup
    start: Markup
    end: Markup
    view: str
    seconds: float


@lru_cache(maxsize=128)
def demonstration_for(text: str, direction: str, name: str) -> Demonstration | None:
    """The drill's demonstration, or None when it has no keyframes or they cannot be drawn."""
    motion = _parsed(text)
    if motion is None:
        return None
    view = VIEW_NAMES[motion.view]

    def svg(frame: int | None, what: str) -> Markup:
        label = f"{name}, {what}, {view}"
        return Markup(render_svg(motion, direction, label=label, frame=frame))  # noqa: S704 - numbers and an escaped label

    return Demonstration(
        animated=svg(None, "demonstrated by a moving figure"),
        start=svg(0, "start position"),
        end=svg(motion.end, "end position"),
        view=view,
        seconds=motion.duration,
    )


FILE_POSITIONS = ("start", "end", "moving")


@lru_cache(maxsize=128)
def demonstration_file(
    text: str, direction: str, name: str, at: str = "start", dark: bool = False
) -> str | None:
    """The demonstration as a standalone SVG file: the start position (list cards, video
    posters), the end position (beside it when motion is reduced) or the moving figure (an
    article's drill card fetches it when the reader presses play, keeping the article light)."""
    motion = _parsed(text)
    if motion is None or at not in FILE_POSITIONS:
        return None
    what = {
        "start": "start position",
        "end": "end position",
        "moving": "demonstrated by a moving figure",
    }
    frame = {"start": 0, "end": motion.end, "moving": None}[at]
    label = f"{name}, {what[at]}, {VIEW_NAMES[motion.view]}"
    return render_svg(motion, direction, label=label, frame=frame, standalone=True, dark=dark)


def _parsed(text: str) -> Motion | None:
    if not text.strip():
        return None
    try:
        return parse_motion(text)
    except MotionError:
        return None
