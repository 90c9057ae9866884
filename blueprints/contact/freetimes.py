"""Free times computed once per change, not per request.

The list of free slot starts depends on the coach's hours, days off, rules and the confirmed
bookings (all of them raise the shared content version when they change, see `init_app`) and on
the clock. So one computed list is reused while the content version is the one it was computed
at and until the clock would change it: when the earliest slot falls inside the minimum notice,
or at the coach's midnight, when the booking horizon moves on a day. Every worker reads the
version from the database, so a booking made on one worker is seen by the others at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock

from flask import current_app

from blueprints.contact.slots import Availability, free_slots, load_availability, to_utc, to_zone
from blueprints.shared.clock import utcnow
from blueprints.shared.content_version import current_version

_lock = Lock()


@dataclass(frozen=True)
class FreeTimes:
    """Free slot starts (naive UTC) as computed at `computed_at`, good until `valid_until`."""

    starts: tuple[datetime, ...]
    version: int | None
    computed_at: datetime
    valid_until: datetime
    horizon_days: int


def free_times(now: datetime | None = None, ignore_booking_id: int | None = None) -> FreeTimes:
    """The free times now: from this process's copy while it is current, else computed afresh."""
    now = now or utcnow()
    if ignore_booking_id is not None:  # moving one booking: its own slot counts as free
        return _compute(load_availability(ignore_booking_id), now, None)
    version = current_version()
    store = current_app.extensions.setdefault("contact_free_times", {})
    with _lock:
        cached: FreeTimes | None = store.get("current")
    if (
        cached is not None
        and version is not None
        and cached.version == version
        and cached.computed_at <= now < cached.valid_until
    ):
        return cached
    fresh = _compute(load_availability(), now, version)
    with _lock:
        store["current"] = fresh
    return fresh


def _compute(availability: Availability, now: datetime, version: int | None) -> FreeTimes:
    starts = tuple(free_slots(availability, now))
    coach_today = to_zone(now, availability.zone).date()
    next_midnight = to_utc(
        datetime.combine(coach_today + timedelta(days=1), datetime.min.time()), availability.zone
    )
    valid_until = next_midnight
    if starts:  # the earliest slot drops out once it is inside the minimum notice
        valid_until = min(valid_until, starts[0] - availability.notice + timedelta(microseconds=1))
    return FreeTimes(starts, version, now, valid_until, availability.horizon_days)
