"""The visitor's own booking page, reached by the signed link in their emails."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, request, url_for

from blueprints.booking import bp
from blueprints.booking.bookings import (
    ChangeRefused,
    SlotTaken,
    SlotUnavailable,
    cancel_booking,
    change_problem,
    reschedule_booking,
)
from blueprints.booking.forms import CancelForm, RescheduleForm
from blueprints.booking.links import booking_for_token
from blueprints.booking.models import FORMATS, Booking
from blueprints.booking.picker import SlotPicker, build_picker, parse_day, visitor_zone
from blueprints.booking.routes import picker_fragment
from blueprints.booking.slots import parse_slot_value
from blueprints.booking.when import coach_when_if_other_zone, visitor_when
from blueprints.shared.clock import utcnow
from blueprints.shared.hours import request_hour_style
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.security import no_store
from blueprints.shared.signing import InvalidLink

CANCELLED = "Your consultation is cancelled. A cancellation for your calendar is on its way."
BAD_LINK = (
    "This booking link is not valid. Please open the link from your confirmation email, "
    "copied in full, or write to the coach."
)


@bp.get("/booking/<token>")
@no_store
def manage_booking(token: str) -> Response:
    """The booking, and (before the cut-off) ways to cancel or move it."""
    booking = _booking_or_400(token)
    return _render_manage(
        booking,
        token,
        RescheduleForm(),
        200,
        zone=visitor_zone(request.args.get("tz")),
        day=parse_day(request.args.get("day")),
    )


@bp.get("/booking/<token>/times")
def manage_times(token: str) -> Response:
    """The picker alone for htmx (another day, week or zone); others get the whole page."""
    booking = _booking_or_400(token)
    if not is_htmx_request():
        return redirect(url_for("booking.manage_booking", token=token, **request.args), code=303)
    problem = change_problem(booking, utcnow())
    if problem is not None:  # too late now: the whole panel says why
        response = _render_manage(booking, token, RescheduleForm(), 409, error=problem)
        response.headers["HX-Retarget"] = "#manage-panel"
        return response
    picker = _picker(
        booking,
        token,
        visitor_zone(request.args.get("tz")) or booking.visitor_timezone,
        parse_day(request.args.get("day")),
    )
    return picker_fragment(picker)


@bp.post("/booking/<token>/cancel")
@no_store
def cancel(token: str) -> Response:
    """Cancel, unless it is past the coach's cut-off."""
    booking = _booking_or_400(token)
    if not CancelForm().validate():
        abort(400)
    try:
        cancel_booking(booking)
    except ChangeRefused as refused:
        return _render_manage(booking, token, RescheduleForm(), 409, error=refused.message)
    return _changed(booking, token, CANCELLED)


@bp.post("/booking/<token>/reschedule")
@no_store
def reschedule(token: str) -> Response:
    """Move to another free time, unless it is past the cut-off or the time is gone."""
    booking = _booking_or_400(token)
    form = RescheduleForm()
    if not form.validate():
        return _render_manage(booking, token, form, 422)
    try:
        reschedule_booking(booking, parse_slot_value(form.slot.data))
    except ChangeRefused as refused:
        return _render_manage(booking, token, form, 409, error=refused.message)
    except SlotTaken as taken:
        return _render_manage(booking, token, form, 409, slot_error=taken.message)
    except SlotUnavailable as unavailable:
        return _render_manage(booking, token, form, 422, slot_error=unavailable.message)
    when = visitor_when(booking, request_hour_style())
    return _changed(
        booking, token, f"Moved. Your consultation is now {when}. An updated invite is on its way."
    )


def _changed(booking: Booking, token: str, message: str) -> Response:
    """htmx: the updated booking with the news in place; otherwise POST/redirect/GET."""
    if is_htmx_request():
        return _render_manage(booking, token, RescheduleForm(), 200, news=message)
    flash(message)
    return redirect(url_for("booking.manage_booking", token=token), code=303)


def _picker(
    booking: Booking,
    token: str,
    zone: str | None,
    day: date | None,
    selected: str = "",
    error: str | None = None,
) -> SlotPicker:
    """The free times to move to: this booking's own slot counts as free."""
    return build_picker(
        zone,
        url_for("booking.manage_booking", token=token),
        url_for("booking.manage_times", token=token),
        day=day,
        selected=selected,
        error=error,
        ignore_booking_id=booking.id,
    )


def _booking_or_400(token: str) -> Booking:
    try:
        return booking_for_token(token)
    except InvalidLink:
        abort(400, BAD_LINK)


def _render_manage(
    booking: Booking,
    token: str,
    form: RescheduleForm,
    status: int,
    *,
    zone: str | None = None,
    day: date | None = None,
    error: str | None = None,
    slot_error: str | None = None,
    news: str | None = None,
) -> Response:
    problem = change_problem(booking, utcnow())
    picker = None
    if problem is None:
        picker = _picker(
            booking,
            token,
            zone or visitor_zone(form.timezone.data) or booking.visitor_timezone,
            day,
            selected=(form.slot.data or "") if slot_error is None else "",
            error=slot_error or (form.slot.errors[0] if form.slot.errors else None),
        )
    return render_page_or_partial(
        "booking/manage.html",
        "booking/_manage.html",
        status,
        news=news,
        booking=booking,
        token=token,
        form=form,
        cancel_form=CancelForm(),
        picker=picker,
        problem=problem,
        error=error,
        format_label=FORMATS.get(booking.format, booking.format),
        visitor_when=visitor_when(booking, request_hour_style()),
        coach_when=coach_when_if_other_zone(booking),
    )
