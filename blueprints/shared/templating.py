"""What every template can use: site settings, versioned static URLs, date filters."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for

from blueprints.shared.clock import utcnow
from blueprints.shared.htmx import is_htmx_request
from blueprints.shared.urls import absolute_url


def init_app(app: Flask) -> None:
    """Register the context processor and filters."""
    app.context_processor(_site_context)
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["static_data_uri"] = static_data_uri
    app.jinja_env.globals["absolute_url"] = absolute_url
    app.jinja_env.globals["form_error_items"] = form_error_items
    app.jinja_env.globals["is_htmx_request"] = is_htmx_request
    app.jinja_env.filters["coach_time"] = coach_time
    app.jinja_env.filters["human_date"] = human_date


@cache
def _data_uri(path: str, mimetype: str, mtime: float) -> str:
    return f"data:{mimetype},{quote(Path(path).read_text(encoding='utf-8').strip(), safe='=/:,.')}"


def static_data_uri(filename: str, mimetype: str) -> str:
    """A small static text file (the SVG favicon) as a data: URI, to inline in the page: no
    request (over HTTP/1.1 its headers alone outweigh the few hundred bytes it adds)."""
    path = Path(current_app.static_folder or "") / filename
    return _data_uri(str(path), mimetype, path.stat().st_mtime)


def _site_context() -> dict[str, Any]:
    config = current_app.config
    return {
        "site_name": config["SITE_NAME"],
        "coach_name": config["COACH_NAME"],
        "coach_timezone": config["COACH_TIMEZONE"],
        "current_year": utcnow().year,
    }


@cache
def _file_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """URL of a static file with a content hash, so it can be cached for a year."""
    path = Path(current_app.static_folder or "") / filename
    version = _file_digest(str(path), path.stat().st_mtime)
    return url_for("static", filename=filename, v=version)


def form_error_items(form: Any) -> list[tuple[str | None, str]]:
    """A WTForms form's problems for the error summary: its own, then each field's first
    (linked to the field, unless the visitor cannot see it: a hidden field's is text only)."""
    items: list[tuple[str | None, str]] = [(None, message) for message in form.form_errors]
    for f in form:
        if f.errors and f.type != "CSRFTokenField":
            items.append((None if f.type == "HiddenField" else f.id, f.errors[0]))
    csrf = getattr(form, "csrf_token", None)
    if csrf is not None and csrf.errors:
        items.append((None, "The form had expired. Please try again."))
    return items


def coach_time(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored UTC datetime shown in the coach's time zone."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["COACH_TIMEZONE"])
    return value.replace(tzinfo=UTC).astimezone(zone).strftime(fmt)


def human_date(value: datetime | None) -> str:
    """'4 March 2026'."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"
