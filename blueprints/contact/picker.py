"""What the slot picker fragment shows: free times grouped by day in the visitor's zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app

from blueprints.contact.models import FORMATS
from blueprints.contact.slots import (
    DaySlots,
    free_slots,
    group_by_day,
    is_valid_zone,
    load_availability,
    settings,
    zone_choices,
)
from blueprints.shared.clock import utcnow


@dataclass(frozen=True)
class SlotPicker:
    """Everything `contact/_slots.html` needs."""

    zone: str
    zone_chosen: bool  # the visitor picked it (or it came with their form): do not re-detect
    zone_choices: list[tuple[str, str]]
    coach_zone: str
    days: list[DaySlots]
    horizon_days: int
    zone_url: str  # where the zone form (GET) goes
    carry: dict[str, str] = field(default_factory=dict)  # hidden fields the zone form keeps
    selected: str = ""
    error: str | None = None


def build_picker(
    zone: str | None,
    zone_url: str,
    carry: dict[str, str] | None = None,
    selected: str = "",
    error: str | None = None,
    ignore_booking_id: int | None = None,
) -> SlotPicker:
    """Free slots right now, shown in `zone` (the coach's zone if that is not a valid one)."""
    coach_zone = current_app.config["COACH_TIMEZONE"]
    chosen = is_valid_zone(zone)
    shown_zone = zone if chosen and zone else coach_zone
    availability = load_availability(ignore_booking_id=ignore_booking_id)
    starts = free_slots(availability, utcnow())
    return SlotPicker(
        zone=shown_zone,
        zone_chosen=chosen,
        zone_choices=zone_choices(shown_zone),
        coach_zone=coach_zone,
        days=group_by_day(starts, ZoneInfo(shown_zone)),
        horizon_days=availability.horizon_days,
        zone_url=zone_url,
        carry=carry or {},
        selected=selected,
        error=error,
    )


def offered_formats() -> list[tuple[str, str]]:
    """The meeting formats the coach offers, as (value, label)."""
    keys = [key.strip() for key in settings().formats.split(",")]
    return [(key, FORMATS[key]) for key in keys if key in FORMATS] or list(FORMATS.items())
