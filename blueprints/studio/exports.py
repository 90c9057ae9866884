"""CSV exports of enquiries, bookings and signups, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from flask import Response, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.contact.models import Booking, Enquiry
from blueprints.programs.models import Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.templating import coach_time
from blueprints.studio import bp

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula character at the start of the cell, or of any piece a spreadsheet might split the
# cell into (it may take ; | or a tab for the separator, and ignore the quotes): `x;@SUM(A1)`.
FORMULA_AFTER_SEPARATOR = re.compile(r"(^|[;,|\t\r\n])(\s*)(?=[=+\-@])")
Row = Sequence[object]


def spreadsheet_safe(value: object) -> str:
    """The cell as text; wherever a spreadsheet could start a formula, a quote goes first."""
    if value is None:
        return ""
    text = coach_time(value, "%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)
    if text.startswith(("\t", "\r")):
        text = "'" + text
    return FORMULA_AFTER_SEPARATOR.sub(r"\1\2'", text)


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    """A CSV document (with a BOM so spreadsheet programs read UTF-8 names correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)  # every cell quoted, whatever it holds
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def _enquiries() -> tuple[Row, Iterable[Row]]:
    header = ("id", "received", "name", "email", "topic", "status", "came from", "message")
    rows = db.session.scalars(select(Enquiry).order_by(Enquiry.created_at, Enquiry.id))
    return header, (
        (e.id, e.created_at, e.name, e.email, e.topic, e.status, e.context, e.message) for e in rows
    )


def _bookings() -> tuple[Row, Iterable[Row]]:
    header = (
        "id", "starts", "ends", "status", "format", "name", "email", "their time zone",
        "reason", "pain for", "booked", "cancelled",
    )  # fmt: skip
    rows = db.session.scalars(
        select(Booking).options(joinedload(Booking.enquiry)).order_by(Booking.starts_at)
    )
    return header, (
        (
            b.id,
            b.starts_at,
            b.ends_at,
            b.status,
            b.format,
            b.enquiry.name,
            b.enquiry.email,
            b.visitor_timezone,
            b.reason,
            b.pain_duration,
            b.created_at,
            b.cancelled_at,
        )  # fmt: skip
        for b in rows
    )


def _signups() -> tuple[Row, Iterable[Row]]:
    header = (
        "id", "program", "name", "email", "phone", "status", "waitlist position", "signed up",
        "cancelled", "goals", "history", "consented to health data",
    )  # fmt: skip
    rows = db.session.scalars(
        select(Signup).options(joinedload(Signup.program)).order_by(Signup.created_at)
    )
    return header, (
        (
            s.id,
            s.program.title,
            s.name,
            s.email,
            s.phone,
            s.status,
            s.waitlist_position,
            s.created_at,
            s.cancelled_at,
            s.goals,
            s.history,
            "yes" if s.consent_health_data else "no",
        )  # fmt: skip
        for s in rows
    )


EXPORTS: dict[str, Callable[[], tuple[Row, Iterable[Row]]]] = {
    "enquiries": _enquiries,
    "bookings": _bookings,
    "signups": _signups,
}


@bp.get("/export")
def exports() -> str:
    """Links to each download."""
    return render_template("studio/exports.html", kinds=list(EXPORTS))


@bp.get("/export/<kind>.csv")
def exports_download(kind: str) -> Response:
    """One CSV file: all enquiries, bookings or signups (times in the coach's zone)."""
    if kind not in EXPORTS:
        abort(404)
    header, rows = EXPORTS[kind]()
    return csv_download(kind, header, rows)


def csv_download(name: str, header: Row, rows: Iterable[Row]) -> Response:
    """A CSV attachment named after `name` and today's date, never kept in a cache."""
    filename = f"{name}-{utcnow():%Y-%m-%d}.csv"
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
