"""The coach's own calendar: her bookings feed link, and the calendars her busy times come from.

Every POST here is checked by the app-wide CSRFProtect (the buttons carry the token)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from blueprints.booking.calendars import address_problem, clashes, fetch_calendar
from blueprints.booking.feed import feed_url, new_feed_token
from blueprints.booking.models import BusyCalendar
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.validators import single_line
from blueprints.studio import bp


class CalendarForm(FlaskForm):
    """A secret iCal address to read busy times from."""

    url = URLField(
        "Secret address (iCal format)",
        validators=[
            DataRequired("Please paste the calendar's secret address."),
            single_line,
            Length(max=2000, message="That address is longer than 2,000 characters."),
        ],
    )
    label = StringField(
        "Name (for you)",
        validators=[
            Optional(),
            single_line,
            Length(max=120, message="Please keep it under 120 characters."),
        ],
    )

    def validate_url(self, field: StringField) -> None:
        """Only addresses the fetcher may read."""
        problem = address_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def _render(form: CalendarForm | None = None, status: int = 200) -> ResponseReturnValue:
    calendars = db.session.scalars(select(BusyCalendar).order_by(BusyCalendar.id)).all()
    return render_template(
        "studio/calendar.html",
        feed_url=feed_url(),
        calendars=calendars,
        clashes=clashes(utcnow()),
        form=form or CalendarForm(formdata=None),
    ), status


@bp.get("/calendar")
def calendar() -> ResponseReturnValue:
    """The feed link to subscribe to, and the calendars whose busy times are kept out."""
    return _render()


@bp.post("/calendar/feed")
def calendar_new_feed() -> ResponseReturnValue:
    """Make a new feed link; the old one stops working."""
    new_feed_token()
    flash(
        "A new feed link is ready. The old one no longer works: subscribe with this one.", "success"
    )
    return redirect(url_for("studio.calendar"))


@bp.post("/calendar/busy")
def calendar_add() -> ResponseReturnValue:
    """Add a calendar and read it once now."""
    form = CalendarForm()
    if not form.validate():
        return _render(form, 422)
    row = BusyCalendar(
        url=form.url.data.strip(), label=(form.label.data or "").strip(), created_at=utcnow()
    )
    db.session.add(row)
    db.session.commit()
    if fetch_calendar(row):
        flash(f"Added. {row.busy_count} busy times found.", "success")
    else:
        flash("Added, but it could not be read yet: see its error below.", "error")
    return redirect(url_for("studio.calendar"))


@bp.post("/calendar/busy/<int:calendar_id>/fetch")
def calendar_fetch(calendar_id: int) -> ResponseReturnValue:
    """Read one calendar again now."""
    row = db.get_or_404(BusyCalendar, calendar_id)
    ok = fetch_calendar(row)
    flash(
        "Read again." if ok else "It could not be read: see its error below.",
        "success" if ok else "error",
    )
    return redirect(url_for("studio.calendar"))


@bp.post("/calendar/busy/<int:calendar_id>/delete")
def calendar_delete(calendar_id: int) -> ResponseReturnValue:
    """Stop reading a calendar; its busy times are freed."""
    row = db.get_or_404(BusyCalendar, calendar_id)
    db.session.delete(row)
    db.session.commit()
    flash("Removed. Its busy times no longer hide any slots.", "success")
    return redirect(url_for("studio.calendar"))
