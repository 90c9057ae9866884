"""Programs email, delivered for real to an aiosmtpd server on loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.shared.outbox import deliver_due
from harness import ReceivedMail, SmtpServer, make_app, shutdown_app
from harness.instants import CLOCK_JOURNEYS
from harness.programs import make_program, outbox_rows, signup_form, signups_of

# Programs start on dates, and signup and cancel links are stamped: every test runs at
# a sample of the instants.
pytestmark = CLOCK_JOURNEYS


@pytest.fixture
def mail_app(database_file: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The site pointed at the loopback SMTP server; the test drains the outbox itself."""
    application = make_app(database_file, **smtp_server.mail_config())
    yield application
    shutdown_app(application)


@pytest.fixture
def mail_client(mail_app: Flask) -> FlaskClient:
    """A client for `mail_app`."""
    return mail_app.test_client()


def deliver(app: Flask) -> int:
    """Run one outbox pass, as the background sender would; returns how many were sent."""
    with app.app_context():
        report = deliver_due()
    assert report.retrying == 0 and report.failed == 0
    return report.sent


def cancel_path(mail: ReceivedMail) -> str:
    """The cancel link in a delivered email, as a path on this site."""
    body = mail.message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://localhost(/programs/cancel/\S+)", body)
    assert match, body
    return match.group(1)


def test_signup_emails_arrive_with_a_working_cancel_link_and_reply_to(
    mail_app: Flask, mail_client: FlaskClient, smtp_server: SmtpServer
) -> None:
    make_program(mail_app)
    response = mail_client.post(
        "/programs/evening-course/signup", data=signup_form(mail_app, email="Ann@Example.com")
    )
    assert response.status_code == 303
    assert deliver(mail_app) == 2
    received = smtp_server.recorder.wait_for(2)
    assert len(received) == 2
    [person] = smtp_server.recorder.to("ann@example.com")
    assert person.message["Subject"] == "Your place on Evening back course is confirmed"
    assert "Hello Ann Example," in person.message.get_body(("plain",)).get_content()
    [coach] = smtp_server.recorder.to("coach@example.com")
    assert coach.message["Reply-To"] == "ann@example.com"
    assert coach.message["Subject"] == "New signup (place): Ann Example, Evening back course"
    assert "Low back ache" in coach.message.get_body(("plain",)).get_content()
    page = mail_client.get(cancel_path(person))
    assert page.status_code == 200
    assert "Cancel your place?" in page.get_data(as_text=True)


def test_a_cancellation_promotes_one_person_who_gets_exactly_one_email(
    mail_app: Flask, mail_client: FlaskClient, smtp_server: SmtpServer
) -> None:
    program = make_program(mail_app, capacity=1)
    for person in ("a", "b", "c"):
        mail_client.post(
            "/programs/evening-course/signup",
            data=signup_form(mail_app, email=f"{person}@example.com"),
        )
    assert deliver(mail_app) == 6
    smtp_server.recorder.wait_for(6)
    assert len(smtp_server.recorder.to("b@example.com")) == 1  # the waitlist notice
    [first] = smtp_server.recorder.to("a@example.com")
    link = cancel_path(first)
    assert mail_client.post(link).status_code == 303
    assert mail_client.post(link).status_code == 303  # pressed twice
    assert deliver(mail_app) == 2  # the promotion and the coach's note
    assert deliver(mail_app) == 0
    to_b = smtp_server.recorder.to("b@example.com")
    assert [mail.message["Subject"] for mail in to_b] == [
        "You're on the waitlist for Evening back course (number 1)",
        "A place opened up: you're in for Evening back course",
    ]
    assert len(smtp_server.recorder.to("c@example.com")) == 1
    assert len(smtp_server.recorder.received) == 8
    assert signups_of(mail_app, program.id) == [
        ("a@example.com", "cancelled", None),
        ("b@example.com", "confirmed", None),
        ("c@example.com", "waitlisted", 1),
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Eve\r\nBcc: victim@example.net"},
        {"name": "Eve\nBcc: victim@example.net"},
        {"name": "Eve\rSubject: free money"},
        {"email": "eve@example.com\r\nBcc: victim@example.net"},
        {"email": "eve@example.com\nCc: victim@example.net"},
        {"email": "eve@example.com, victim@example.net"},
        {"email": "Eve <eve@example.com>"},
    ],
)
def test_header_injection_is_refused_and_never_reaches_the_server(
    mail_app: Flask, mail_client: FlaskClient, smtp_server: SmtpServer, fields: dict[str, str]
) -> None:
    program = make_program(mail_app)
    response = mail_client.post(
        "/programs/evening-course/signup", data=signup_form(mail_app, **fields)
    )
    assert response.status_code == 422
    assert signups_of(mail_app, program.id) == []
    assert outbox_rows(mail_app) == []
    assert deliver(mail_app) == 0
    assert smtp_server.recorder.received == []


def test_header_lookalikes_on_one_line_stay_in_the_subject_and_body(
    mail_app: Flask, mail_client: FlaskClient, smtp_server: SmtpServer
) -> None:
    make_program(mail_app)
    name = "Eve Bcc: victim@example.net\u2028To: other@example.net"
    response = mail_client.post(
        "/programs/evening-course/signup", data=signup_form(mail_app, name=name)
    )
    assert response.status_code == 303
    assert deliver(mail_app) == 2
    received = smtp_server.recorder.wait_for(2)
    for mail in received:
        assert mail.rcpt_tos in (["ann@example.com"], ["coach@example.com"])
        assert mail.message["Bcc"] is None and mail.message["Cc"] is None
        assert "other@example.net" not in str(mail.message["To"])
    [coach] = smtp_server.recorder.to("coach@example.com")
    assert coach.message["Subject"] == (
        "New signup (place): Eve Bcc: victim@example.net To: other@example.net, Evening back course"
    )
    assert coach.message["Reply-To"] == "ann@example.com"
