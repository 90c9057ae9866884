"""Free consultation slots: the coach's weekly hours, in the coach's zone, minus what is taken.

Every datetime that goes in or comes out is naive UTC, like the columns. Weekly hours are wall-clock
times in COACH_TIMEZONE; each window is turned into two real instants and slots are laid out in
real time from its start, so across a daylight-saving change every slot still lasts exactly the
slot length, never overlaps another, and stays inside the window as the coach's clock shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app
from sqlalchemy import select

from blueprints.booking.models import AvailabilitySettings, Booking, BusyBlock, DayOff, WeeklyHours
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.hours import clock_time

# Zones offered in the picker; any other valid IANA zone (e.g. the one a browser detects) is
# accepted and added to the list for that visitor.
COMMON_ZONES = (
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo",
    "Atlantic/Azores", "UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon",
    "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
    "Europe/Stockholm", "Europe/Oslo", "Europe/Helsinki", "Europe/Athens", "Europe/Istanbul",
    "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
    "Asia/Bangkok", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Tokyo", "Australia/Perth",
    "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
)  # fmt: skip

TAKEN = "That time has just been taken by someone else. Please pick another."


@dataclass(frozen=True)
class Availability:
    """Everything slot computation needs, read from the database once."""

    zone: ZoneInfo
    slot: timedelta
    buffer: timedelta
    notice: timedelta
    horizon_days: int
    weekly: dict[int, list[tuple[time, time]]]
    days_off: frozenset[date]
    busy: tuple[tuple[datetime, datetime], ...]  # confirmed bookings and calendar busy times, UTC


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_zone(name: str | None) -> bool:
    """True for an IANA time zone name this server knows."""
    return bool(name) and name in _known_zones()


def zone_choices(current: str) -> list[tuple[str, str]]:
    """(value, label) pairs for the zone picker, including `current` if it is unusual."""
    names = list(COMMON_ZONES)
    if is_valid_zone(current) and current not in names:
        names.append(current)
    return [(name, name.replace("_", " ")) for name in sorted(names)]


def settings() -> AvailabilitySettings:
    """The coach's booking rules (defaults if the coach has not saved any yet)."""
    row = db.session.scalar(select(AvailabilitySettings).order_by(AvailabilitySettings.id))
    return row or AvailabilitySettings(
        slot_minutes=45,
        buffer_minutes=15,
        min_notice_hours=12,
        horizon_days=21,
        cancel_cutoff_hours=24,
        formats="video,in_person",
        location="",
    )


def load_availability(ignore_booking_id: int | None = None) -> Availability:
    """Read hours, days off, confirmed bookings (optionally ignoring one being moved) and the
    busy times from the coach's own calendars."""
    rules = settings()
    weekly: dict[int, list[tuple[time, time]]] = {}
    for row in db.session.scalars(select(WeeklyHours).order_by(WeeklyHours.start_time)):
        weekly.setdefault(row.weekday, []).append((row.start_time, row.end_time))
    busy_query = select(Booking.starts_at, Booking.ends_at).where(
        Booking.status == "confirmed", Booking.ends_at > utcnow() - timedelta(days=1)
    )
    if ignore_booking_id is not None:
        busy_query = busy_query.where(Booking.id != ignore_booking_id)
    calendar_busy = select(BusyBlock.starts_at, BusyBlock.ends_at).where(
        BusyBlock.ends_at > utcnow() - timedelta(days=1)
    )
    return Availability(
        zone=ZoneInfo(current_app.config["COACH_TIMEZONE"]),
        slot=timedelta(minutes=rules.slot_minutes),
        buffer=timedelta(minutes=rules.buffer_minutes),
        notice=timedelta(hours=rules.min_notice_hours),
        horizon_days=rules.horizon_days,
        weekly=weekly,
        days_off=frozenset(db.session.scalars(select(DayOff.day))),
        busy=tuple(
            (start, end)
            for query in (busy_query, calendar_busy)
            for start, end in db.session.execute(query)
        ),
    )


def to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as naive UTC (the first one when the clock repeats)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC).replace(tzinfo=None)


def to_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive UTC instant as an aware datetime in `zone`."""
    return moment.replace(tzinfo=UTC).astimezone(zone)


def _grid_for_day(availability: Availability, day: date) -> Iterable[datetime]:
    """Every slot start the weekly hours give on `day`, before notice and bookings."""
    if day in availability.days_off:
        return
    step = availability.slot + availability.buffer
    for start_time, end_time in availability.weekly.get(day.weekday(), []):
        start = to_utc(datetime.combine(day, start_time), availability.zone)
        window_end = to_utc(datetime.combine(day, end_time), availability.zone)
        while start + availability.slot <= window_end:
            yield start
            start += step


def _last_bookable_day(availability: Availability, now: datetime) -> date:
    return to_zone(now, availability.zone).date() + timedelta(days=availability.horizon_days)


def _clashes(availability: Availability, start: datetime) -> bool:
    end = start + availability.slot
    gap = availability.buffer
    return any(
        start < busy_end + gap and busy_start < end + gap
        for busy_start, busy_end in availability.busy
    )


def free_slots(availability: Availability, now: datetime) -> list[datetime]:
    """Bookable slot starts (naive UTC) from the minimum notice to the horizon, in order."""
    today = to_zone(now, availability.zone).date()
    earliest = now + availability.notice
    slots = []
    for offset in range((_last_bookable_day(availability, now) - today).days + 1):
        for start in _grid_for_day(availability, today + timedelta(days=offset)):
            if start > now and start >= earliest and not _clashes(availability, start):
                slots.append(start)
    return sorted(set(slots))


def slot_problem(availability: Availability, start: datetime, now: datetime) -> str | None:
    """Why `start` cannot be booked now, in words for the visitor; None if it can."""
    if start <= now:
        return "That time has already passed. Please pick one of the times shown."
    if start < now + availability.notice:
        hours = int(availability.notice.total_seconds() // 3600)
        return f"Bookings need at least {hours} hours' notice. Please pick a later time."
    local_day = to_zone(start, availability.zone).date()
    if local_day > _last_bookable_day(availability, now):
        return (
            f"Bookings open {availability.horizon_days} days ahead; that time is further away. "
            "Please pick one of the times shown."
        )
    if start not in set(_grid_for_day(availability, local_day)):
        return "That time is outside the coach's hours. Please pick one of the times shown."
    if _clashes(availability, start):
        return TAKEN
    return None


@dataclass(frozen=True)
class DaySlots:
    """The free times of one day, as the visitor's clock shows them."""

    label: str
    times: list[tuple[str, str]]  # (value, "09:00")


def slot_value(start: datetime) -> str:
    """The form value of a slot: its UTC start, ISO 8601."""
    return start.strftime("%Y-%m-%dT%H:%MZ")


def parse_slot_value(value: str | None) -> datetime | None:
    """The naive UTC start a form value names, or None if it is not one."""
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%dT%H:%MZ")
    except ValueError:
        return None


def group_by_day(starts: list[datetime], zone: ZoneInfo, hours: str = "24") -> list[DaySlots]:
    """Slots grouped under the visitor's local dates, labelled in their zone."""
    days: dict[date, DaySlots] = {}
    for start in starts:
        local = to_zone(start, zone)
        day = days.setdefault(local.date(), DaySlots(f"{local:%A} {local.day} {local:%B}", []))
        day.times.append((slot_value(start), clock_time(local, hours)))
    return list(days.values())


def describe_time(start: datetime, zone_name: str, hours: str = "24") -> str:
    """'Tuesday 3 March 2026, 9:00 AM (America/New York)': a UTC start on someone's clock
    (`hours` "12" or "24", blueprints/shared/hours.py)."""
    local = to_zone(start, ZoneInfo(zone_name))
    when = clock_time(local, hours)
    return f"{local:%A} {local.day} {local:%B %Y}, {when} ({zone_name.replace('_', ' ')})"
