"""CSV exports of enquiries, bookings and signups, safe to open in a spreadsheet, streamed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from flask import Response, abort, render_template, stream_with_context
from sqlalchemy import Select, select, tuple_

from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.templating import coach_time
from blueprints.studio import bp
from blueprints.studio.words import came_from, in_words

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula character at the start of the cell, or of any piece a spreadsheet might split the
# cell into (it may take ; | or a tab for the separator, and ignore the quotes): `x;@SUM(A1)`.
FORMULA_AFTER_SEPARATOR = re.compile(r"(^|[;,|\t\r\n])(\s*)(?=[=+\-@])")
FORMULA_CHARACTERS = frozenset("=+-@")
Row = Sequence[object]


def spreadsheet_safe(value: object) -> str:
    """The cell as text; wherever a spreadsheet could start a formula, a quote goes first."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # "2026-12-01 21:58": no separator, starts with a digit
        return coach_time(value, "%Y-%m-%d %H:%M")
    text = str(value)
    if text.startswith(("\t", "\r")):
        text = "'" + text
    if not FORMULA_CHARACTERS.intersection(text):
        return text  # nothing a spreadsheet could run (and no regex over every plain cell)
    return FORMULA_AFTER_SEPARATOR.sub(r"\1\2'", text)


def csv_chunks(header: Row, rows: Iterable[Row], rows_per_chunk: int = 500) -> Iterator[str]:
    """A CSV document in pieces: the header first (with a BOM so spreadsheet programs read
    UTF-8 names correctly), then `rows_per_chunk` rows at a time, every cell quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)  # every cell quoted, whatever it holds
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    rows = iter(rows)
    while batch := list(islice(rows, rows_per_chunk)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in batch)
        yield buffer.getvalue()


def rows_by_key(query: Select[Any], key: Sequence[Any], batch_size: int = 1000) -> Iterator[Row]:
    """Every row of `query` in `key` order, read `batch_size` rows at a time.

    Each batch is one short read on its own connection, starting after the last key seen (its
    columns must be among the selected ones and end with a unique one), so a download of any
    size holds a batch in memory and no transaction open between batches.
    """
    last: tuple[object, ...] | None = None
    while True:
        page = query if last is None else query.where(tuple_(*key) > last)
        with db.engine.connect() as connection:
            batch = connection.execute(page.order_by(*key).limit(batch_size)).all()
        yield from batch
        if len(batch) < batch_size:
            return
        last = tuple(batch[-1]._mapping[column.expression] for column in key)


def _enquiries() -> tuple[Row, Iterable[Row]]:
    header = ("id", "received", "name", "email", "topic", "status", "came from", "message")
    query = select(
        Enquiry.id, Enquiry.created_at, Enquiry.name, Enquiry.email, Enquiry.topic,
        Enquiry.status, Enquiry.context, Enquiry.message,
    )  # fmt: skip
    return header, (
        (ident, received, name, email, in_words("topic", topic), in_words("status", status),
         came_from(context), message)
        for ident, received, name, email, topic, status, context, message
        in rows_by_key(query, (Enquiry.created_at, Enquiry.id))
    )  # fmt: skip


def _bookings() -> tuple[Row, Iterable[Row]]:
    header = (
        "id", "starts", "ends", "status", "format", "name", "email", "their time zone",
        "reason", "pain for", "booked", "cancelled",
    )  # fmt: skip
    query = select(
        Booking.id, Booking.starts_at, Booking.ends_at, Booking.status, Booking.format,
        Enquiry.name, Enquiry.email, Booking.visitor_timezone, Booking.reason,
        Booking.pain_duration, Booking.created_at, Booking.cancelled_at,
    ).join(Enquiry, Booking.enquiry_id == Enquiry.id)  # fmt: skip
    return header, (
        (*row[:3], in_words("status", row[3]), in_words("format", row[4]), *row[5:9],
         in_words("pain_duration", row[9]), *row[10:])
        for row in rows_by_key(query, (Booking.starts_at, Booking.id))
    )  # fmt: skip


def _signups() -> tuple[Row, Iterable[Row]]:
    header = (
        "id", "program", "name", "email", "phone", "status", "waitlist position", "signed up",
        "cancelled", "goals", "history", "consented to health data",
    )  # fmt: skip
    query = select(
        Signup.id, Program.title, Signup.name, Signup.email, Signup.phone, Signup.status,
        Signup.waitlist_position, Signup.created_at, Signup.cancelled_at, Signup.goals,
        Signup.history, Signup.consent_health_data,
    ).join(Program, Signup.program_id == Program.id)  # fmt: skip
    return header, (
        (*row[:5], in_words("status", row[5]), *row[6:-1], "yes" if row[-1] else "no")
        for row in rows_by_key(query, (Signup.created_at, Signup.id))
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
    """A CSV attachment named after `name` and today's date, never kept in a cache.

    Streamed: the header goes out at once and the rows follow as they are read, so neither the
    time to the first byte nor the memory grows with the number of rows.
    """
    filename = f"{name}-{utcnow():%Y-%m-%d}.csv"
    # The request's own transaction is not needed while the rows stream out.
    db.session.commit()
    return Response(
        stream_with_context(csv_chunks(header, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
