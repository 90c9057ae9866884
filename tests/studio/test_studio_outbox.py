"""The outbox (states and retry) and the CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import deliver_due
from blueprints.studio.exports import spreadsheet_safe
from harness import SmtpServer
from harness.instants import clock_marks
from harness.studio import add_enquiry, add_program, add_signup

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")


@pytest.fixture
def studio_site() -> dict[str, object]:
    """An empty site that sends its mail to a loopback SMTP server."""
    return {"mail": True}


def add_message(status: str, to: str, error: str | None = None) -> OutboxMessage:
    """An outbox row in `status`, not yet committed."""
    message = OutboxMessage(
        kind="test",
        to_addr=to,
        subject=f"About your {status} email",
        body_text="Hello",
        status=status,
        attempts=8 if status == "failed" else 0,
        next_attempt_at=utcnow() + timedelta(hours=6),
        last_error=error,
        message_id=f"<{status}-{to}@test>",
        sent_at=utcnow() if status == "sent" else None,
    )
    db.session.add(message)
    return message


@pytest.fixture
def messages(app: Flask) -> dict[str, int]:
    """One email in each state; their ids."""
    with app.app_context():
        rows = {
            "failed": add_message("failed", "gone@example.com", "550 mailbox unavailable"),
            "pending": add_message("pending", "later@example.com", "timed out"),
            "sent": add_message("sent", "done@example.com"),
        }
        db.session.commit()
        return {status: row.id for status, row in rows.items()}


def test_the_outbox_shows_every_state_and_the_last_error(
    coach: FlaskClient, messages: dict[str, int]
) -> None:
    html = coach.get("/studio/outbox").get_data(as_text=True)
    for state, address in [
        ("Could not be sent", "gone@"),
        ("Waiting to send", "later@"),
        ("Sent", "done@"),
    ]:
        assert state in html and address in html
    assert "550 mailbox unavailable" in html
    failed_only = coach.get("/studio/outbox?status=failed").get_data(as_text=True)
    assert "gone@example.com" in failed_only and "done@example.com" not in failed_only


def test_retry_sends_a_failed_email_again(
    app: Flask, coach: FlaskClient, messages: dict[str, int], smtp_server: SmtpServer
) -> None:
    message_id = messages["failed"]
    assert coach.get(f"/studio/outbox/{message_id}/retry").status_code == 405
    response = coach.post(
        f"/studio/outbox/{message_id}/retry", data={"next": "/studio/outbox?status=failed"}
    )
    assert response.status_code == 302 and response.location == "/studio/outbox?status=failed"
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        assert row.status == "pending" and row.attempts == 0
        assert row.next_attempt_at <= utcnow()
        report = deliver_due()
        assert report.sent == 1  # only the retried one was due
        assert db.session.get(OutboxMessage, message_id).status == "sent"
    [received] = smtp_server.recorder.to("gone@example.com")
    assert received.message["Subject"] == "About your failed email"


def test_retry_over_htmx_returns_the_row(
    app: Flask, coach: FlaskClient, messages: dict[str, int]
) -> None:
    response = coach.post(
        f"/studio/outbox/{messages['pending']}/retry", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="message-{messages["pending"]}">')
    assert "Waiting to send" in html
    assert "later@example.com will be sent again now" in response.headers["HX-Trigger-After-Settle"]


def test_a_sent_email_cannot_be_retried(
    app: Flask, coach: FlaskClient, messages: dict[str, int]
) -> None:
    response = coach.post(f"/studio/outbox/{messages['sent']}/retry")
    assert response.status_code == 409
    assert "nothing to retry" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(OutboxMessage, messages["sent"]).status == "sent"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("Sam", "Sam"),
        (None, ""),
        (3, "3"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_quoted(value: object, expected: str) -> None:
    assert spreadsheet_safe(value) == expected


def read_csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The rows of a CSV download."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_export_enquiries(app: Flask, coach: FlaskClient) -> None:
    with app.app_context():
        enquiry = add_enquiry(
            name="=cmd|' /C calc'!A0", email="evil@example.com", message="Hi,\nthere"
        )
        enquiry.created_at = datetime(2030, 7, 1, 8, 30)
        db.session.commit()
    [row] = read_csv(coach.get("/studio/export/enquiries.csv"))
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["email"] == "evil@example.com"
    assert row["message"] == "Hi,\nthere"
    assert row["received"] == "2030-07-01 09:30"  # in the coach's time zone (London, summer)


def test_export_bookings_and_signups(app: Flask, coach: FlaskClient) -> None:
    with app.app_context():
        add_enquiry(email="sam@example.com", booked_at=datetime(2030, 1, 10, 9, 0))
        program = add_program(title="Strong Spine Basics")
        add_signup(program, "ana@example.com")
        add_signup(program, "ben@example.com", status="waitlisted", position=1)
        db.session.commit()
    [booking] = read_csv(coach.get("/studio/export/bookings.csv"))
    assert (booking["name"], booking["email"], booking["status"]) == (
        "Sam Carter",
        "sam@example.com",
        "Confirmed",
    )
    assert booking["starts"] == "2030-01-10 09:00"
    signups = read_csv(coach.get("/studio/export/signups.csv"))
    assert [(s["email"], s["status"], s["waitlist position"]) for s in signups] == [
        ("ana@example.com", "Confirmed", ""),
        ("ben@example.com", "On the waiting list", "1"),
    ]
    assert all(s["program"] == "Strong Spine Basics" for s in signups)
    assert coach.get("/studio/export/everything.csv").status_code == 404
