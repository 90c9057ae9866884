"""The coach enters and reads times in COACH_TIMEZONE; the database stores naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def coach_zone() -> ZoneInfo:
    """The coach's time zone."""
    return ZoneInfo(current_app.config["COACH_TIMEZONE"])


def coach_local_to_utc(local: datetime) -> datetime:
    """A naive wall-clock time in the coach's zone -> naive UTC for storage."""
    return local.replace(tzinfo=coach_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_coach_local(value: datetime) -> datetime:
    """Stored naive UTC -> the naive wall-clock time the coach sees."""
    return value.replace(tzinfo=UTC).astimezone(coach_zone()).replace(tzinfo=None)
