"""Mail throughput: emails per second from the outbox to aiosmtpd, this tree and a revision before.

Each run queues EMAILS emails in a copy of one seeded SQLite file and times draining them to a
real aiosmtpd server on loopback with `deliver_due` (a batch per claim and per SMTP connection).
"idle": nothing else touches the database. "light load": the site runs under gunicorn
(2 workers) on the same file while 4 visitors keep sending the contact form (each enquiry is two
writes and two more outbox rows; those are delivered too and counted). A run stops after
RUN_SECONDS; its rate is what arrived by then. Figures are medians of ROUNDS runs.

"before" is the same run on another revision of the site (BENCH_MAIL_BEFORE, a git revision;
default BEFORE, the last one that wrote every MIME part by hand in shared/mime.py), exported
with `git archive` and run in a child process with this interpreter, alternating round by round
with this tree so both see the same machine. BENCH_MAIL_BEFORE="" runs this tree alone.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from blueprints.shared.extensions import db
from blueprints.shared.outbox import Email, deliver_due, queue_emails_bulk
from harness import free_port, make_app, shutdown_app
from harness.enquiry_clients import Traffic, drive_clients
from harness.enquiry_load import RELAXED
from harness.servers import ROOT, Gunicorn, production_env, seeded_database

EMAILS = 400
RUN_SECONDS = 20.0  # a run stops here; its rate is what arrived by then
ROUNDS = 3
LOAD_CLIENTS = 4
LOAD_LIMIT = 1_000_000
BEFORE = "e8732e8"
# Run in the exported revision: its own seeded database once, then one timed drain per call.
CHILD = """
import sys
from pathlib import Path

if sys.argv[1] == "seed":
    from harness.servers import seeded_database

    print(seeded_database())
else:
    from bench.mail import one_run
    from blueprints.shared.outbox import deliver_due

    print(one_run(Path(sys.argv[2]), Path(sys.argv[3]), deliver_due, sys.argv[4] == "1"))
"""
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


class Revision:
    """Another revision of the site, exported to a folder, run in child processes."""

    def __init__(self, revision: str, workdir: Path) -> None:
        self.revision = revision
        self.tree = workdir / f"tree-{revision}"
        self.tree.mkdir()
        archive = subprocess.run(  # noqa: S603 - git with fixed arguments
            ["git", "-C", str(ROOT), "archive", revision],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(self.tree)], input=archive, check=True)  # noqa: S603, S607
        self.template = Path(self._child("seed").strip())

    def _child(self, *args: str) -> str:
        env = {**os.environ, "PYTHONPATH": str(self.tree)}
        return subprocess.run(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", CHILD, *args],
            cwd=self.tree,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]

    def one_run(self, workdir: Path, loaded: bool) -> float:
        """Emails per second for one drain, in that revision."""
        return float(self._child("run", str(self.template), str(workdir), "1" if loaded else "0"))

    def remove(self) -> None:
        """Delete the exported tree and its database."""
        shutil.rmtree(self.template.parent, ignore_errors=True)
        shutil.rmtree(self.tree, ignore_errors=True)


def main() -> None:
    """Print emails per second, before and after, idle and under a light load."""
    before = os.environ.get("BENCH_MAIL_BEFORE", BEFORE)
    template = seeded_database()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        runs: dict[str, Callable[[bool], float]] = {}
        revision = Revision(before, workdir) if before else None
        if revision is not None:
            runs[f"before ({before})"] = lambda loaded: revision.one_run(workdir, loaded)
        runs["after (this tree)"] = lambda loaded: one_run(template, workdir, deliver_due, loaded)
        results: dict[tuple[str, bool], list[float]] = {}
        try:
            for _ in range(ROUNDS):
                for loaded in (False, True):
                    for name, run in runs.items():
                        rate = run(loaded)
                        load = "light load" if loaded else "idle"
                        print(f"    {name}, {load}: {rate:.0f}/s", flush=True)
                        results.setdefault((name, loaded), []).append(rate)
        finally:
            if revision is not None:
                revision.remove()
    shutil.rmtree(template.parent, ignore_errors=True)
    print(f"  {EMAILS} emails to aiosmtpd on loopback, median of {ROUNDS} runs (emails/s)")
    print(f"  {'':28} {'idle':>8} {'light load':>12}")
    for name in runs:
        idle = statistics.median(results[(name, False)])
        busy = statistics.median(results[(name, True)])
        print(f"  {name:28} {idle:8.0f} {busy:12.0f}")


if __name__ == "__main__":
    main()
