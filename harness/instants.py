"""The instants time-sensitive tests run at, and the marks that state them.

A test that depends on "now" states the instant(s) it runs at by parametrizing the `clock`
fixture (tests/conftest.py) with these marks. The rules behind booking (notice, cut-offs,
reminders, the coach's hours across both clock changes) are pure functions tested at every instant
of INSTANTS (tests/booking/test_time_matrix.py); HTTP journeys run at the few JOURNEY_INSTANTS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")

# Instants (UTC) the time-sensitive tests run at. The coach's demo hours (Europe/London) are
# Mon-Fri mornings, Tue and Thu evenings, Thu afternoon; bookings need 12 hours' notice and close
# to online changes 24 hours before. A 2026-12-01 clean clone failed at 05:58 and at every third
# hour of that day; the UK clock changes on 2027-03-28 and 2027-10-31 at 01:00 UTC.
INSTANTS = {
    "tue-00:58": "2026-12-01T00:58:00+00:00",  # a weekday, just after midnight
    "tue-05:58": "2026-12-01T05:58:00+00:00",  # the first free slot (18:00) is inside the cut-off
    "tue-09:58": "2026-12-01T09:58:00+00:00",  # during the coach's hours
    "tue-15:58": "2026-12-01T15:58:00+00:00",
    "tue-21:58": "2026-12-01T21:58:00+00:00",  # late evening UTC
    "fri-22:30": "2026-12-04T22:30:00+00:00",  # the coach's Friday night: no hours until Monday
    "sat-12:00": "2026-12-05T12:00:00+00:00",  # the weekend
    "sun-20:00": "2026-12-06T20:00:00+00:00",
    "spring-eve": "2027-03-27T09:58:00+00:00",  # the day before the clocks go forward
    "spring-00:58": "2027-03-28T00:58:00+00:00",  # two minutes before they do
    "spring-day": "2027-03-28T09:58:00+00:00",  # the day they did (BST)
    "autumn-eve": "2027-10-30T09:58:00+00:00",  # the day before the clocks go back
    "autumn-01:30": "2027-10-31T01:30:00+00:00",  # in the repeated hour (01:30 GMT, second time)
    "autumn-day": "2027-10-31T09:58:00+00:00",  # the day they did (GMT)
}


def clock_marks(*names: str) -> list[pytest.MarkDecorator]:
    """Marks that run a test (or, as `pytestmark`, a module) at each of the named INSTANTS."""
    return [
        pytest.mark.stated_instant,
        pytest.mark.usefixtures("clock"),
        pytest.mark.parametrize(
            "clock", [INSTANTS[name] for name in names], ids=list(names), indirect=True
        ),
    ]


def at(*names: str) -> Callable[[T], T]:
    """Decorator: run this test at each of the named INSTANTS, the `clock` set there."""

    def mark(test: T) -> T:
        for marker in clock_marks(*names):
            test = marker(test)
        return test

    return mark


# The instants an HTTP journey that depends on the clock runs at: the first free slot inside the
# cut-off on a weekday, the coach's Friday night (no hours until Monday), and the repeated hour of
# the autumn clock change. A module says `pytestmark = CLOCK_JOURNEYS`; one test says
# `@at_journey_instants`.
JOURNEY_INSTANTS = ("tue-05:58", "fri-22:30", "autumn-01:30")
CLOCK_JOURNEYS = clock_marks(*JOURNEY_INSTANTS)
at_journey_instants = at(*JOURNEY_INSTANTS)
