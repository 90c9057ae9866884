"""The coach moves, cancels and marks consultations: each change says who is emailed first.

Moving uses the visitors' own picker and free times (`build_picker`, `reschedule_booking`), so
the coach is offered exactly the times a visitor would be, and the invite's SEQUENCE rises the
same way. Cancelling is two steps: the first POST (or the GET link) shows what will happen and
sends nothing; only the form on that page, which carries `confirmed=yes`, cancels and emails.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from blueprints.booking.bookings import (
    ChangeRefused,
    SlotTaken,
    SlotUnavailable,
    cancel_booking,
    change_problem,
    reschedule_booking,
)
from blueprints.booking.models import FORMATS, Booking
from blueprints.booking.picker import SlotPicker, build_picker, parse_day, visitor_zone
from blueprints.booking.routes import picker_fragment
from blueprints.booking.slots import describe_time, parse_slot_value
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request
from blueprints.shared.validators import same_site_path as safe_next
from blueprints.studio import bp
from blueprints.studio.auth import back_to
from blueprints.studio.booking_forms import (
    ATTENDANCE,
    AttendanceForm,
    CoachCancelForm,
    CoachMoveForm,
)


def _page(template: str, status: int, **context: object) -> Response:
    return make_response(render_template(template, **context), status)


def _booking_or_404(booking_id: int) -> Booking:
    return db.get_or_404(Booking, booking_id)


def _next_page(default: str) -> str:
    """Where to go back to after the change: the page that sent the coach here, else `default`."""
    return safe_next(request.values.get("next")) or default


def _picker(booking: Booking, zone: str | None, day: date | None, **kwargs: object) -> SlotPicker:
    """The visitors' picker for this booking; its own time counts as free."""
    return build_picker(
        zone,
        url_for("studio.booking_move", booking_id=booking.id),
        url_for("studio.booking_move_times", booking_id=booking.id),
        carry={"next": _next_page("")},  # every day and week link comes back to the same page
        day=day,
        ignore_booking_id=booking.id,
        **kwargs,  # type: ignore[arg-type]
    )


def _render_move(
    booking: Booking, form: CoachMoveForm, status: int = 200, **picker_args: object
) -> Response:
    problem = change_problem(booking, utcnow(), by_coach=True)
    picker = None
    if problem is None:
        picker = _picker(
            booking,
            visitor_zone(request.args.get("tz") or form.timezone.data),
            parse_day(request.args.get("day")),
            **picker_args,
        )
    return _page(
        "studio/booking_move.html",
        status,
        booking=booking,
        form=form,
        picker=picker,
        problem=problem,
        format_label=FORMATS.get(booking.format, booking.format),
        next_page=_next_page(url_for("studio.availability_bookings")),
    )


# One rule for both methods: with two, a POST whose id the converter refuses would match the
# GET rule's path and answer 405 instead of 404 (werkzeug checks the method first).
@bp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
def booking_move(booking_id: int) -> ResponseReturnValue:
    """Choose another free time for a consultation, with a message for the client; POST moves it."""
    if request.method == "POST":
        return _move(_booking_or_404(booking_id))
    return _render_move(_booking_or_404(booking_id), CoachMoveForm(formdata=None))


@bp.get("/bookings/<int:booking_id>/move/times")
def booking_move_times(booking_id: int) -> Response:
    """The picker alone for htmx (another day, week or zone); others get the whole page."""
    booking = _booking_or_404(booking_id)
    if not is_htmx_request():
        return redirect(url_for("studio.booking_move", booking_id=booking_id, **request.args), 303)
    zone = visitor_zone(request.args.get("tz"))
    return picker_fragment(_picker(booking, zone, parse_day(request.args.get("day"))))


def _move(booking: Booking) -> ResponseReturnValue:
    """Move it: the client is emailed the new time, the message and an updated invite."""
    form = CoachMoveForm()
    if not form.validate():
        error = form.slot.errors[0] if form.slot.errors else None
        return _render_move(booking, form, 422, selected=form.slot.data or "", error=error)
    try:
        reschedule_booking(
            booking,
            parse_slot_value(form.slot.data),
            by_coach=True,
            message=form.message.data or "",
        )
    except ChangeRefused as refused:
        return _render_move(booking, form, 409, error=refused.message)
    except (SlotTaken, SlotUnavailable) as problem:
        return _render_move(booking, form, 409, error=problem.message)
    when = describe_time(booking.starts_at, booking.visitor_timezone)
    flash(
        f"Moved the consultation with {booking.enquiry.name} to {when}. "
        f"{booking.enquiry.email} has been emailed the new time and an updated invite.",
        "success",
    )
    return back_to(url_for("studio.availability_bookings"))


def _render_cancel(booking: Booking, form: CoachCancelForm, status: int = 200) -> Response:
    return _page(
        "studio/booking_cancel.html",
        status,
        booking=booking,
        form=form,
        problem=change_problem(booking, utcnow(), by_coach=True),
        format_label=FORMATS.get(booking.format, booking.format),
        next_page=_next_page(url_for("studio.availability_bookings")),
    )


@bp.get("/bookings/<int:booking_id>/cancel")
def booking_cancel_confirm(booking_id: int) -> Response:
    """What cancelling will do (who is emailed, with what), before anything is sent."""
    return _render_cancel(_booking_or_404(booking_id), CoachCancelForm(formdata=None))


@bp.post("/availability/bookings/<int:booking_id>/cancel")
def availability_booking_cancel(booking_id: int) -> ResponseReturnValue:
    """Cancel once confirmed: the slot is freed and the client emailed a link to book again.

    A POST without the confirmation (an old form, a stray click) only shows the question.
    """
    booking = _booking_or_404(booking_id)
    form = CoachCancelForm()
    if not form.validate():
        return _render_cancel(booking, form, 422)
    if not form.is_confirmed:
        return _render_cancel(booking, form)
    try:
        cancel_booking(booking, by_coach=True, message=form.message.data or "")
    except ChangeRefused as refused:
        abort(409, description=refused.message)
    flash(
        f"Cancelled the consultation with {booking.enquiry.name}. {booking.enquiry.email} "
        "has been emailed, with a link to book another time.",
        "success",
    )
    return back_to(url_for("studio.availability_bookings"))


@bp.post("/bookings/<int:booking_id>/attendance")
def booking_attendance(booking_id: int) -> ResponseReturnValue:
    """Mark a past session attended or no-show (or unmark it); nobody is emailed."""
    booking = _booking_or_404(booking_id)
    form = AttendanceForm()
    if not form.validate() or booking.status != "confirmed":
        abort(400, description="Choose attended, did not come, or not marked.")
    if booking.starts_at > utcnow():
        abort(409, description="This consultation has not taken place yet.")
    booking.attendance = form.attendance.data or ""
    db.session.commit()
    name = booking.enquiry.name
    news = (
        f"{name}: marked {ATTENDANCE[booking.attendance].lower()}."
        if booking.attendance
        else f"{name}: mark removed."
    )
    if is_htmx_request():
        return _page("studio/_past_consultation.html", 200, booking=booking, news=news)
    flash(news, "success")
    return back_to(url_for("studio.index"))
