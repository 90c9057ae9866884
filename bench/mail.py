"""Mail throughput: emails per second from the outbox to aiosmtpd, before and after batching.

Each run queues EMAILS emails in a copy of one seeded SQLite file and times draining them to a
real aiosmtpd server on loopback, with the delivery pass as it was (bench/mail_before.py: one
claim, one connection and one mark-sent per email) and as it is (a batch per claim and per SMTP
connection). "idle": nothing else touches the database. "light load": the site runs under
gunicorn (2 workers) on the same file while 4 visitors keep sending the contact form (each
enquiry is two writes and two more outbox rows; those are delivered too and counted).
A run stops after RUN_SECONDS; its rate is what arrived by then. Figures are medians of
ROUNDS runs, printed side by side.
"""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from bench.mail_before import old_deliver_due
from blueprints.shared.extensions import db
from blueprints.shared.outbox import Email, deliver_due, queue_emails_bulk
from harness import free_port, make_app, shutdown_app
from harness.enquiry_clients import Traffic, drive_clients
from harness.enquiry_load import RELAXED
from harness.servers import Gunicorn, production_env, seeded_database

EMAILS = 400
RUN_SECONDS = 20.0  # a run stops here; its rate is what arrived by then
ROUNDS = 3
LOAD_CLIENTS = 4
LOAD_LIMIT = 1_000_000
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.MULTILINE | re.IGNORECASE)


class CountingHandler:
    """aiosmtpd handler that only counts what it accepts (no parsing, to stay out of the way)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.message_ids: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Note the Message-ID and accept."""
        found = MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.message_ids.append(found.group(1) if found else b"")
        return "250 OK"

    def received(self) -> int:
        """How many messages were accepted so far."""
        with self.lock:
            return len(self.message_ids)


def _queue(app: Any, count: int) -> None:
    with app.test_request_context():
        queue_emails_bulk(
            Email(
                "bench",
                f"reader{n}@example.org",
                f"Letter {n}",
                "contact_autoreply",
                context={"enquiry": {"name": f"Reader {n}", "message": "x"}},
            )
            for n in range(count)
        )
        db.session.commit()
        db.session.remove()


def one_run(template: Path, workdir: Path, deliver: Callable[[], Any], loaded: bool) -> float:
    """Emails per second for one drain of EMAILS queued emails."""
    database = workdir / f"run-{time.monotonic_ns()}.sqlite"
    shutil.copyfile(template, database)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = make_app(
        database,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_BACKGROUND_SENDER=False,
    )
    _queue(app, EMAILS)
    env = production_env(database, MAIL_BACKGROUND_SENDER="false", **RELAXED)
    site = Gunicorn(2, env) if loaded else None
    threads: list[threading.Thread] = []
    traffic = Traffic()
    try:
        if site is not None:
            site.__enter__()
            threads = drive_clients(site.url, LOAD_CLIENTS, LOAD_LIMIT, 120.0, traffic)
            time.sleep(1.0)  # the load is running before the clock starts
        started = time.perf_counter()
        with app.app_context():
            while handler.received() < EMAILS and time.perf_counter() - started < RUN_SECONDS:
                deliver()
            elapsed = time.perf_counter() - started
            db.session.remove()
        delivered = handler.received()
        assert len(set(handler.message_ids)) == delivered, "an email arrived twice"
        return delivered / elapsed
    finally:
        with traffic.lock:
            traffic.next_number = LOAD_LIMIT  # the visitors stop after their current enquiry
        stop_by = time.monotonic() + 10
        for thread in threads:
            thread.join(max(0.0, stop_by - time.monotonic()))
        if site is not None:
            site.__exit__()
        shutdown_app(app)
        controller.stop()
        database.unlink(missing_ok=True)


def main() -> None:
    """Print emails per second, before and after, idle and under a light load."""
    template = seeded_database()
    implementations = {"before (1 per connection)": old_deliver_due, "after (batched)": deliver_due}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results: dict[tuple[str, bool], list[float]] = {}
        for _ in range(ROUNDS):
            for loaded in (False, True):
                for name, deliver in implementations.items():
                    rate = one_run(template, workdir, deliver, loaded)
                    load = "light load" if loaded else "idle"
                    print(f"    {name}, {load}: {rate:.0f}/s", flush=True)
                    results.setdefault((name, loaded), []).append(rate)
    shutil.rmtree(template.parent, ignore_errors=True)
    print(f"  {EMAILS} emails to aiosmtpd on loopback, median of {ROUNDS} runs (emails/s)")
    print(f"  {'':28} {'idle':>8} {'light load':>12}")
    for name in implementations:
        idle = statistics.median(results[(name, False)])
        busy = statistics.median(results[(name, True)])
        print(f"  {name:28} {idle:8.0f} {busy:12.0f}")


if __name__ == "__main__":
    main()
