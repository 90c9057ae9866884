"""The drill editor's demonstration: pose each position with sliders, time the positions, and
see the figure redrawn beside the controls (the page, or the preview fragment while sliding).

Every button here is a submit of the drill's own form: without JavaScript the server applies
the change and draws the page again, nothing saved until "Save". A new drill starts from the
figure for its direction (blueprints/drills/motion_templates/). The written-out text stays
under "Advanced" for experts; when they change it, the text wins over the sliders it was shown
with (the page carries a fingerprint of the text it showed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from blueprints.drills.demonstration import Demonstration, demonstration_for, render_svg
from blueprints.drills.models import DIRECTIONS
from blueprints.drills.motion import MAX_CHARS, Motion, MotionError, parse_motion
from blueprints.drills.motion_files import is_template, plain_text, template_text
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.studio import bp
from blueprints.studio.demonstration_handles import pose_handles, with_handles
from blueprints.studio.demonstration_positions import GROUPS, edit_positions, slider_values


@dataclass
class EditorState:
    """What the last submit did to the demonstration: the chosen position, the refusals (by
    field name) and the timeline button pressed ("" when the form was saved)."""

    selected: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    action: str = ""


def fingerprint(text: str) -> str:
    """A short digest of the text the page showed, to tell an expert's edit from the sliders."""
    return hashlib.sha256(plain_text(text).encode()).hexdigest()[:16]


def _parsed(text: str) -> Motion | None:
    try:
        return parse_motion(text) if text.strip() else None
    except MotionError:
        return None


def apply_edit(text: str, direction: str, data: Mapping[str, str]) -> tuple[str, EditorState]:
    """The text after the sliders, times and timeline button of one submit."""
    state = EditorState(action=data.get("positions_action", "")[:20])
    wanted = template_text(direction)
    if state.action == "template" or (is_template(text) and plain_text(text) != plain_text(wanted)):
        return wanted, state  # an untouched starting figure follows the drill's direction
    motion = _parsed(text)
    if motion is None or data.get("motion_base") != fingerprint(text):
        return text, state  # new text typed by hand: it wins over the sliders shown with it
    edit = edit_positions(motion, text, data)
    state.selected, state.errors = edit.selected, edit.errors
    return edit.text, state


def editor_context(
    text: str,
    direction: str | None,
    name: str,
    steps: str,
    state: EditorState,
    handles: bool = True,
) -> dict:
    """What the editor and its preview show; `handles` puts the drag handles on the posed
    figure (the editor's preview, not the page opened in a new tab)."""
    colour = direction if direction in DIRECTIONS else "extension"
    about = {"name": name.strip() or "This drill", "steps": steps}
    context: dict = {
        "motion_drill": about,
        "motion_demo": None,
        "motion_error": None,
        "motion_base": fingerprint(text),
        "positions": [],
        "pose_groups": [],
        "position_errors": state.errors,
        "selected": 0,
    }
    if not text.strip():
        return context
    try:
        motion = parse_motion(text)
    except MotionError as problem:
        context["motion_error"] = str(problem)
        return context
    selected = min(state.selected, len(motion.frames) - 1)
    values = slider_values(motion, selected)
    demo: Demonstration | None = demonstration_for(text, colour, about["name"])
    label = f"{about['name']}, position {selected + 1}"
    svg = render_svg(motion, colour, label=label, frame=selected)
    if handles:
        svg = with_handles(svg, pose_handles(motion, selected))
    pose = Markup(svg)  # noqa: S704 - numbers and an escaped label
    context.update(
        motion_demo=demo,
        pose_svg=pose,
        selected=selected,
        positions=[frame.at for frame in motion.frames],
        pose_groups=[
            (group, [(slider, values[slider.name]) for slider in sliders])
            for group, sliders in GROUPS.items()
        ],
    )
    return context


@bp.post("/drills/demonstration-preview")
def drills_demonstration_preview() -> ResponseReturnValue:
    """The figure redrawn from the sliders or the text as the coach works; nothing is saved."""
    form = request.form
    direction = form.get("direction", "")
    text, state = apply_edit(form.get("motion", "")[:MAX_CHARS], direction, form)
    context = editor_context(
        text,
        direction,
        form.get("name", "")[:160],
        form.get("steps", "")[:5000],
        state,
        handles=is_htmx_request(),  # the page in a new tab has no sliders to drive
    )
    return render_page_or_partial(
        "studio/drill_demonstration_preview.html",
        "studio/_drill_demonstration_preview.html",
        live=True,  # the fragment also updates the status line the page keeps
        **context,
    )
