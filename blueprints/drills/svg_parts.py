"""The pieces a demonstration's SVG is written with: colours, and the parts that move (one value
per sample of the loop) written as SMIL <animate> elements.

Every colour is a presentation attribute so the file works as an <img>; the stage's colours also
carry a class, so a page's own CSS (static/css/site.css) repaints them for its dark theme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from blueprints.drills.framing import Stage
from blueprints.drills.posing import Point, Skeleton

COLOURS = {
    "extension": "#2f6f8f",
    "flexion": "#7a4d9a",
    "side_flexion": "#2f7d5b",
    "rotation": "#a6542b",
}
# the dark theme's direction colours (static/css/site.css), for the files a dark page shows
DARK_COLOURS = {
    "extension": "#7cc0e0",
    "flexion": "#c9a5e8",
    "side_flexion": "#72cfa2",
    "rotation": "#f2a57c",
}
PAPER, GROUND, KIT, KIT_EDGE = "#f4f2ee", "#e6e2da", "#cfd6d8", "#8a979c"


@dataclass(frozen=True)
class Palette:
    """The stage's colours and how the figure's tones are mixed from the direction's colour:
    near limbs towards `shade` (darker on a light stage, lighter on a dark one), far limbs
    towards the stage, as if further away."""

    stage: str
    ground: str
    kit: str
    kit_edge: str
    shade: str
    far_mix: str
    colours: dict[str, str]

    def tones(self, direction: str) -> tuple[str, str, str, str]:
        """The body, near, far and load colours of a figure of this direction."""
        body = self.colours.get(direction, "#1f4e5f")
        return (
            body,
            mix(body, self.shade, 0.22),
            mix(body, self.far_mix, 0.45),
            mix(body, self.shade, 0.5),
        )


LIGHT = Palette(PAPER, GROUND, KIT, KIT_EDGE, "#000000", "#ffffff", COLOURS)
DARK = Palette("#1d2529", "#273236", "#46545a", "#7d8e94", "#ffffff", "#1d2529", DARK_COLOURS)


def mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` of the way towards `other` (both #rrggbb)."""
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


class Drawing:
    """Collects the parts of one figure across the samples of a loop, in viewBox units: the
    origin at the stage's top left, so that no coordinate needs a minus sign."""

    def __init__(self, skeletons: list[Skeleton], stage: Stage, palette: Palette = LIGHT) -> None:
        self.skeletons = skeletons
        self.stage = stage
        self.palette = palette
        self.left, self.top = stage.left, stage.top
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

    def line(self, values: list[str], colour: str, width: float, css: str = "") -> None:
        """A limb or trunk: a thick stroke, round ends and joints from the enclosing <g>."""
        attrs = {"stroke": colour, "stroke-width": f"{width:g}"}
        if css:
            attrs["class"] = css
        self.parts.append(Part("path", attrs, "d", values))

    def at(self, pick: Callable[[Skeleton], Point], tag: str, attrs: dict[str, str]) -> None:
        """A shape moved to a point (the head, the load)."""
        values = [self.xy(pick(skeleton)).replace(" ", ",") for skeleton in self.skeletons]
        self.parts.append(Part(tag, attrs, "transform", values))


def _short(number: float) -> str:
    text = f"{number:.3f}".rstrip("0").rstrip(".")
    return text.removeprefix("0") if text.startswith("0.") else text


def keyed(part: Part, times: list[float], splines: list[str], dur: float) -> str:
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
