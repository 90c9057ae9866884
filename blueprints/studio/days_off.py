"""A day off with consultations still on it: the studio lists them, each with move and cancel.

Taking a day off never cancels anyone by itself (the clients would be emailed without being
asked about); it only stops new bookings, and this page leads the coach through the ones left.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.booking.models import Booking, DayOff
from blueprints.shared.clock import coach_local_to_utc
from blueprints.shared.extensions import db
from blueprints.studio import bp


def bookings_on(day: date) -> list[Booking]:
    """Confirmed consultations that start on `day` in the coach's zone, soonest first."""
    start = coach_local_to_utc(datetime.combine(day, time()))
    end = coach_local_to_utc(datetime.combine(day + timedelta(days=1), time()))
    return list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.enquiry))
            .where(
                Booking.status == "confirmed", Booking.starts_at >= start, Booking.starts_at < end
            )
            .order_by(Booking.starts_at, Booking.id)
        )
    )


@bp.get("/availability/days-off/<int:day_off_id>")
def availability_day_off(day_off_id: int) -> str:
    """The consultations still booked on a day off, each with Move and Cancel."""
    day_off = db.get_or_404(DayOff, day_off_id)
    return render_template(
        "studio/day_off.html", day_off=day_off, bookings=bookings_on(day_off.day)
    )
