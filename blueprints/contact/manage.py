"""The visitor's own booking page, reached by the signed link in their emails."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for

from blueprints.contact import bp
from blueprints.contact.bookings import (
    ChangeRefused,
    SlotTaken,
    SlotUnavailable,
    cancel_booking,
    change_problem,
    reschedule_booking,
)
from blueprints.contact.forms import CancelForm, RescheduleForm
from blueprints.contact.links import booking_for_token
from blueprints.contact.models import FORMATS, Booking
from blueprints.contact.picker import build_picker
from blueprints.contact.slots import describe_time, parse_slot_value
from blueprints.shared.clock import utcnow
from blueprints.shared.htmx import render_page_or_partial
from blueprints.shared.security import no_store
from blueprints.shared.signing import InvalidLink

BAD_LINK = (
    "This booking link is not valid. Please open the link from your confirmation email, "
    "copied in full, or write to the coach."
)


@bp.get("/booking/<token>")
@no_store
def manage_booking(token: str) -> Response:
    """The booking, and (before the cut-off) ways to cancel or move it."""
    booking = _booking_or_400(token)
    return _render_manage(booking, token, RescheduleForm(), 200, zone=request.args.get("tz"))


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
    flash("Your consultation is cancelled. A cancellation for your calendar is on its way.")
    return redirect(url_for("contact.manage_booking", token=token), code=303)


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
    when = describe_time(booking.starts_at, booking.visitor_timezone)
    flash(f"Moved. Your consultation is now {when}. An updated invite is on its way.")
    return redirect(url_for("contact.manage_booking", token=token), code=303)


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
    error: str | None = None,
    slot_error: str | None = None,
) -> Response:
    problem = change_problem(booking, utcnow())
    picker = None
    if problem is None:
        picker = build_picker(
            zone or form.timezone.data or booking.visitor_timezone,
            url_for("contact.manage_booking", token=token),
            selected=(form.slot.data or "") if slot_error is None else "",
            error=slot_error or (form.slot.errors[0] if form.slot.errors else None),
            ignore_booking_id=booking.id,
        )
    return render_page_or_partial(
        "contact/manage.html",
        "contact/_slots.html",
        status,
        booking=booking,
        token=token,
        form=form,
        cancel_form=CancelForm(),
        picker=picker,
        problem=problem,
        error=error,
        format_label=FORMATS.get(booking.format, booking.format),
        visitor_when=describe_time(booking.starts_at, booking.visitor_timezone),
        coach_when=describe_time(booking.starts_at, current_app.config["COACH_TIMEZONE"]),
    )
