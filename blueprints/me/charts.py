"""Server-rendered line charts: coordinates worked out here, drawn by an SVG template.

No script and no style attributes (the CSP forbids both): the template uses SVG presentation
attributes and classes only. Every chart comes with the same numbers as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# Drawn at about a phone's width, so its 13-unit labels are 12 px or more on a 390 px screen
# (a 640-wide drawing shrank them to 7 px there); site.css caps the width at 30rem elsewhere.
WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 14, 32
LABEL_SIZE = 13


@dataclass(frozen=True)
class Point:
    """One drawn point and what it stands for."""

    x: float
    y: float
    day: date
    value: float


@dataclass(frozen=True)
class Chart:
    """A line chart ready to draw."""

    points: list[Point]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    unit: str
    label_size: int = LABEL_SIZE
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT

    @property
    def polyline(self) -> str:
        """The `points` attribute of the line."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def line_chart(
    series: Sequence[tuple[date, float]], unit: str, y_max: float | None = None
) -> Chart:
    """A chart of `series` (oldest first); the y axis from 0 to `y_max` or a round top."""
    values = [value for _, value in series]
    top = y_max if y_max is not None else _round_top(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: date) -> float:
        first, last = series[0][0], series[-1][0]
        if len(series) == 1:
            return LEFT + inner_w / 2
        return LEFT + inner_w * ((day - first).days / max((last - first).days, 1))

    def y_of(value: float) -> float:
        return TOP + inner_h * (1 - (value / top if top else 0))

    points = [Point(x_of(day), y_of(value), day, value) for day, value in series]
    y_ticks = [(y_of(top * i / 4), f"{top * i / 4:g}") for i in range(5)]
    x_ticks = []
    if series:
        first, last = series[0][0], series[-1][0]
        x_ticks = [(x_of(first), first.strftime("%-d %b %Y"))]
        if last != first:
            x_ticks.append((x_of(last), last.strftime("%-d %b %Y")))
    return Chart(points, y_ticks, x_ticks, unit)


def _round_top(value: float) -> float:
    for top in (5, 10, 20, 40, 60, 100, 150, 200, 300):
        if value <= top:
            return float(top)
    return float(value)
