"""The visitor's clock: 12-hour ("9:00 AM") or 24-hour ("09:00") times.

Which one a visitor reads comes from, in order: the `hours` cookie that static/js/site.js sets
before the first paint from the browser's own formatting settings (so a visitor who set their
phone to 24-hour time gets it), then the first language of Accept-Language through Babel's
CLDR data (en-US, en-CA, ko... use 12 hours; en-GB, de, fr... 24), then 24 hours.

A public page the cookie did not decide varies on Accept-Language (`used_language` below, read
by http_cache): only visitors without the cookie (a first request, a crawler) get such copies,
and the deployment's nginx keys those on the first language tag alone (deploy/nginx/).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from flask import g, has_request_context, request

HourStyle = Literal["12", "24"]
HOURS_COOKIE = "hours"
STYLES: tuple[HourStyle, ...] = ("12", "24")
DEFAULT: HourStyle = "24"


@cache
def locale_hour_style(tag: str) -> HourStyle:
    """'12' where the locale's short time pattern counts hours 1-12 (h or K), else '24'."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return DEFAULT
    pattern = locale.time_formats["short"].pattern
    return "12" if ("h" in pattern or "K" in pattern) else "24"


def first_language() -> str:
    """The first language tag of the request's Accept-Language ('en-US'), or ''."""
    header = request.headers.get("Accept-Language", "")
    first = header.split(",")[0].split(";")[0].strip()
    return first if first and first != "*" else ""


def request_hour_style() -> HourStyle:
    """The clock this request's visitor reads: the cookie, else their language, else 24 hours."""
    if not has_request_context():
        return DEFAULT
    cookie = request.cookies.get(HOURS_COOKIE, "")
    if cookie in STYLES:
        return cookie  # type: ignore[return-value]
    g.hours_from_language = True
    language = first_language()
    return locale_hour_style(language) if language else DEFAULT


def used_language() -> bool:
    """Did this request's answer depend on Accept-Language (no hours cookie decided it)?"""
    return bool(g.get("hours_from_language"))


def clock_time(moment: datetime, style: str) -> str:
    """'9:00 AM' or '09:00' (a regular space: plain-text emails and screen readers read it)."""
    if style == "12":
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment:%H:%M}"
