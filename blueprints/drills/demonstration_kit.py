"""The kit in a demonstration: the still props behind the figure, the band to the hands and the
load the figure holds (drawn from the drill's `load`, where `load_at` says)."""

from __future__ import annotations

import math

from blueprints.drills.framing import load_point
from blueprints.drills.motion import Motion
from blueprints.drills.posing import Point, Skeleton
from blueprints.drills.svg_parts import Drawing

LOAD_SHAPES = {
    "dumbbell_end_on": '<circle class="ink-fill" r="11" fill="{i}"/>'
    '<circle class="stage" r="4" fill="{p}"/>',
    "dumbbell": '<path class="ink" d="M-13 0H13" stroke="{i}" stroke-width="4"/>'
    '<rect class="ink-fill" x="-20" y="-8" width="9" height="16" rx="3" fill="{i}"/>'
    '<rect class="ink-fill" x="11" y="-8" width="9" height="16" rx="3" fill="{i}"/>',
    "plate": '<circle class="ink-fill" r="17" fill="{i}"/><circle class="stage" r="4" fill="{p}"/>',
    "kettlebell": '<path class="ink" d="M-6 0V-6H6V0" fill="none" stroke="{i}" stroke-width="4"/>'
    '<circle class="ink-fill" cy="10" r="10" fill="{i}"/>',
}


def draw_load(drawing: Drawing, motion: Motion, ink: str) -> None:
    """The weight, moving with the hands (or the chest, or the feet), in the `ink` colour."""
    if not motion.load:
        return

    def held(s: Skeleton) -> Point:
        return load_point(s, motion)

    if motion.load == "plate" and motion.view == "side":  # edge-on, along the chest

        def plate(s: Skeleton) -> list[list[Point]]:
            (x, y), (cx, cy), (tx, ty) = held(s), s.spine[2], s.spine[3]
            length = math.hypot(tx - cx, ty - cy) or 1
            dx, dy = (tx - cx) / length * 16, (ty - cy) / length * 16
            return [[(x - dx, y - dy), (x + dx, y + dy)]]

        drawing.line(drawing.path_values(plate), ink, 8, "ink")
        return
    shape = motion.load
    if shape == "dumbbell" and motion.view != "front":
        shape = "dumbbell_end_on"
    drawing.at(held, "g", {"": LOAD_SHAPES[shape].format(i=ink, p=drawing.palette.stage)})


def draw_band(drawing: Drawing, motion: Motion, colour: str) -> None:
    """An elastic band from its anchor to the middle of the hands."""
    for prop in motion.props:
        if prop.kind == "band":
            anchor = prop.values["anchor"]

            def span(s: Skeleton, anchor: tuple[float, ...] = anchor) -> list[list[Point]]:
                a, b = s.arms["near"][-1], s.arms["far"][-1]
                return [[(anchor[0], anchor[1]), ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)]]

            drawing.line(drawing.path_values(span), colour, 4, "near")


def draw_props(drawing: Drawing, motion: Motion) -> list[str]:
    """The kit, still, behind the figure, and the floor."""
    xy = drawing.xy
    palette = drawing.palette
    out: list[str] = []
    if motion.floor and motion.view != "top":
        floor_y = xy((0, -1)).split()[1]
        out.append(
            f'<rect class="ground" y="{floor_y}" width="100%" height="100%" '
            f'fill="{palette.ground}"/><path class="kit-edge" '
            f'd="M0 {floor_y}h{drawing.stage.width:.0f}" stroke="{palette.kit_edge}" '
            'stroke-width="3"/>'
        )
    kit = f'class="kit" fill="{palette.kit}" stroke="{palette.kit_edge}" stroke-width="2"'

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
                f'class="kit-edge" stroke="{palette.kit_edge}" stroke-width="5"/>'
                + rect(x, h - 5, w, 9, f'rx="4" {kit}')
            )
        elif prop.kind == "beam":
            out.append(
                f'<path class="kit-edge" d="M{xy(v["from"])}L{xy(v["to"])}" '
                f'stroke="{palette.kit_edge}" '
                f'stroke-width="{v["width"]:g}" stroke-linecap="round"/>'
            )
        elif prop.kind == "disc":
            cx, cy = xy(v["at"]).split()
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{v["radius"]:g}" {kit}/>')
        elif prop.kind == "mat" and motion.view == "top":  # seen from above: the whole mat
            out.append(
                rect(v["x"], -60, v["width"], 120, f'class="kit" rx="6" fill="{palette.kit}"')
            )
        elif prop.kind == "mat":
            out.append(rect(v["x"], -3, v["width"], 4, f'class="kit" rx="2" fill="{palette.kit}"'))
        elif prop.kind == "wall":
            out.append(rect(v["x"], -1, 12, 400, kit))
    return out
