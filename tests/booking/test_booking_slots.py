"""Free slots from weekly hours in the coach's zone: notice, horizon, days off, buffer, DST."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprints.booking.slots import (
    TAKEN,
    Availability,
    free_slots,
    group_by_day,
    slot_problem,
    to_utc,
    to_zone,
)

LONDON = ZoneInfo("Europe/London")


def availability(
    weekly: dict[int, list[tuple[time, time]]],
    *,
    zone: ZoneInfo = LONDON,
    slot: int = 45,
    buffer: int = 15,
    notice_hours: int = 12,
    horizon_days: int = 21,
    days_off: frozenset[date] = frozenset(),
    busy: tuple[tuple[datetime, datetime], ...] = (),
) -> Availability:
    return Availability(
        zone=zone,
        slot=timedelta(minutes=slot),
        buffer=timedelta(minutes=buffer),
        notice=timedelta(hours=notice_hours),
        horizon_days=horizon_days,
        weekly=weekly,
        days_off=days_off,
        busy=busy,
    )


MONDAY_MORNINGS = {0: [(time(9), time(12))]}


def on_day(slots: list[datetime], day: date) -> list[datetime]:
    return [s for s in slots if to_zone(s, LONDON).date() == day]


def test_monday_nine_in_london_is_nine_utc_in_winter_and_eight_utc_in_summer() -> None:
    # The clocks go forward on Sunday 29 March 2026.
    slots = free_slots(availability(MONDAY_MORNINGS), now=datetime(2026, 3, 20, 12))
    assert on_day(slots, date(2026, 3, 23)) == [
        datetime(2026, 3, 23, 9),
        datetime(2026, 3, 23, 10),
        datetime(2026, 3, 23, 11),
    ]
    assert on_day(slots, date(2026, 3, 30)) == [
        datetime(2026, 3, 30, 8),
        datetime(2026, 3, 30, 9),
        datetime(2026, 3, 30, 10),
    ]


def test_autumn_change_moves_the_utc_times_back() -> None:
    # The clocks go back on Sunday 25 October 2026.
    slots = free_slots(availability(MONDAY_MORNINGS), now=datetime(2026, 10, 15, 12))
    assert on_day(slots, date(2026, 10, 19))[0] == datetime(2026, 10, 19, 8)
    assert on_day(slots, date(2026, 10, 26))[0] == datetime(2026, 10, 26, 9)


def test_a_window_across_the_spring_gap_keeps_every_slot_whole_and_apart() -> None:
    sunday_night = {6: [(time(0), time(4))]}  # 00:00-04:00 on the clock: 3 real hours that day
    slots = on_day(
        free_slots(availability(sunday_night), now=datetime(2026, 3, 25)), date(2026, 3, 29)
    )
    assert slots == [datetime(2026, 3, 29, 0), datetime(2026, 3, 29, 1), datetime(2026, 3, 29, 2)]
    assert [f"{to_zone(s, LONDON):%H:%M}" for s in slots] == ["00:00", "02:00", "03:00"]
    assert to_zone(slots[-1] + timedelta(minutes=45), LONDON).time() <= time(4)


def test_a_window_across_the_autumn_repeat_uses_the_real_four_hours() -> None:
    sunday_night = {6: [(time(0), time(3))]}  # 00:00 BST to 03:00 GMT: 4 real hours
    slots = on_day(
        free_slots(availability(sunday_night), now=datetime(2026, 10, 20)), date(2026, 10, 25)
    )
    assert slots == [
        datetime(2026, 10, 24, 23),
        datetime(2026, 10, 25, 0),
        datetime(2026, 10, 25, 1),
        datetime(2026, 10, 25, 2),
    ]
    assert all(b - a == timedelta(hours=1) for a, b in zip(slots, slots[1:], strict=False))


def test_minimum_notice_hides_slots_that_are_too_soon() -> None:
    monday_8am = datetime(2026, 2, 2, 8)
    hours = {0: [(time(9), time(12))], 1: [(time(9), time(12))]}
    slots = free_slots(availability(hours, notice_hours=12), now=monday_8am)
    assert slots[0] == datetime(2026, 2, 3, 9)  # Tuesday: Monday's are all under 12 hours away
    slots = free_slots(availability(hours, notice_hours=1), now=monday_8am)
    assert slots[0] == datetime(2026, 2, 2, 9)


def test_horizon_and_days_off() -> None:
    now = datetime(2026, 2, 1, 12)  # a Sunday
    rules = availability(MONDAY_MORNINGS, horizon_days=8, days_off=frozenset({date(2026, 2, 2)}))
    slots = free_slots(rules, now)
    assert {to_zone(s, LONDON).date() for s in slots} == {date(2026, 2, 9)}


@pytest.mark.parametrize(
    ("buffer", "free"),
    # The grid steps by slot + buffer: 45+15 gives 09:00 10:00 11:00, 45+30 gives 09:00 10:15,
    # 45+0 gives 09:00 09:45 10:30 11:15.
    [(15, ["09:00", "11:00"]), (30, []), (0, ["09:00", "11:15"])],
)
def test_bookings_block_their_slot_and_the_buffer_around_it(buffer: int, free: list[str]) -> None:
    booked = (datetime(2026, 2, 9, 10), datetime(2026, 2, 9, 10, 45))
    rules = availability(MONDAY_MORNINGS, buffer=buffer, busy=(booked,))
    slots = on_day(free_slots(rules, datetime(2026, 2, 1)), date(2026, 2, 9))
    assert [f"{to_zone(s, LONDON):%H:%M}" for s in slots] == free


def test_slot_problem_names_each_reason() -> None:
    now = datetime(2026, 2, 2, 8)
    booked = (datetime(2026, 2, 10, 9), datetime(2026, 2, 10, 9, 45))
    rules = availability({0: [(time(9), time(12))], 1: [(time(9), time(12))]}, busy=(booked,))
    assert "already passed" in slot_problem(rules, datetime(2026, 2, 1, 9), now)
    assert "notice" in slot_problem(rules, datetime(2026, 2, 2, 10), now)
    assert "further away" in slot_problem(rules, datetime(2026, 3, 2, 9), now)
    assert "outside" in slot_problem(rules, datetime(2026, 2, 9, 9, 30), now)
    assert "outside" in slot_problem(rules, datetime(2026, 2, 11, 9), now)  # a Wednesday
    assert slot_problem(rules, datetime(2026, 2, 10, 9), now) == TAKEN
    assert slot_problem(rules, datetime(2026, 2, 9, 9), now) is None


def test_slots_are_grouped_under_the_visitors_own_dates() -> None:
    # Monday 09:00 in London is Monday 20:00 in Auckland (NZDT, UTC+13 in February).
    days = group_by_day(
        [datetime(2026, 2, 9, 9), datetime(2026, 2, 9, 11)], ZoneInfo("Pacific/Auckland")
    )
    assert [(d.label, [label for _, label in d.times]) for d in days] == [
        ("Monday 9 February", ["22:00"]),
        ("Tuesday 10 February", ["00:00"]),
    ]


ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


@st.composite
def rules_and_now(draw: st.DrawFn) -> tuple[Availability, datetime, dict[int, tuple[time, time]]]:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    weekly = {}
    for weekday in draw(st.sets(st.integers(0, 6), min_size=1, max_size=4)):
        start = draw(st.integers(0, 20 * 4)) * 15
        length = draw(st.integers(4, 16)) * 15
        end = min(start + length, 24 * 60 - 1)
        weekly[weekday] = (time(start // 60, start % 60), time(end // 60, end % 60))
    now = draw(st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1)))
    busy = tuple(
        (start, start + timedelta(minutes=45))
        for start in draw(
            st.lists(
                st.datetimes(now, now + timedelta(days=10)).map(
                    lambda d: d.replace(second=0, microsecond=0)
                ),
                max_size=5,
            )
        )
    )
    rules = availability(
        {day: [window] for day, window in weekly.items()},
        zone=zone,
        slot=draw(st.sampled_from([30, 45, 60, 90])),
        buffer=draw(st.sampled_from([0, 10, 15, 30])),
        notice_hours=draw(st.integers(0, 48)),
        horizon_days=draw(st.integers(1, 30)),
        busy=busy,
    )
    return rules, now, weekly


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_and_now())
def test_every_offered_slot_obeys_every_rule_and_can_be_booked(
    case: tuple[Availability, datetime, dict[int, tuple[time, time]]],
) -> None:
    rules, now, weekly = case
    slots = free_slots(rules, now)
    last_day = to_zone(now, rules.zone).date() + timedelta(days=rules.horizon_days)
    for start in slots:
        local_day = to_zone(start, rules.zone).date()
        window_start, window_end = weekly[local_day.weekday()]
        assert to_utc(datetime.combine(local_day, window_start), rules.zone) <= start
        assert start + rules.slot <= to_utc(datetime.combine(local_day, window_end), rules.zone)
        assert start >= now + rules.notice
        assert local_day <= last_day
        for busy_start, busy_end in rules.busy:
            assert (
                start + rules.slot + rules.buffer <= busy_start or start >= busy_end + rules.buffer
            )
        assert slot_problem(rules, start, now) is None
    for earlier, later in zip(slots, slots[1:], strict=False):
        assert later - earlier >= rules.slot + rules.buffer


def test_with_no_notice_a_slot_starting_this_minute_is_not_offered() -> None:
    now = datetime(2026, 2, 2, 9)  # Monday 09:00 in London, the start of the window
    slots = free_slots(availability(MONDAY_MORNINGS, notice_hours=0), now)
    assert slots[0] == datetime(2026, 2, 2, 10)
    assert "already passed" in slot_problem(availability(MONDAY_MORNINGS, notice_hours=0), now, now)
