"""The one place the application reads "now", and the coach's time zone.

Tests choose the instant (time-machine moves what `datetime.now` and `time.time` return), so
every cut-off, reminder, rate limit, stamp and cache age follows the instant a test states.
Stored datetimes are naive UTC; the coach enters and reads times in COACH_TIMEZONE.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def timestamp() -> float:
    """Now, as seconds since the epoch (for signed stamps and cache ages)."""
    return datetime.now(UTC).timestamp()


def coach_zone() -> ZoneInfo:
    """The coach's time zone."""
    return ZoneInfo(current_app.config["COACH_TIMEZONE"])


def coach_local_to_utc(local: datetime) -> datetime:
    """A naive wall-clock time in the coach's zone -> naive UTC for storage."""
    return local.replace(tzinfo=coach_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_coach_local(value: datetime) -> datetime:
    """Stored naive UTC -> the naive wall-clock time the coach sees."""
    return value.replace(tzinfo=UTC).astimezone(coach_zone()).replace(tzinfo=None)
