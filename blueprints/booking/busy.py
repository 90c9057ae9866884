"""Busy times from the coach's own calendars: read, expanded and stored, never fetched per request.

`busy_intervals` is the pure part: an iCalendar text and a window in, the busy (start, end)
pairs out, as naive UTC like the rest of booking. `icalendar` parses and `recurring-ical-events`
expands repeats (RRULE, RDATE, EXDATE, moved occurrences) in each event's own zone, so a weekly
09:00 in New York stays 09:00 there across both daylight-saving changes. Transparent ("free")
and cancelled events are not busy. An all-day event, or a time with no zone, is read on the
coach's clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


class CalendarUnreadable(Exception):
    """The text is not an iCalendar file; the message is for the coach."""


def _as_utc(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A DTSTART/DTEND value as naive UTC: dates at the coach's midnight, floating times hers."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC).replace(tzinfo=None)


def _is_busy(event: object) -> bool:
    get = event.get  # type: ignore[attr-defined]
    if str(get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    return str(get("STATUS", "CONFIRMED")).upper() != "CANCELLED"


def busy_intervals(
    text: bytes | str, start: datetime, end: datetime, zone: ZoneInfo
) -> list[Interval]:
    """Busy (start, end) pairs, naive UTC, of every event that overlaps [start, end) (naive UTC)."""
    import recurring_ical_events
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise CalendarUnreadable("This address does not return a calendar (.ics) file.") from error
    window = (start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))
    try:
        events = recurring_ical_events.of(calendar).between(*window)
    except Exception as error:  # the library raises its own types for broken rules and zones
        raise CalendarUnreadable(f"This calendar could not be read ({error}).") from error
    found: set[Interval] = set()
    for event in events:
        if not _is_busy(event) or "DTSTART" not in event:
            continue
        begins = _as_utc(event["DTSTART"].dt, zone)
        if "DTEND" in event:
            ends = _as_utc(event["DTEND"].dt, zone)
        elif "DURATION" in event:
            ends = begins + event["DURATION"].dt
        elif isinstance(event["DTSTART"].dt, datetime):
            ends = begins  # RFC 5545: a moment, not a span; it blocks nothing
        else:
            ends = _as_utc(event["DTSTART"].dt + timedelta(days=1), zone)
        if ends > begins and begins < end and ends > start:
            found.add((begins, ends))
    return sorted(found)


def overlapping(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The intervals that overlap [start, end)."""
    return [(s, e) for s, e in intervals if s < end and e > start]
