"""Fetching the coach's calendars (`flask fetch-calendars`, every few minutes from a timer).

Each address is fetched with a timeout and a size limit, over https only unless the settings
allow plain http (development, tests), and never from a private, loopback or link-local address
unless CALENDAR_FETCH_ALLOW_PRIVATE is set: the studio must not become a way to read the
server's own network. Redirects are followed only after the same checks. urllib (the standard
library) does the fetching: no HTTP client is among the kept libraries, and one GET with these
checks needs nothing more. A failing feed keeps the busy blocks of its last good fetch.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, select

from blueprints.booking.busy import CalendarUnreadable, busy_intervals
from blueprints.booking.models import Booking, BusyBlock, BusyCalendar
from blueprints.booking.slots import settings
from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db

BOOKING_LOCK = "booking"


class FetchRefused(Exception):
    """The address cannot or may not be fetched; the message is for the coach."""


def address_problem(url: str) -> str | None:
    """Why this calendar address may not be fetched, in words; None if it may."""
    parts = urlsplit(url.strip())
    allowed = {"https"} | (
        {"http"} if not current_app.config["CALENDAR_FETCH_REQUIRE_HTTPS"] else set()
    )
    if parts.scheme == "webcal":  # Apple's name for the same https address
        parts = parts._replace(scheme="https")
    if parts.scheme not in allowed or not parts.hostname:
        return "Please paste the calendar's full secret address, starting with https://."
    if current_app.config["CALENDAR_FETCH_ALLOW_PRIVATE"]:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except ValueError:  # a port that is not a number
        return "Please paste the calendar's full secret address, starting with https://."
    except OSError:
        return f"The server {parts.hostname} could not be found."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
        if not address.is_global:
            return f"{parts.hostname} is a private or local address, which is not allowed."
    return None


def fetchable_url(url: str) -> str:
    """`url` as it is fetched (webcal:// is https://)."""
    url = url.strip()
    return "https://" + url.removeprefix("webcal://") if url.startswith("webcal://") else url


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        problem = address_problem(newurl)
        if problem:
            raise FetchRefused(f"The calendar's address redirects elsewhere: {problem}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url: str) -> bytes:
    """The calendar's bytes; FetchRefused (in plain words) for anything that goes wrong."""
    problem = address_problem(url)
    if problem:
        raise FetchRefused(problem)
    config = current_app.config
    limit = config["CALENDAR_FETCH_MAX_BYTES"]
    opener = urllib.request.build_opener(_CheckedRedirects)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        fetchable_url(url), headers={"User-Agent": f"{config['SITE_NAME']} calendar reader"}
    )
    try:
        with opener.open(request, timeout=config["CALENDAR_FETCH_TIMEOUT"]) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise FetchRefused(
            f"The calendar's server answered {error.code} ({error.reason}). If you made a new "
            "secret address, paste the new one here."
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchRefused(f"The calendar's server could not be reached ({reason}).") from error
    if len(body) > limit:
        raise FetchRefused(
            f"The calendar is larger than {limit // 1_000_000} MB, so it was not read."
        )
    return body


@dataclass(frozen=True)
class FetchReport:
    """What one pass did: calendars read, failed, and bookings that now clash."""

    fetched: int
    failed: int


def window(now: datetime) -> tuple[datetime, datetime]:
    """The span busy times are kept for: from yesterday to past the booking horizon."""
    return now - timedelta(days=1), now + timedelta(days=settings().horizon_days + 2)


def fetch_calendar(calendar: BusyCalendar, now: datetime | None = None) -> bool:
    """Fetch one calendar and replace its busy blocks; on failure keep them and note why."""
    now = now or utcnow()
    calendar_id = calendar.id
    try:
        text = download(calendar.url)
        start, end = window(now)
        zone = ZoneInfo(current_app.config["COACH_TIMEZONE"])
        blocks = busy_intervals(text, start, end, zone)
    except (FetchRefused, CalendarUnreadable) as error:
        db.session.rollback()
        with serialized_write(BOOKING_LOCK) as session:
            row = session.get(BusyCalendar, calendar_id)
            if row is not None:
                row.last_attempt_at = now
                row.last_error = str(error)
        return False
    with serialized_write(BOOKING_LOCK) as session:
        row = session.get(BusyCalendar, calendar_id)
        if row is None:  # removed in the studio meanwhile
            return False
        session.execute(delete(BusyBlock).where(BusyBlock.calendar_id == calendar_id))
        session.add_all(
            BusyBlock(calendar_id=calendar_id, starts_at=s, ends_at=e) for s, e in blocks
        )
        row.last_attempt_at = now
        row.last_success_at = now
        row.last_error = ""
        row.busy_count = len(blocks)
    return True


def fetch_all(now: datetime | None = None) -> FetchReport:
    """Fetch every calendar the coach added."""
    calendars = db.session.scalars(select(BusyCalendar).order_by(BusyCalendar.id)).all()
    fetched = sum(fetch_calendar(calendar, now) for calendar in calendars)
    return FetchReport(fetched, len(calendars) - fetched)


def clashes(now: datetime | None = None) -> list[tuple[Booking, BusyBlock]]:
    """Confirmed upcoming bookings that a busy time from her calendars now overlaps."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Booking, BusyBlock)
        .join(
            BusyBlock,
            (BusyBlock.starts_at < Booking.ends_at) & (BusyBlock.ends_at > Booking.starts_at),
        )
        .where(Booking.status == "confirmed", Booking.ends_at > now)
        .order_by(Booking.starts_at)
    ).all()
    return [(booking, block) for booking, block in rows]
