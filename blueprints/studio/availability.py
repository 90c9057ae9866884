"""Availability: the booking rules, weekly hours, days off, and the upcoming bookings."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.booking.models import Booking, DayOff, WeeklyHours
from blueprints.booking.slots import settings as booking_rules
from blueprints.contact.models import PAIN_DURATIONS
from blueprints.shared.clock import utc_to_coach_local, utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.days_off import bookings_on
from blueprints.studio.forms import WEEKDAYS, AvailabilitySettingsForm, DayOffForm, WeeklyHoursForm

BOOKING_LONGER_THAN_ANY = timedelta(days=1)

# The contact blueprint takes the same lock when it books a slot.
BOOKING_LOCK = "booking"
RULE_FIELDS = (
    "slot_minutes",
    "buffer_minutes",
    "min_notice_hours",
    "horizon_days",
    "cancel_cutoff_hours",
)


def _render_page(
    settings_form: AvailabilitySettingsForm | None = None,
    hours_form: WeeklyHoursForm | None = None,
    day_off_form: DayOffForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    if settings_form is None:
        rules = booking_rules()
        settings_form = AvailabilitySettingsForm(obj=rules, formdata=None)
        settings_form.formats.data = [f for f in rules.formats.split(",") if f]
    hours = db.session.scalars(
        select(WeeklyHours).order_by(WeeklyHours.weekday, WeeklyHours.start_time)
    ).all()
    days_off = db.session.scalars(
        select(DayOff).where(DayOff.day >= _coach_today()).order_by(DayOff.day)
    ).all()
    return render_template(
        "studio/availability.html",
        put_back=_removed_window(request.args.get("put_back", "")),
        settings_form=settings_form,
        hours_form=hours_form or WeeklyHoursForm(formdata=None),
        day_off_form=day_off_form or DayOffForm(formdata=None),
        hours=hours,
        days_off=days_off,
        weekdays=WEEKDAYS,
    ), status


def _removed_window(value: str) -> dict[str, str] | None:
    """The window just removed, from the link (weekday,HH:MM,HH:MM), to offer it back."""
    parts = value.split(",")
    if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) not in range(7):
        return None
    try:
        start, end = (time.fromisoformat(part) for part in parts[1:])
    except ValueError:
        return None
    return {
        "weekday": parts[0],
        "label": f"{WEEKDAYS[int(parts[0])]} {start:%H:%M}\u2013{end:%H:%M}",
        "start_time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}",
    }


def _coach_today() -> date:
    return utc_to_coach_local(utcnow()).date()


@bp.get("/availability")
def availability() -> ResponseReturnValue:
    """The booking rules, the week's hours and the days off, each with its own form."""
    return _render_page()


@bp.post("/availability/settings")
def availability_settings() -> ResponseReturnValue:
    """Save the booking rules."""
    form = AvailabilitySettingsForm()
    if not form.validate():
        return _render_page(settings_form=form, status=422)
    with serialized_write(BOOKING_LOCK) as session:
        rules = booking_rules()
        for name in RULE_FIELDS:
            setattr(rules, name, getattr(form, name).data)
        rules.formats = ",".join(form.formats.data)
        rules.location = (form.location.data or "").strip()
        rules.meeting_room_url = (form.meeting_room_url.data or "").strip()
        rules.meeting_base_url = (form.meeting_base_url.data or "").strip()
        session.add(rules)
    flash("Booking rules saved.", "success")
    return redirect(url_for("studio.availability"))


@bp.post("/availability/hours")
def availability_hours_add() -> ResponseReturnValue:
    """Add a window of bookable time; it may not overlap another on the same day."""
    form = WeeklyHoursForm()
    if not form.validate():
        return _render_page(hours_form=form, status=422)
    with serialized_write(BOOKING_LOCK) as session:
        clash = session.scalar(
            select(WeeklyHours).where(
                WeeklyHours.weekday == form.weekday.data,
                WeeklyHours.start_time < form.end_time.data,
                WeeklyHours.end_time > form.start_time.data,
            )
        )
        if clash is None:
            session.add(
                WeeklyHours(
                    weekday=form.weekday.data,
                    start_time=form.start_time.data,
                    end_time=form.end_time.data,
                )
            )
    if clash is not None:
        form.start_time.errors.append(
            f"This overlaps {WEEKDAYS[clash.weekday]} {clash.start_time:%H:%M}"
            f"\u2013{clash.end_time:%H:%M}."
        )
        return _render_page(hours_form=form, status=422)
    flash("Hours added.", "success")
    return redirect(url_for("studio.availability"))


@bp.post("/availability/hours/<int:hours_id>/delete")
def availability_hours_delete(hours_id: int) -> ResponseReturnValue:
    """Remove a window (bookings already made in it stay); the page offers to put it back."""
    window = db.get_or_404(WeeklyHours, hours_id)
    removed = f"{window.weekday},{window.start_time:%H:%M},{window.end_time:%H:%M}"
    db.session.delete(window)
    db.session.commit()
    flash("Hours removed. Bookings already made stay booked.", "success")
    return redirect(url_for("studio.availability", put_back=removed))


@bp.post("/availability/days-off")
def availability_day_off_add() -> ResponseReturnValue:
    """Add a day with no bookings."""
    form = DayOffForm()
    if form.validate() and form.day.data < _coach_today():
        form.day.errors.append("Choose today or a later date.")
    if form.errors:
        return _render_page(day_off_form=form, status=422)
    with serialized_write(BOOKING_LOCK) as session:
        exists = session.scalar(select(DayOff.id).where(DayOff.day == form.day.data))
        if exists is None:
            session.add(DayOff(day=form.day.data, note=(form.note.data or "").strip()))
    if exists is not None:
        form.day.errors.append("That day is already off.")
        return _render_page(day_off_form=form, status=422)
    still_booked = bookings_on(form.day.data)
    if not still_booked:
        flash(f"{form.day.data:%A %d %B %Y} is now a day off.", "success")
        return redirect(url_for("studio.availability"))
    count = len(still_booked)
    flash(
        f"{form.day.data:%A %d %B %Y} is now a day off, but {count} "
        f"{'consultation is' if count == 1 else 'consultations are'} still booked on it: "
        "move or cancel each below.",
        "success",
    )
    day_off_id = db.session.scalar(select(DayOff.id).where(DayOff.day == form.day.data))
    return redirect(url_for("studio.availability_day_off", day_off_id=day_off_id))


@bp.post("/availability/days-off/<int:day_off_id>/delete")
def availability_day_off_delete(day_off_id: int) -> ResponseReturnValue:
    """Make a day off bookable again."""
    db.session.delete(db.get_or_404(DayOff, day_off_id))
    db.session.commit()
    flash("Day off removed.", "success")
    return redirect(url_for("studio.availability"))


@bp.get("/availability/bookings")
def availability_bookings() -> str:
    """Consultations from now on, soonest first (at most the booking horizon's worth)."""
    now = utcnow()
    bookings = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.enquiry))
        .where(
            Booking.status == "confirmed",
            Booking.ends_at >= now,
            # No slot lasts a day (240 minutes at most): this bound lets the (starts_at, id)
            # index skip the years of past bookings instead of reading them all.
            Booking.starts_at > now - BOOKING_LONGER_THAN_ANY,
        )
        .order_by(Booking.starts_at)
    ).all()
    return render_template("studio/bookings.html", bookings=bookings, pain_durations=PAIN_DURATIONS)
