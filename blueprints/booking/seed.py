"""Demo availability for `flask seed`: weekday mornings and two evenings."""

from __future__ import annotations

from datetime import time

from flask import Flask
from sqlalchemy import func, select

from blueprints.booking.models import AvailabilitySettings, WeeklyHours
from blueprints.shared.extensions import db
from blueprints.shared.seed import SeedRun, register_seed_loader

DEMO_WEEK = [
    (0, time(9, 0), time(12, 0)),
    (1, time(9, 0), time(12, 0)),
    (1, time(17, 0), time(19, 0)),
    (2, time(9, 0), time(12, 0)),
    (3, time(13, 0), time(17, 0)),
    (3, time(17, 0), time(19, 0)),
    (4, time(9, 0), time(12, 0)),
]


def init_seed(app: Flask) -> None:
    """Register the demo hours with `flask seed`."""
    register_seed_loader(app, "availability windows", seed_availability, order=40)


def seed_availability(_run: SeedRun) -> int:
    """Add the booking rules and a week of hours, unless the coach has set any (even with
    --update: the coach's real hours matter more than the demo's)."""
    if db.session.scalar(select(func.count()).select_from(AvailabilitySettings)) == 0:
        db.session.add(AvailabilitySettings())
    if db.session.scalar(select(func.count()).select_from(WeeklyHours)):
        return 0
    for weekday, start, end in DEMO_WEEK:
        db.session.add(WeeklyHours(weekday=weekday, start_time=start, end_time=end))
    db.session.flush()
    return len(DEMO_WEEK)
