"""A drill's demonstration drawn as SVG from its keyframes (see motion.py).

The animated figure moves with SMIL (<animate>, <animateTransform>): the motion lives in the
markup, so the page needs no inline script or style and the CSP stays as it is; every colour is a
presentation attribute, so the same SVG works inline and as an <img>. The animations wait for
`beginElement()` (begin="indefinite"): without our script the first frame simply stands still.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from blueprints.drills.motion import Motion, MotionError, parse_motion
from blueprints.drills.posing import Point, Skeleton, pose_skeleton, sample_poses

COLOURS = {
    "extension": "#2f6f8f",
    "flexion": "#7a4d9a",
    "side_flexion": "#2f7d5b",
    "rotation": "#a6542b",
}
PAPER, GROUND, KIT, KIT_EDGE, FLOOR = "#f4f2ee", "#e6e2da", "#cfd6d8", "#8a979c", "#8a979c"
TORSO_WIDTH = {"side": 25, "front": 30, "top": 23}
ASPECT = 1.5  # width / height of every demonstration
# a standing figure seen from above is small: frame it closer
MIN_WIDTH = {"side": 240.0, "front": 240.0, "top": 170.0}
ROUND = 'stroke-linecap="round" stroke-linejoin="round"'


def _mix(colour: str, other: str, amount: float) -> str:
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


@dataclass
class Part:
    """One drawn element: its tag, fixed attributes, and one value per sample of what moves."""

    tag: str
    attrs: dict[str, str]
    moving: str  # "d" or "transform"
    values: list[str]


class _Drawing:
    """Collects the parts of one figure across the samples of a loop, in viewBox units: the
    origin at the top left, so that no coordinate needs a minus sign."""

    def __init__(self, skeletons: list[Skeleton], left: float, top: float) -> None:
        self.skeletons = skeletons
        self.left, self.top = left, top
        self.parts: list[Part] = []

    def xy(self, point: Point) -> str:
        """A figure point (y up) as "x y" in the picture."""
        return f"{round(point[0] - self.left)} {round(self.top - point[1])}"

    def path_values(self, pick: Callable[[Skeleton], Sequence[Sequence[Point]]]) -> list[str]:
        """One path per sample; each picked run of points is a sub-path."""
        return [
            "".join("M" + "L".join(self.xy(point) for point in run) for run in pick(skeleton))
            for skeleton in self.skeletons
        ]

    def line(self, values: list[str], colour: str, width: float) -> None:
        """A limb or trunk: a thick stroke, round ends and joints from the enclosing <g>."""
        attrs = {"stroke": colour, "stroke-width": f"{width:g}"}
        self.parts.append(Part("path", attrs, "d", values))

    def at(self, pick: Callable[[Skeleton], Point], tag: str, attrs: dict[str, str]) -> None:
        """A shape moved to a point (the head, the load)."""
        values = [self.xy(pick(skeleton)).replace(" ", ",") for skeleton in self.skeletons]
        self.parts.append(Part(tag, attrs, "transform", values))


def _figure(drawing: _Drawing, motion: Motion, colour: str) -> None:
    # the near limbs a shade darker, so an arm in front of the trunk still reads; the far ones
    # paler, as if further away (from the front both sides are equally near)
    near_tone = _mix(colour, "#000000", 0.22)
    far_tone = _mix(colour, "#ffffff", 0.45) if motion.shade_far else near_tone
    torso = TORSO_WIDTH[motion.view]
    legs_first = motion.view == "top"

    def limb(kind: str, side: str, tone: str) -> None:
        widths = (16, 12) if kind == "legs" else (11, 9)
        runs = (slice(0, 2), slice(1, None))  # thigh / shin and foot; upper arm / forearm
        for width, run in zip(widths, runs, strict=True):
            values = drawing.path_values(lambda s, run=run: [getattr(s, kind)[side][run]])
            if side == "far":  # hidden behind the near limb all the way through: leave it out
                near = drawing.path_values(lambda s, run=run: [getattr(s, kind)["near"][run]])
                if near == values:
                    continue
            drawing.line(values, tone, width)

    limb("legs", "far", far_tone)
    if legs_first:
        limb("legs", "near", near_tone)
    limb("arms", "far", far_tone)
    hips = drawing.path_values(lambda s: [s.hips])
    if any(value.split("L")[0][1:] != value.split("L")[1] for value in hips):
        drawing.line(hips, colour, 22 if motion.view == "front" else torso - 4)
    drawing.line(drawing.path_values(lambda s: [s.spine]), colour, torso)
    shoulders = drawing.path_values(lambda s: [s.shoulders])
    if any(value.split("L")[0][1:] != value.split("L")[1] for value in shoulders):
        drawing.line(shoulders, colour, 15 if motion.view == "front" else torso - 4)

    # The nose says which way the face points. From the side it sticks out past the head and
    # rides on the neck's path (one animation fewer); from above it is drawn over the head.
    nose_on_top = motion.view == "top"

    def neck(s: Skeleton) -> list[Sequence[Point]]:
        nose = [(s.nose, s.nose)] if s.nose and not nose_on_top else []
        return [(s.spine[-1], s.neck), *nose]

    drawing.line(drawing.path_values(neck), colour, 10)
    head = {"r": "12", "fill": colour}
    if motion.view == "top":  # from above the head sits on the shoulders: outline it
        head |= {"stroke": PAPER, "stroke-width": "2"}
    drawing.at(lambda s: s.head, "circle", head)
    if nose_on_top and drawing.skeletons[0].nose is not None:
        drawing.line(drawing.path_values(lambda s: [(s.nose, s.nose)]), near_tone, 9)
    if not legs_first:
        limb("legs", "near", near_tone)
    limb("arms", "near", near_tone)


def _load(drawing: _Drawing, motion: Motion, colour: str) -> None:
    if not motion.load:
        return
    ink = _mix(colour, "#000000", 0.5)

    def hands(s: Skeleton) -> Point:
        if motion.load_at == "chest":  # hugged: in front of the chest, wherever the arms are
            (cx, cy), (tx, ty) = s.spine[2], s.spine[3]
            length = math.hypot(tx - cx, ty - cy) or 1
            front = (ty - cy) / length * 17, -(tx - cx) / length * 17
            return cx + front[0], cy + front[1]
        if motion.load_at == "feet":
            (a, b) = s.legs["near"][2], s.legs["far"][2]
        else:
            (a, b) = s.arms["near"][-1], s.arms["far"][-1]
        return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2

    if motion.load == "plate" and motion.view == "side":  # edge-on, along the chest

        def plate(s: Skeleton) -> list[list[Point]]:
            (x, y), (cx, cy), (tx, ty) = hands(s), s.spine[2], s.spine[3]
            length = math.hypot(tx - cx, ty - cy) or 1
            dx, dy = (tx - cx) / length * 16, (ty - cy) / length * 16
            return [[(x - dx, y - dy), (x + dx, y + dy)]]

        drawing.line(drawing.path_values(plate), ink, 8)
        return
    end_on = motion.view != "front"
    shapes = {
        "dumbbell": (
            '<circle r="9" fill="{i}"/><circle r="3.5" fill="{p}"/>'
            if end_on
            else '<path d="M-13 0H13" stroke="{i}" stroke-width="4"/>'
            '<rect x="-20" y="-8" width="9" height="16" rx="3" fill="{i}"/>'
            '<rect x="11" y="-8" width="9" height="16" rx="3" fill="{i}"/>'
        ),
        "plate": '<circle r="17" fill="{i}"/><circle r="4" fill="{p}"/>',
        "kettlebell": '<path d="M-6 0V-6H6V0" fill="none" stroke="{i}" stroke-width="4"/>'
        '<circle cy="10" r="10" fill="{i}"/>',
    }
    inner = shapes[motion.load].format(i=ink, p=PAPER)
    drawing.at(hands, "g", {"": inner})


def _props(drawing: _Drawing, motion: Motion, width: float) -> list[str]:
    """The kit, still, behind the figure."""
    xy = drawing.xy
    out: list[str] = []
    if motion.floor and motion.view != "top":
        floor_y = xy((0, -1)).split()[1]
        out.append(
            f'<rect y="{floor_y}" width="100%" height="100%" fill="{GROUND}"/>'
            f'<path d="M0 {floor_y}h{width:.0f}" stroke="{FLOOR}" stroke-width="3"/>'
        )
    kit = f'fill="{KIT}" stroke="{KIT_EDGE}" stroke-width="2"'

    def rect(x: float, y: float, w: float, h: float, extra: str) -> str:
        corner = xy((x, y + h)).split()
        return f'<rect x="{corner[0]}" y="{corner[1]}" width="{w:g}" height="{h:g}" {extra}/>'

    for prop in motion.props:
        v = {name: value if len(value) > 1 else value[0] for name, value in prop.values.items()}
        if prop.kind == "box":
            out.append(rect(v["x"], 0, v["width"], v["height"], f'rx="3" {kit}'))
        elif prop.kind == "bench":
            x, w, h = v["x"], v["width"], v["height"]
            out.append(
                f'<path d="M{xy((x + 8, 0))}L{xy((x + 8, h))}'
                f'M{xy((x + w - 8, 0))}L{xy((x + w - 8, h))}" '
                f'stroke="{KIT_EDGE}" stroke-width="5"/>' + rect(x, h - 5, w, 9, f'rx="4" {kit}')
            )
        elif prop.kind == "beam":
            out.append(
                f'<path d="M{xy(v["from"])}L{xy(v["to"])}" stroke="{KIT_EDGE}" '
                f'stroke-width="{v["width"]:g}" stroke-linecap="round"/>'
            )
        elif prop.kind == "disc":
            cx, cy = xy(v["at"]).split()
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{v["radius"]:g}" {kit}/>')
        elif prop.kind == "mat" and motion.view == "top":  # seen from above: the whole mat
            out.append(rect(v["x"], -60, v["width"], 120, f'rx="6" fill="{KIT}"'))
        elif prop.kind == "mat":
            out.append(rect(v["x"], -3, v["width"], 4, f'rx="2" fill="{KIT}"'))
        elif prop.kind == "wall":
            out.append(rect(v["x"], -1, 12, 400, kit))
    return out


def _band(drawing: _Drawing, motion: Motion, colour: str) -> None:
    for prop in motion.props:
        if prop.kind == "band":
            anchor = prop.values["anchor"]

            def span(s: Skeleton, anchor: tuple[float, ...] = anchor) -> list[list[Point]]:
                a, b = s.arms["near"][-1], s.arms["far"][-1]
                return [[(anchor[0], anchor[1]), ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)]]

            drawing.line(drawing.path_values(span), _mix(colour, "#000000", 0.2), 4)


def _bounds(skeletons: list[Skeleton], motion: Motion) -> tuple[float, float, float, float]:
    """left, top (figure units, y up), width and height of a 3:2 picture that holds it all."""
    xs: list[float] = []
    ys: list[float] = []
    for s in skeletons:
        for point in [
            *s.spine,
            s.head,
            *s.legs["near"],
            *s.legs["far"],
            *s.arms["near"],
            *s.arms["far"],
        ]:
            xs.append(point[0])
            ys.append(point[1])
    for prop in motion.props:
        v = prop.values
        if prop.kind in {"box", "bench", "mat"}:
            xs += [v["x"][0], v["x"][0] + v["width"][0]]
            ys.append(v.get("height", (0.0,))[0])
        for name in ("from", "to", "at", "anchor"):
            if name in v:
                xs.append(v[name][0])
                ys.append(v[name][1])
    margin = 24
    low = 0.0 if motion.view != "top" else min(ys) - margin
    left, right = min(xs) - margin, max(xs) + margin
    bottom, top = low - 10, max(ys) + margin
    width = max(right - left, (top - bottom) * ASPECT, MIN_WIDTH[motion.view])
    height = width / ASPECT
    centre = (left + right) / 2
    if motion.view == "top":
        return centre - width / 2, (bottom + top) / 2 + height / 2, width, height
    # a low figure (lying down) sits mid-picture on a band of floor, not in a strip at the foot
    spare = height - (top - bottom)
    return centre - width / 2, top + spare / 2, width, height


def _short(number: float) -> str:
    text = f"{number:.3f}".rstrip("0").rstrip(".")
    return text.removeprefix("0") if text.startswith("0.") else text


def _keyed(part: Part, times: list[float], splines: list[str], dur: float) -> str:
    """The part's element; an <animate> when it moves, holds between equal samples left out."""
    attrs = "".join(f' {name}="{value}"' for name, value in part.attrs.items() if name)
    inner = part.attrs.get("", "")
    first = part.values[0]
    if part.moving == "d":
        attrs += f' d="{first}"'
    else:
        attrs += f' transform="translate({first})"'
    animate = ""
    if dur and any(value != first for value in part.values):
        last = len(part.values) - 1
        keep = [
            i
            for i, value in enumerate(part.values)
            if i in (0, last) or value != part.values[i - 1] or value != part.values[i + 1]
        ]
        key_times = ";".join(_short(times[i]) for i in keep)
        values = ";".join(part.values[i] for i in keep)
        # a hold that was left out becomes one linear step between equal values
        eases = ";".join(
            splines[i] if part.values[i] != part.values[j] else "0 0 1 1"
            for j, i in zip(keep, keep[1:], strict=False)
        )
        timing = (
            f'dur="{dur:g}s" begin="indefinite" repeatCount="indefinite" calcMode="spline" '
            f'keyTimes="{key_times}" keySplines="{eases}" values="{values}"'
        )
        if part.moving == "d":
            animate = f'<animate attributeName="d" {timing}/>'
        else:
            animate = f'<animateTransform attributeName="transform" type="translate" {timing}/>'
    if not inner and not animate:
        return f"<{part.tag}{attrs}/>"
    return f"<{part.tag}{attrs}>{inner}{animate}</{part.tag}>"


def render_svg(
    motion: Motion, direction: str, *, label: str, frame: int | None = 0, standalone: bool = False
) -> str:
    """The SVG: animated when `frame` is None, else that keyframe alone, still."""
    colour = COLOURS.get(direction, "#1f4e5f")
    samples = sample_poses(motion)
    nose = motion.face_set or motion.view == "side"

    def skeleton(pose: dict) -> Skeleton:
        if not motion.face_set and motion.view == "side":
            pose = {**pose, "face": (pose["neck"][0] - 90, 1.0)}
        return pose_skeleton(pose, nose)

    everything = [skeleton(sample.pose) for sample in samples]
    left, top, width, height = _bounds(everything, motion)
    times, splines = [s.at for s in samples], [s.spline for s in samples]
    if frame is None:
        skeletons, dur = everything, motion.duration
    else:
        skeletons, dur = [skeleton(motion.frames[frame].pose)], 0.0
    drawing = _Drawing(skeletons, left, top)
    _band(drawing, motion, colour)
    _figure(drawing, motion, colour)
    _load(drawing, motion, colour)
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    parts = "".join(_keyed(p, times, splines, dur) for p in drawing.parts)
    props = "".join(_props(drawing, motion, width))
    return (
        f'<svg{namespace} viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(label)}"><rect width="100%" height="100%" fill="{PAPER}"/>'
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
def demonstration_file(text: str, direction: str, name: str, at: str = "start") -> str | None:
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
    return render_svg(motion, direction, label=label, frame=frame, standalone=True)


def _parsed(text: str) -> Motion | None:
    if not text.strip():
        return None
    try:
        return parse_motion(text)
    except MotionError:
        return None
