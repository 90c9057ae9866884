"""The picker's own URL: the free times alone for htmx (a day, a week or a zone chosen)."""

from __future__ import annotations

from datetime import date

from flask import Response, make_response, redirect, render_template, request, url_for

from blueprints.booking import bp
from blueprints.booking.picker import (
    SlotPicker,
    build_picker,
    parse_day,
    remember_zone_from_link,
    visitor_zone,
)
from blueprints.contact.forms import clean_context
from blueprints.shared.htmx import is_htmx_request

bp.after_request(remember_zone_from_link)


@bp.get("/times")
def times() -> Response:
    """The picker alone, for htmx (a day, a week or a zone chosen); others get the whole page."""
    if not is_htmx_request():
        return redirect(url_for("contact.index", **request.args), code=303)
    context = clean_context(request.args.get("context"))
    picker = contact_picker(
        visitor_zone(request.args.get("tz")), context, parse_day(request.args.get("day"))
    )
    return picker_fragment(picker)


def picker_fragment(picker: SlotPicker) -> Response:
    """The picker and its spoken count for htmx, pushing the page's own URL to the history."""
    response = make_response(render_template("booking/_slots.html", picker=picker, oob=True))
    response.headers["HX-Push-Url"] = picker.here.page
    return response


def contact_picker(
    zone: str | None,
    context: str,
    day: date | None,
    selected: str = "",
    error: str | None = None,
) -> SlotPicker:
    """The contact page's picker (its links carry the consultation topic and context)."""
    picker = build_picker(
        zone,
        url_for("contact.index"),
        url_for("booking.times"),
        carry={"topic": "consultation", "context": context},
        day=day,
        selected=selected,
        error=error,
    )
    return picker
