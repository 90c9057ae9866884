"""The slot picker: a week strip of days, then the free times of the chosen day.

Day first, then time. Every day and week is a real link (the page for a browser without
JavaScript, a small fragment for htmx), so the picker works and can be shared either way. Times
are shown in the visitor's zone: the one in the link, else the one remembered in their cookie,
else the coach's (named on the page), which the browser then swaps for its own; and on the
visitor's clock, 12 or 24 hours (blueprints/shared/hours.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Response, current_app, request

from blueprints.booking.freetimes import free_times
from blueprints.booking.models import FORMATS
from blueprints.booking.slots import (
    is_valid_zone,
    parse_slot_value,
    settings,
    slot_value,
    to_zone,
    zone_choices,
)
from blueprints.shared.clock import utcnow
from blueprints.shared.hours import clock_time, request_hour_style

ZONE_COOKIE = "tz"
ZONE_COOKIE_DAYS = 365


def visitor_zone(explicit: str | None = None) -> str | None:
    """The zone the visitor asked for: in the link or form, else remembered in their cookie."""
    for candidate in (explicit, request.cookies.get(ZONE_COOKIE)):
        if is_valid_zone(candidate):
            return candidate
    return None


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD day from a link, or None."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Link:
    """Where a day or week control goes: the page (no JavaScript) and the fragment (htmx)."""

    page: str
    fragment: str


@dataclass(frozen=True)
class StripDay:
    """One day of the week strip."""

    day: date
    free: int  # free times that day; 0 means the day is shown disabled
    chosen: bool
    link: Link

    @property
    def full_label(self) -> str:
        """'Thursday 3 December'."""
        return f"{self.day:%A} {self.day.day} {self.day:%B}"


@dataclass(frozen=True)
class SlotPicker:
    """Everything `booking/_slots.html` needs."""

    zone: str
    zone_chosen: bool  # the visitor picked it (link, form or cookie): do not re-detect
    zone_choices: list[tuple[str, str]]
    coach_zone: str
    horizon_days: int
    week: list[StripDay]
    previous_week: Link | None
    next_week: Link | None
    day: StripDay | None  # the chosen day
    times: list[tuple[str, str]]  # the chosen day's (value, "09:00" or "9:00 AM")
    any_free: bool
    page_url: str  # the page (the zone form's GET goes here)
    fragment_url: str  # the htmx fragment with just the picker
    here: Link  # this picker as it is now (the URL htmx pushes)
    carry: dict[str, str] = field(default_factory=dict)  # kept by every picker link and form
    selected: str = ""
    error: str | None = None

    @property
    def count_text(self) -> str:
        """What a screen reader hears after choosing a day."""
        if self.day is None:
            return "No free times this week."
        count = len(self.times)
        return f"{count} free {'time' if count == 1 else 'times'} on {self.day.full_label}."


def build_picker(
    zone: str | None,
    page_url: str,
    fragment_url: str,
    carry: dict[str, str] | None = None,
    day: date | None = None,
    selected: str = "",
    error: str | None = None,
    ignore_booking_id: int | None = None,
) -> SlotPicker:
    """Free times now, in `zone` (else the coach's), for the week of `day` or the first free day."""
    coach_zone = current_app.config["COACH_TIMEZONE"]
    chosen_zone = is_valid_zone(zone)
    shown_zone = zone if chosen_zone and zone else coach_zone
    tz = ZoneInfo(shown_zone)
    hours = request_hour_style()
    now = utcnow()
    computed = free_times(now, ignore_booking_id=ignore_booking_id)
    by_day: dict[date, list[tuple[str, str]]] = {}
    for start in computed.starts:
        local = to_zone(start, tz)
        by_day.setdefault(local.date(), []).append((slot_value(start), clock_time(local, hours)))
    today = to_zone(now, tz).date()
    last = today + timedelta(days=computed.horizon_days + 1)  # a zone ahead reaches a day later
    wanted = _wanted_day(day, selected, tz, by_day, today, last)
    monday = wanted - timedelta(days=wanted.weekday())
    week_days = [monday + timedelta(days=n) for n in range(7)]
    chosen_day = wanted if wanted in by_day else next((d for d in week_days if d in by_day), None)
    params = {k: v for k, v in (carry or {}).items() if v}
    if chosen_zone:
        params["tz"] = shown_zone

    def link(target: date) -> Link:
        query = urlencode({**params, "day": target.isoformat()})
        return Link(f"{page_url}?{query}", f"{fragment_url}?{query}")

    week = [StripDay(d, len(by_day.get(d, [])), d == chosen_day, link(d)) for d in week_days]
    previous_monday, next_monday = monday - timedelta(days=7), monday + timedelta(days=7)
    return SlotPicker(
        zone=shown_zone,
        zone_chosen=chosen_zone,
        zone_choices=zone_choices(shown_zone),
        coach_zone=coach_zone,
        horizon_days=computed.horizon_days,
        week=week,
        previous_week=link(_first_free(previous_monday, by_day, today)) if monday > today else None,
        next_week=link(_first_free(next_monday, by_day, today)) if next_monday <= last else None,
        day=next((d for d in week if d.chosen), None),
        times=by_day.get(chosen_day, []) if chosen_day else [],
        any_free=bool(by_day),
        page_url=page_url,
        fragment_url=fragment_url,
        here=link(chosen_day or wanted),
        carry={k: v for k, v in params.items() if k != "tz"},
        selected=selected,
        error=error,
    )


def _wanted_day(
    day: date | None,
    selected: str,
    tz: ZoneInfo,
    by_day: dict[date, list[tuple[str, str]]],
    today: date,
    last: date,
) -> date:
    if day is not None and today <= day <= last:
        return day
    start = parse_slot_value(selected)
    if start is not None and to_zone(start, tz).date() in by_day:
        return to_zone(start, tz).date()
    return min(by_day) if by_day else today


def _first_free(monday: date, by_day: dict[date, list[tuple[str, str]]], today: date) -> date:
    """The first day with free times in the week from `monday` (else its first day from today)."""
    days = [monday + timedelta(days=n) for n in range(7)]
    return next((day for day in days if day in by_day), max(monday, today))


def offered_formats() -> list[tuple[str, str]]:
    """The meeting formats the coach offers, as (value, label)."""
    keys = [key.strip() for key in settings().formats.split(",")]
    return [(key, FORMATS[key]) for key in keys if key in FORMATS] or list(FORMATS.items())


def remember_zone(response: Response, zone: str | None) -> Response:
    """Set the zone cookie when the visitor named a zone that differs from the remembered one."""
    if is_valid_zone(zone) and zone != request.cookies.get(ZONE_COOKIE):
        response.set_cookie(
            ZONE_COOKIE,
            zone,
            max_age=ZONE_COOKIE_DAYS * 86400,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=False,  # the page's script reads it to know whether to detect the zone
        )
    return response


def remember_zone_from_link(response: Response) -> Response:
    """After a GET, a zone named in the link (the zone picker) is remembered for the next visit."""
    if request.method == "GET":
        remember_zone(response, request.args.get("tz"))
    return response
