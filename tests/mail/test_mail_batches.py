"""Batched delivery against aiosmtpd: one connection per pass, a failure mid-batch retries only
what the server did not accept, and a batch never outlives its claim."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import update

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import Email, deliver_due, queue_emails_bulk
from harness import SmtpRecorder, free_port, make_app, shutdown_app, stored

BOUNCES = "nobody@bounce.example"


class CountingRecorder(SmtpRecorder):
    """Counts connections; refuses BOUNCES with a 550; drops the line on the message numbered
    `drop_at` (1-based, over the server's life) before answering its DATA."""

    def __init__(self, drop_at: int | None = None) -> None:
        super().__init__()
        self.connections = 0
        self.data_seen = 0
        self.drop_at = drop_at

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:  # noqa: N802, E501
        """Count a new SMTP session."""
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:  # noqa: N802, E501
        """Refuse the bouncing address for good."""
        if address == BOUNCES:
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Accept, unless this is the message to drop the connection on."""
        self.data_seen += 1
        if self.data_seen == self.drop_at:
            server.transport.abort()
            return "421 gone"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def server() -> Iterator[tuple[CountingRecorder, int]]:
    recorder = CountingRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, port
    controller.stop()


@pytest.fixture
def make_site(database_file: Path) -> Iterator:
    built: list[Flask] = []

    def build(port: int, **config: object) -> Flask:
        app = make_app(database_file, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, **config)
        built.append(app)
        return app

    yield build
    for app in built:
        shutdown_app(app)


def queue(app: Flask, addresses: list[str]) -> None:
    with app.test_request_context():
        queue_emails_bulk(
            Email("test", address, f"Hello {n}", "contact_autoreply", context={"enquiry": {}})
            for n, address in enumerate(addresses)
        )
        db.session.commit()


def deliver(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        report = deliver_due()
        db.session.remove()
    return report.sent, report.retrying, report.failed


def states(app: Flask) -> list[tuple[str, str, int]]:
    return [(r.to_addr, r.status, r.attempts) for r in stored(app, OutboxMessage)]


def make_everything_due(app: Flask) -> None:
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def test_a_pass_sends_its_whole_batch_on_one_connection(make_site, server) -> None:
    recorder, port = server
    app = make_site(port)
    addresses = [f"reader{n}@example.org" for n in range(30)]
    queue(app, addresses)
    assert deliver(app) == (30, 0, 0)
    received = recorder.wait_for(30)
    assert recorder.connections == 1
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(addresses)
    assert {status for _, status, _ in states(app)} == {"sent"}
    assert deliver(app) == (0, 0, 0) and recorder.connections == 1  # nothing due: no connection


def test_a_refused_recipient_mid_batch_fails_alone(make_site, server) -> None:
    recorder, port = server
    app = make_site(port)
    queue(app, ["a@example.org", BOUNCES, "c@example.org"])
    assert deliver(app) == (2, 0, 1)
    assert states(app) == [
        ("a@example.org", "sent", 1),
        (BOUNCES, "failed", 1),
        ("c@example.org", "sent", 1),
    ]
    assert recorder.connections == 1
    assert sorted(m.rcpt_tos[0] for m in recorder.wait_for(2)) == ["a@example.org", "c@example.org"]


def test_a_connection_lost_mid_batch_retries_only_what_was_not_accepted(
    database_file, make_site
) -> None:  # noqa: E501
    recorder = CountingRecorder(drop_at=3)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_site(port)
        addresses = [f"reader{n}@example.org" for n in range(6)]
        queue(app, addresses)
        assert deliver(app) == (2, 1, 0)
        after_first = states(app)
        assert [s[1:] for s in after_first[:2]] == [("sent", 1), ("sent", 1)]
        assert after_first[2][1:] == ("pending", 1)  # the one on the line: backs off
        assert [s[1:] for s in after_first[3:]] == [("pending", 0)] * 3  # untried, due now
        assert deliver(app) == (3, 0, 0)  # the untried ones; the third waits for its backoff
        make_everything_due(app)
        assert deliver(app) == (1, 0, 0)
        received = recorder.wait_for(6)
        assert sorted(m.rcpt_tos[0] for m in received) == sorted(addresses)  # each exactly once
        assert len({m.message["Message-ID"] for m in received}) == 6
        assert [s[1:] for s in states(app)] == [("sent", 1)] * 2 + [("sent", 2)] + [("sent", 1)] * 3
    finally:
        controller.stop()


def test_a_batch_takes_no_new_message_once_half_its_lease_is_gone(make_site, server) -> None:
    recorder, port = server
    app = make_site(port, MAIL_CLAIM_LEASE_SECONDS=0.000001)
    queue(app, ["a@example.org", "b@example.org", "c@example.org"])
    assert deliver(app) == (1, 0, 0)  # the first goes; the others are handed back at once
    assert states(app) == [
        ("a@example.org", "sent", 1),
        ("b@example.org", "pending", 0),
        ("c@example.org", "pending", 0),
    ]
    with app.app_context():
        assert all(r.claimed_until is None for r in stored(app, OutboxMessage))
    assert deliver(app) == (1, 0, 0)
    assert deliver(app) == (1, 0, 0)
    assert len(recorder.wait_for(3)) == 3


def test_an_international_domain_travels_in_its_ascii_form(make_site, server) -> None:
    recorder, port = server
    app = make_site(port)
    queue(app, ["anna@bücher.example"])
    assert deliver(app) == (1, 0, 0)
    [mail] = recorder.wait_for(1)
    assert mail.rcpt_tos == ["anna@xn--bcher-kva.example"]
    assert mail.message["To"] == "anna@xn--bcher-kva.example"
