"""CSV exports are streamed: the header goes out before any row is read, the rows follow in
batches, and the file holds every row once, quoted and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from blueprints.contact.models import Enquiry
from blueprints.newsletter.models import Subscriber
from blueprints.shared.extensions import db
from harness.studio import add_enquiry, add_program, add_signup

BASE = datetime(2026, 6, 1, 8, 0)
HEADER = '\ufeff"id","received","name","email","topic","status","came from","message"\r\n'
ROWS = 2_500  # more than two of the export's batches of 1,000


def store_enquiries(app: Flask, count: int) -> None:
    """`count` enquiries, in sevens that share a timestamp (so batches end inside a seven)."""
    with app.app_context():
        db.session.execute(
            insert(Enquiry),
            [
                {"name": f"Person {n}", "email": f"p{n}@example.com", "status": "new",
                 "message": f"Message {n}", "created_at": BASE + timedelta(minutes=n // 7)}
                for n in range(count)
            ],
        )  # fmt: skip
        db.session.commit()


def test_the_header_goes_out_before_any_row_is_read(app: Flask, coach: FlaskClient) -> None:
    store_enquiries(app, ROWS)
    response = coach.get("/studio/export/enquiries.csv", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Length" not in response.headers
    chunks = iter(response.response)
    assert next(chunks).decode() == HEADER  # the first chunk: the header and nothing else
    # An enquiry stored after the first byte left is still in the file: the rows are read as
    # the download goes, not built before it starts.
    with app.app_context():
        late = add_enquiry(email="late@example.com", name="Late Arrival")
        late.created_at = BASE + timedelta(days=30)
        db.session.commit()
    rest = b"".join(chunks).decode()
    response.close()
    rows = list(csv.DictReader(io.StringIO(HEADER.lstrip("\ufeff") + rest)))
    assert len(rows) == ROWS + 1 and rows[-1]["name"] == "Late Arrival"


def test_every_row_once_in_order_every_cell_quoted(app: Flask, coach: FlaskClient) -> None:
    store_enquiries(app, ROWS)
    with app.app_context():
        risky = add_enquiry(
            name='=HYPERLINK("http://x","y")', email="r@example.com", message='Hi; @SUM(A1), "ok"'
        )
        risky.created_at = BASE + timedelta(days=1)
        db.session.commit()
    body = coach.get("/studio/export/enquiries.csv").get_data().decode("utf-8")
    assert body.startswith(HEADER)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]
    ids = [int(row[0]) for row in rows]
    assert ids == list(range(1, ROWS + 2))  # stored in time order, so id order: each once
    # QUOTE_ALL: every cell of every line is quoted, numbers and empty cells too.
    assert '"1","2026-06-01 09:00","Person 0","p0@example.com"' in body  # London summer time
    assert ',"","Message 0"\r\n' in body
    last = rows[-1]
    assert last[2] == '\'=HYPERLINK("http://x","y")'
    assert last[7] == 'Hi; \'@SUM(A1), "ok"'


@pytest.mark.parametrize("kind", ["enquiries", "bookings", "signups"])
def test_each_export_streams_with_its_header_first(
    app: Flask, coach: FlaskClient, kind: str
) -> None:
    with app.app_context():
        add_enquiry(booked_at=datetime(2030, 1, 10, 9, 0))
        add_signup(add_program(), "ana@example.com")
        db.session.commit()
    response = coach.get(f"/studio/export/{kind}.csv", buffered=False)
    assert response.is_streamed
    chunks = iter(response.response)
    header = next(chunks).decode()
    rest = b"".join(chunks).decode()
    response.close()
    assert header.startswith('\ufeff"id",') and header.count("\r\n") == 1
    assert rest.count("\r\n") == 1 and rest.startswith('"1",')


def test_the_subscriber_export_streams_every_subscriber(app: Flask, coach: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(
            insert(Subscriber),
            [
                {"email": f"s{n}@example.com", "key": f"k{n}", "status": "confirmed",
                 "created_at": BASE + timedelta(minutes=n // 7)}
                for n in range(2_100)
            ],
        )  # fmt: skip
        db.session.commit()
    response = coach.get("/studio/newsletter/subscribers.csv", buffered=False)
    assert response.is_streamed
    body = b"".join(response.response).decode()
    response.close()
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [row["email"] for row in rows] == [f"s{n}@example.com" for n in range(2_100)]
