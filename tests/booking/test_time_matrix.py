"""The booking time rules as pure functions, at every instant of the clock matrix.

The HTTP journeys (tests/contact/test_booking.py and friends) run at a few instants; the rules
behind them (notice, horizon, the coach's hours in her zone, buffers around bookings, days off,
both clock changes) are checked here at all of them, where each instant costs microseconds.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from blueprints.booking.seed import DEMO_WEEK
from blueprints.booking.slots import TAKEN, Availability, free_slots, group_by_day, slot_problem
from harness.instants import INSTANTS

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
STEP = timedelta(minutes=15)


def demo_availability(now: datetime, **changes: object) -> Availability:
    """The demo's hours and rules, with a booking two days out and a day off a week out."""
    weekly: dict[int, list] = {}
    for weekday, start, end in DEMO_WEEK:
        weekly.setdefault(weekday, []).append((start, end))
    values: dict[str, object] = {
        "zone": LONDON,
        "slot": timedelta(minutes=45),
        "buffer": timedelta(minutes=15),
        "notice": timedelta(hours=12),
        "horizon_days": 21,
        "weekly": weekly,
        "days_off": frozenset({(now + timedelta(days=7)).date()}),
        "busy": (),
    }
    values.update(changes)
    return Availability(**values)  # type: ignore[arg-type]


def naive_utc(instant: str) -> datetime:
    return datetime.fromisoformat(instant).replace(tzinfo=None)


def within_hours(availability: Availability, start: datetime) -> bool:
    """True when [start, start + slot] lies inside one of the coach's windows on its local day."""
    local_start = start.replace(tzinfo=ZoneInfo("UTC")).astimezone(availability.zone)
    local_end = (
        (start + availability.slot).replace(tzinfo=ZoneInfo("UTC")).astimezone(availability.zone)
    )
    return local_start.date() == local_end.date() and any(
        opens <= local_start.time() and local_end.time() <= closes
        for opens, closes in availability.weekly.get(local_start.weekday(), [])
    )


INSTANT_PARAMS = pytest.mark.parametrize("instant", list(INSTANTS.values()), ids=list(INSTANTS))


@INSTANT_PARAMS
def test_every_free_slot_keeps_the_rules_and_none_is_missing(instant: str) -> None:
    now = naive_utc(instant)
    rules = demo_availability(now)
    slots = free_slots(rules, now)
    assert slots == sorted(set(slots))
    assert slots, "three weeks of the demo hours always hold a free time"
    last_day = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(LONDON).date() + timedelta(days=21)
    for start in slots:
        local = start.replace(tzinfo=ZoneInfo("UTC")).astimezone(LONDON)
        assert start >= now + rules.notice
        assert local.date() <= last_day
        assert local.date() not in rules.days_off
        assert within_hours(rules, start), f"{local:%a %d %b %H:%M} is outside the hours"
        assert slot_problem(rules, start, now) is None
    # Every quarter hour of the next three weeks that slot_problem accepts is offered.
    candidate, accepted = now.replace(minute=0, second=0, microsecond=0), []
    while candidate <= now + timedelta(days=23):
        if slot_problem(rules, candidate, now) is None:
            accepted.append(candidate)
        candidate += STEP
    assert accepted == slots


@INSTANT_PARAMS
def test_notice_and_past_times_are_refused_with_their_reason(instant: str) -> None:
    now = naive_utc(instant)
    rules = demo_availability(now, notice=timedelta(hours=0))
    grid = free_slots(rules, now)
    inside_notice = [start for start in grid if start < now + timedelta(hours=12)]
    strict = demo_availability(now)
    for start in inside_notice:
        assert "notice" in (slot_problem(strict, start, now) or "")
        assert start not in free_slots(strict, now)
    assert "passed" in (slot_problem(strict, now - timedelta(minutes=1), now) or "")


@INSTANT_PARAMS
def test_a_booking_takes_its_slot_and_the_buffer_around_it(instant: str) -> None:
    now = naive_utc(instant)
    open_rules = demo_availability(now)
    taken = free_slots(open_rules, now)[0]
    busy = ((taken, taken + timedelta(minutes=45)),)
    rules = demo_availability(now, busy=busy)
    slots = free_slots(rules, now)
    assert taken not in slots
    assert slot_problem(rules, taken, now) == TAKEN
    for start in slots:  # 15 minutes' buffer on each side
        assert start >= taken + timedelta(minutes=60) or start + timedelta(minutes=60) <= taken


@INSTANT_PARAMS
def test_slots_are_grouped_under_the_visitors_own_dates(instant: str) -> None:
    now = naive_utc(instant)
    slots = free_slots(demo_availability(now), now)
    days = group_by_day(slots, NEW_YORK)
    assert sum(len(day.times) for day in days) == len(slots)
    shown = [
        start.replace(tzinfo=ZoneInfo("UTC")).astimezone(NEW_YORK).strftime("%H:%M")
        for start in slots
    ]
    assert [label for day in days for _value, label in day.times] == shown


def test_the_matrix_crosses_both_clock_changes() -> None:
    offsets = {
        naive_utc(i).replace(tzinfo=ZoneInfo("UTC")).astimezone(LONDON).utcoffset()
        for i in INSTANTS.values()
    }
    assert offsets == {timedelta(0), timedelta(hours=1)}
    assert date(2027, 3, 28) in {naive_utc(i).date() for i in INSTANTS.values()}
