"""A newsletter sender killed mid-send and started again: the rest arrives, nothing twice.

The senders are real `flask` processes on the test's database, delivering to aiosmtpd; they
are killed with SIGKILL (no cleanup, as in a crash or an OOM kill). The documented window: a
process killed between the SMTP server's "250 accepted" and its own "sent" commit sends that
one email again after the claim lease, with the same Message-ID. Nothing else is repeated.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from blueprints.newsletter.models import NewsletterDelivery, NewsletterSend
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from harness import (
    Database,
    SmtpServer,
    child_environment,
    database_uri,
    make_app,
    shutdown_app,
    wait_until,
)
from harness.coach import coach_client
from harness.newsletter import SITE_URL, add_confirmed, publish, queue

ROOT = Path(__file__).resolve().parents[2]


def flask_process(
    database: Database, smtp: SmtpServer, log: Path, *args: str
) -> subprocess.Popen[bytes]:
    """`flask <args>` in its own process on the test's database and SMTP server; output to `log`."""
    env = child_environment(
        DATABASE_URL=database_uri(database),
        SECRET_KEY="test-secret-key",
        SITE_URL=SITE_URL,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        MAIL_TIMEOUT="5",
        MAIL_CLAIM_LEASE_SECONDS="1",
        MAIL_BACKGROUND_SENDER="0",
    )
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def kill_once(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """SIGKILL, as a crash would, once `ready()`; the process must still have been working."""
    try:
        assert wait_until(ready, timeout=60)
        assert process.poll() is None, "the process finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def scalar(app: Flask, query):  # type: ignore[no-untyped-def]
    """One value, read in a fresh transaction."""
    with app.app_context():
        value = db.session.scalar(query)
        db.session.remove()
    return value


@pytest.fixture
def fault_app(database_file: Database) -> Iterator[Flask]:
    """The site the coach publishes on; the killed processes do the sending."""
    app = make_app(database_file, SITE_URL=SITE_URL)
    yield app
    app.extensions["newsletter_queuer"].stop()
    shutdown_app(app)


def test_a_sender_killed_mid_send_delivers_the_rest_on_restart_with_no_duplicate_beyond_one(
    fault_app: Flask, database_file: Database, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    readers = add_confirmed(fault_app, 150)
    publish(coach_client(fault_app), "Getting up from the floor")
    assert queue(fault_app) == 150
    inbox = smtp_server.recorder

    first = flask_process(
        database_file,
        smtp_server,
        tmp_path / "flask.log",
        "send-mail",
        "--loop",
        "--interval",
        "0.1",
    )
    kill_once(first, lambda: len(inbox.received) >= 40)
    delivered_before_restart = len(inbox.received)
    assert delivered_before_restart < 150

    second = flask_process(
        database_file,
        smtp_server,
        tmp_path / "flask.log",
        "send-mail",
        "--loop",
        "--interval",
        "0.1",
    )
    try:
        unsent = (
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
        )
        assert wait_until(lambda: scalar(fault_app, unsent) == 0, timeout=120)
    finally:
        second.terminate()
        second.wait(10)

    received = list(inbox.received)
    copies = Counter(mail.rcpt_tos[0] for mail in received)
    assert sorted(copies) == readers  # everyone got the article
    with fault_app.app_context():
        stored_ids = dict(
            db.session.execute(select(OutboxMessage.to_addr, OutboxMessage.message_id)).all()
        )
    for mail in received:  # a repeat is recognisably the same email
        assert mail.message["Message-ID"] == stored_ids[mail.rcpt_tos[0]]
    assert len(received) - len(readers) <= 1, copies.most_common(3)


def test_queueing_killed_mid_send_continues_where_it_stopped(
    fault_app: Flask, database_file: Database, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    readers = add_confirmed(fault_app, 400)
    publish(coach_client(fault_app), "Sitting for a long drive")
    deliveries = select(func.count()).select_from(NewsletterDelivery)

    first = flask_process(
        database_file, smtp_server, tmp_path / "flask.log", "send-newsletters", "--batch-size", "2"
    )
    kill_once(first, lambda: scalar(fault_app, deliveries) >= 20)
    half_way = scalar(fault_app, deliveries)
    assert 20 <= half_way < 400 and half_way % 2 == 0  # whole batches only
    assert scalar(fault_app, select(func.count()).select_from(OutboxMessage)) == half_way

    second = flask_process(
        database_file, smtp_server, tmp_path / "flask.log", "send-newsletters", "--batch-size", "2"
    )
    assert second.wait(120) == 0, (tmp_path / "flask.log").read_text()

    with fault_app.app_context():
        send = db.session.scalars(select(NewsletterSend)).one()
        assert (send.status, send.queued_count) == ("done", 400)
        recipients = db.session.scalars(select(OutboxMessage.to_addr)).all()
    assert sorted(recipients) == readers  # one email each, queued across the crash
    # and running it once more (cron's next pass) changes nothing
    assert queue(fault_app) == 0
    assert scalar(fault_app, deliveries) == 400
