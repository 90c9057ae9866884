"""The mail outbox against a real SMTP server on loopback: delivered, retried, never doubled."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import update

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import MAX_RETRY_SECONDS, deliver_due, queue_email
from harness import SmtpRecorder, SmtpServer, free_port, shutdown_app, stored, wait_until
from harness.contact import counts, seeded_app_with
from harness.forms import VISITOR, enquiry_data
from harness.instants import clock_marks

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")

HTMX = {"HX-Request": "true"}
COACH = "maya@studio.example"


@pytest.fixture
def make_site(database_file: Path) -> Iterator:
    """Build the seeded site with extra config; shut down whatever was built."""
    built: list[Flask] = []

    def build(**config: object) -> Flask:
        app = seeded_app_with(database_file, COACH_EMAIL=COACH, **config)
        built.append(app)
        return app

    yield build
    for app in built:
        shutdown_app(app)


def rows(app: Flask) -> list[OutboxMessage]:
    return stored(app, OutboxMessage)


def deliver(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        report = deliver_due()
        db.session.remove()
    return report.sent, report.retrying, report.failed


def make_everything_due(app: Flask) -> None:
    """Let the clock run past every backoff (the same as waiting that long)."""
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def restart(server: SmtpServer) -> None:
    """Bring the mail server back on the same port, keeping what it has already received."""
    server.controller = Controller(server.recorder, hostname="127.0.0.1", port=server.port)
    server.start()


def test_an_enquiry_reaches_the_coach_with_reply_to_the_visitor(
    make_site, smtp_server: SmtpServer
) -> None:
    app = make_site(**smtp_server.mail_config())
    client = app.test_client()
    assert client.post("/contact/", data=enquiry_data(app), headers=HTMX).status_code == 200
    assert deliver(app) == (2, 0, 0)
    received = smtp_server.recorder.wait_for(2)
    [to_coach] = smtp_server.recorder.to(COACH)
    [to_visitor] = smtp_server.recorder.to(VISITOR)
    assert len(received) == 2
    assert to_coach.message["Reply-To"] == VISITOR
    assert to_coach.message["To"] == COACH
    assert to_coach.message["From"] == "studio@example.com"
    assert to_coach.message["Subject"] == "New enquiry from Anna Berg: A program"
    assert "disc bulge" in to_coach.message.get_body(("plain",)).get_content()
    assert to_visitor.message["Reply-To"] == COACH
    visitor_text = to_visitor.message.get_body(("plain",)).get_content()
    assert "answers within two working days" in visitor_text
    stored = rows(app)
    assert {r.status for r in stored} == {"sent"}
    assert {r.message_id for r in stored} == {m.message["Message-ID"] for m in received}


def test_with_smtp_down_submissions_are_kept_and_delivered_once_it_is_back(
    make_site, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    app = make_site(MAIL_BACKGROUND_SENDER=True, **smtp_server.mail_config())
    client = app.test_client()
    started = time.monotonic()
    response = client.post("/contact/", data=enquiry_data(app), headers=HTMX)
    answered_in = time.monotonic() - started
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    assert answered_in < app.config["MAIL_TIMEOUT"]
    assert counts(app) == {"enquiries": 1, "bookings": 0, "emails": 2}

    # The background sender tries, is refused, schedules that message about 30 seconds out,
    # and leaves the other for its next pass.
    assert wait_until(lambda: rows(app)[0].attempts == 1)
    app.extensions["outbox_sender"].stop()
    first, second = rows(app)
    assert first.status == "pending" and "refused" in first.last_error.lower()
    assert timedelta(seconds=20) < first.next_attempt_at - utcnow() <= timedelta(seconds=30)
    assert (second.status, second.attempts) == ("pending", 0)

    restart(smtp_server)
    runner = app.test_cli_runner()
    with app.app_context():  # `flask` itself pushes one; the test runner does not
        assert "sent 1, retrying 0, failed 0" in runner.invoke(args=["send-mail"]).output
        assert [m.rcpt_tos for m in smtp_server.recorder.wait_for(1)] == [[VISITOR]]
        make_everything_due(app)  # the first one's backoff has run out
        assert "sent 1, retrying 0, failed 0" in runner.invoke(args=["send-mail"]).output
        assert "sent 0, retrying 0, failed 0" in runner.invoke(args=["send-mail"]).output
    make_everything_due(app)
    assert deliver(app) == (0, 0, 0)
    received = smtp_server.recorder.wait_for(2)
    time.sleep(0.3)
    assert len(smtp_server.recorder.received) == 2
    assert sorted(m.rcpt_tos[0] for m in received) == sorted([COACH, VISITOR])
    assert len({m.message["Message-ID"] for m in received}) == 2
    assert [(r.status, r.attempts) for r in rows(app)] == [("sent", 2), ("sent", 1)]


def test_retries_back_off_and_keep_going_for_more_than_a_day(make_site) -> None:
    app = make_site(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listening
    with app.app_context():
        queue_email("test", VISITOR, "Hello", "contact_autoreply", enquiry={"name": "Anna"})
        db.session.commit()
    delays = []
    while rows(app)[0].status != "failed":
        before = utcnow()
        deliver(app)
        row = rows(app)[0]
        if row.status == "pending":
            delays.append((row.next_attempt_at - before).total_seconds())
        make_everything_due(app)
    assert delays[:4] == pytest.approx([30, 60, 120, 240], abs=2)
    assert max(delays) == pytest.approx(MAX_RETRY_SECONDS, abs=2)
    assert sum(delays) > 24 * 3600


class SilentServer:
    """Accepts TCP connections on loopback and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()


def test_a_silent_smtp_server_does_not_hold_up_the_visitor(make_site) -> None:
    silent = SilentServer()
    try:
        app = make_site(
            MAIL_BACKGROUND_SENDER=True,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=silent.port,
            MAIL_TIMEOUT=3.0,
        )
        client = app.test_client()
        started = time.monotonic()
        response = client.post("/contact/", data=enquiry_data(app), headers=HTMX)
        answered_in = time.monotonic() - started
        assert response.status_code == 200
        assert answered_in < 1.5  # half the SMTP timeout: the request did not wait for it
        assert [r.attempts for r in rows(app)] == [0, 0]  # delivery still hanging meanwhile
        # MAIL_TIMEOUT bounds the background attempt, and that pass stops there instead of
        # waiting out the timeout again for the next message.
        assert wait_until(lambda: rows(app)[0].attempts == 1, timeout=10)
        first, second = rows(app)
        assert (first.status, second.status, second.attempts) == ("pending", "pending", 0)
        assert "timed out" in first.last_error
        assert second.next_attempt_at <= utcnow()  # still due: the next pass will try it
    finally:
        silent.close()


class DropsAfterData(SmtpRecorder):
    """Accepts the message, then hangs up instead of answering QUIT."""

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802, ANN001, ANN201
        server.transport.abort()
        return "221 Bye"


def test_a_connection_dropped_after_acceptance_is_not_sent_twice(make_site) -> None:
    recorder = DropsAfterData()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_site(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        app.test_client().post("/contact/", data=enquiry_data(app), headers=HTMX)
        assert deliver(app) == (2, 0, 0)
        make_everything_due(app)
        assert deliver(app) == (0, 0, 0)
        assert len(recorder.received) == 2
        assert [r.status for r in rows(app)] == ["sent", "sent"]
    finally:
        controller.stop()


def test_an_email_that_cannot_be_built_fails_alone(make_site, smtp_server: SmtpServer) -> None:
    app = make_site(**smtp_server.mail_config())
    with app.app_context():
        broken = queue_email("test", VISITOR, "Broken", "contact_autoreply", enquiry={})
        broken.attachments = [{"filename": "x.ics", "content_type": "nonsense", "content": "x"}]
        queue_email("test", "next@example.org", "Fine", "contact_autoreply", enquiry={})
        db.session.commit()
    assert deliver(app) == (1, 0, 1)
    assert [r.status for r in rows(app)] == ["failed", "sent"]
    assert [m.rcpt_tos for m in smtp_server.recorder.wait_for(1)] == [["next@example.org"]]


def test_crlf_in_a_form_field_never_reaches_the_mail_server(
    make_site, smtp_server: SmtpServer
) -> None:
    app = make_site(**smtp_server.mail_config())
    data = enquiry_data(app, name="Eve\r\nBcc: victim@example.net", email="eve@example.org")
    response = app.test_client().post("/contact/", data=data, headers=HTMX)
    assert response.status_code == 422
    assert deliver(app) == (0, 0, 0)
    assert counts(app) == {"enquiries": 0, "bookings": 0, "emails": 0}
    assert smtp_server.recorder.received == []


def test_header_text_is_folded_and_encoded_never_split_into_new_headers(
    make_site, smtp_server: SmtpServer
) -> None:
    app = make_site(**smtp_server.mail_config())
    with app.app_context():
        queue_email(
            "test",
            VISITOR,
            "Hello\r\nBcc: victim@example.net\nX-Evil: 1",
            "contact_autoreply",
            enquiry={"name": "Eve"},
        )
        with pytest.raises(ValueError, match="not an email address"):
            queue_email(
                "test", VISITOR, "x", "contact_autoreply", reply_to="a@b.c\r\nBcc: v@example.net"
            )
        db.session.commit()
    client = app.test_client()
    client.post("/contact/", data=enquiry_data(app, name="Zoë Ångström-Łukasz"), headers=HTMX)
    assert deliver(app) == (3, 0, 0)
    received = smtp_server.recorder.wait_for(3)
    assert all("victim@example.net" not in m.rcpt_tos for m in received)
    injected = received[0].message
    assert injected["Bcc"] is None and injected["X-Evil"] is None
    assert injected["Subject"] == "Hello Bcc: victim@example.net X-Evil: 1"
    [to_coach] = [m for m in received if COACH in m.rcpt_tos]
    assert to_coach.message["Subject"] == "New enquiry from Zoë Ångström-Łukasz: A program"
    raw_subject = to_coach.message.as_bytes().split(b"Subject:", 1)[1].split(b"\n", 1)[0]
    assert b"=?utf-8?" in raw_subject.lower()


def test_without_a_mail_server_emails_are_logged_and_still_recorded(
    make_site, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alembic's logging setup (the migrations ran earlier in this process) disables loggers.
    monkeypatch.setattr(logging.getLogger("blueprints.shared.outbox"), "disabled", False)
    app = make_site()  # the tests' default: no MAIL_SERVER, like the demo
    app.test_client().post("/contact/", data=enquiry_data(app), headers=HTMX)
    with caplog.at_level(logging.INFO, logger="blueprints.shared.outbox"):
        assert deliver(app) == (2, 0, 0)
    assert "logging instead of sending" in caplog.text
    assert "New enquiry from Anna Berg" in caplog.text
    assert [r.status for r in rows(app)] == ["sent", "sent"]


def test_every_email_arrives_with_a_plain_and_an_html_part(
    make_site, smtp_server: SmtpServer
) -> None:
    """A text-only template is laid out in the shared HTML layout: links live, text escaped."""
    app = make_site(**smtp_server.mail_config())
    with app.test_request_context():
        queue_email(
            "test",
            "jo@example.com",
            "Your place",
            "signup_facts",
            program=type("P", (), {"title": "Back <b>basics</b>", "when_text": "", "location": ""}),
            signup=type("S", (), {"status": "confirmed", "position": None}),
        )
        db.session.commit()
    assert deliver(app)[0] == 1
    (mail,) = smtp_server.recorder.wait_for(1)
    message = mail.message
    kinds = [part.get_content_type() for part in message.walk()]
    assert "multipart/alternative" in kinds
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Back <b>basics</b>" in plain
    assert "Back &lt;b&gt;basics&lt;/b&gt;" in html and "<b>basics" not in html
    assert 'name="color-scheme" content="light dark"' in html
    assert len(html.encode()) < 30 * 1024
    assert "<img" not in html  # no remote images


def test_links_in_the_text_are_links_in_the_html(app: Flask) -> None:
    from blueprints.shared.outbox import html_from_text

    with app.test_request_context():
        html = html_from_text("Hello,\n\nCancel here:\nhttps://site.example/c/abc?x=1&y=2\n", "S")
    assert '<a href="https://site.example/c/abc?x=1&amp;y=2">' in html
    assert "Cancel here:<br>" in html
