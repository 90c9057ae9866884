"""Many visitors sending the contact form to gunicorn at once, and what the site kept and mailed.

`run(plan)` starts gunicorn on a migrated SQLite file with a real aiosmtpd server on loopback as
its mail server, lets `plan.clients` threads (each with its own cookies, like a browser) fetch
the form and post enquiries, optionally takes the SMTP server away for the whole run or SIGKILLs
a worker part way, waits (bounded) for every queued email to reach the SMTP server, and returns
an `Outcome` that says what each client was told, what is in the database and what arrived.
The load benchmark prints it; tests/contact/test_faults.py asserts on it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, Row, select, text

from blueprints.contact.models import Enquiry
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from harness import SmtpServer, build_migrated_database, make_app, shutdown_app
from harness.enquiry_clients import SUCCESS, Answer, Traffic, drive_clients, visitor
from harness.servers import ROOT, Gunicorn, child_environment, production_env

# Every client comes from 127.0.0.1 and posts the moment it has the form, so the per-address
# limit and the spam timer are relaxed for these runs (through configuration, as a deployer would).
RELAXED = {"CONTACT_RATE_LIMIT": "1000000", "SPAM_MIN_SECONDS": "0"}
EMAIL_KINDS = ["enquiry-autoreply", "enquiry-coach"]  # what each stored enquiry must have queued


@dataclass(frozen=True)
class Plan:
    """One run: how much load, which fault, and the time limits that bound it."""

    enquiries: int = 1000
    clients: int = 20
    workers: int = 4
    smtp_outage: str | None = None  # "refused" or "silent" for the whole load, then back up
    kill_worker_after: int | None = None  # SIGKILL one worker once this many were answered
    load_seconds: float = 300.0  # hard stop for the clients
    drain_seconds: float = 180.0  # hard stop for delivery after the load
    mail_timeout: float = 5.0
    # Fault runs shorten the outbox's retry backoff and claim lease (production: 30 s, 300 s)
    # so that delivery after the fault is a matter of seconds; None keeps the defaults.
    retry_first_seconds: float | None = None
    claim_lease_seconds: float | None = None
    # True: each worker's background thread delivers after its commits (the default set-up).
    # False: the workers only queue; `flask send-mail --loop` beside them delivers everything.
    background_sender: bool = True

    def settings(self, mail_port: int) -> dict[str, str]:
        """The environment the site runs with, beyond `production_env`."""
        env = {
            **RELAXED,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(mail_port),
            "MAIL_TIMEOUT": str(self.mail_timeout),
        }
        if self.retry_first_seconds is not None:
            env["MAIL_RETRY_FIRST_SECONDS"] = str(self.retry_first_seconds)
        if self.claim_lease_seconds is not None:
            env["MAIL_CLAIM_LEASE_SECONDS"] = str(self.claim_lease_seconds)
        if not self.background_sender:
            env["MAIL_BACKGROUND_SENDER"] = "false"
        return env


@dataclass
class Outcome:
    """What one run did: the clients' view, the database's and the SMTP server's."""

    answers: list[Answer]
    statuses: Counter[int]
    get_seconds: list[float]
    form_errors: int
    load_seconds: float
    killed_pid: int | None
    killed_at: float | None  # time.monotonic() of the SIGKILL
    outbox_at_load_end: Counter[str]  # outbox rows by status when the clients had finished
    tried_at_load_end: int  # rows a sender had tried (or was trying) by then
    stored: Counter[str]  # enquiry rows per visitor address
    half_written: list[str]  # addresses whose row or emails are not what was sent
    outbox: dict[str, str]  # Message-ID -> status
    arrivals: dict[str, list[float]]  # Message-ID -> when each copy reached the SMTP server
    drain_seconds: float | None  # None: not everything arrived within plan.drain_seconds
    send_mail_after: str  # what one `flask send-mail` found to do at the very end
    locked: int  # "database is locked" in gunicorn's log
    tracebacks: int
    integrity: str

    @property
    def posts(self) -> list[float]:
        """Latency of every POST that got an answer, in seconds."""
        return [a.seconds for a in self.answers if a.status is not None]

    @property
    def succeeded(self) -> set[str]:
        """Addresses of the enquiries the site said it had taken."""
        return {visitor(a.number)["email"] for a in self.answers if a.status == SUCCESS}

    @property
    def connection_errors(self) -> int:
        """Enquiries that got no answer at all (e.g. their worker was killed)."""
        return sum(a.status is None for a in self.answers)

    @property
    def server_errors(self) -> int:
        """Responses of 500 or more, to any request."""
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def lost(self) -> set[str]:
        """Enquiries the visitor was told were sent that are not stored."""
        return {email for email in self.succeeded if not self.stored[email]}

    @property
    def doubled(self) -> set[str]:
        """Enquiries stored more than once."""
        return {email for email, n in self.stored.items() if n > 1}

    @property
    def received(self) -> int:
        """Copies the SMTP server accepted, all told."""
        return sum(len(times) for times in self.arrivals.values())

    @property
    def duplicates(self) -> int:
        """Extra copies of any email at the SMTP server."""
        return sum(len(times) - 1 for times in self.arrivals.values())

    @property
    def crash_window_copies(self) -> int:
        """Emails sent twice, once as the worker was killed and once after it.

        The outbox's one at-least-once window: the killed worker's sender had handed the
        email to the SMTP server but had not yet marked it sent, so it went again (same
        Message-ID) when its claim ran out. One sender thread per worker claims one row at a
        time, so a kill can explain at most one such copy. (The server may still be reading
        what the dead worker wrote, hence a second's grace for the first copy.)
        """
        if self.killed_at is None:
            return 0
        killed_at = self.killed_at
        return sum(
            len(times) == 2 and min(times) < killed_at + 1.0 and max(times) > killed_at + 1.0
            for times in self.arrivals.values()
        )

    @property
    def unexplained_duplicates(self) -> int:
        """Extra copies the crash window of one killed worker does not account for."""
        return self.duplicates - min(self.crash_window_copies, 1)

    @property
    def undelivered(self) -> set[str]:
        """Queued emails the SMTP server never received."""
        return set(self.outbox) - set(self.arrivals)

    @property
    def unexpected(self) -> set[str]:
        """Emails received that no outbox row accounts for."""
        return set(self.arrivals) - set(self.outbox)


def run(plan: Plan) -> Outcome:
    """Run `plan` against a fresh migrated SQLite file and return what happened."""
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        return LoadRun(plan, Path(tmp)).run()


class LoadRun:
    """The parts of one run (site, mail server, clients) and what each recorded."""

    def __init__(self, plan: Plan, folder: Path) -> None:
        self.plan = plan
        self.database, self.log = folder / "site.sqlite", folder / "gunicorn.log"
        self.smtp = SmtpServer()
        self.env = production_env(self.database, **plan.settings(self.smtp.port))
        self.traffic = Traffic()
        self.killed_pid: int | None = None
        self.killed_at: float | None = None
        self.load_seconds = 0.0
        self.at_load_end: Counter[str] = Counter()
        self.tried_at_load_end = 0

    def run(self) -> Outcome:
        """Migrate, serve, load, (fault), drain, then count everything."""
        build_migrated_database(self.database)
        plan = self.plan
        self.reader = make_app(self.database)  # reads what the site stored, from this process
        silent = SilentListener(self.smtp.port) if plan.smtp_outage == "silent" else None
        smtp_up = False
        try:
            if plan.smtp_outage is None:
                self.smtp.start()
                smtp_up = True
            with Gunicorn(plan.workers, self.env, stderr_path=self.log) as server:
                with contextlib.ExitStack() as helpers:
                    if not plan.background_sender:
                        helpers.enter_context(self.send_mail_loop())
                    self.load(server)
                    if silent is not None:
                        silent.close()
                    if not smtp_up:
                        self.smtp.start()  # the mail server is back
                        smtp_up = True
                    faulted = plan.smtp_outage is not None or plan.kill_worker_after is not None
                    if faulted and plan.background_sender:
                        # Nothing wakes the workers' senders once the load is over.
                        helpers.enter_context(self.send_mail_loop())
                    drain = self.drain()
                leftover = send_mail_once(self.env)
            time.sleep(0.5)  # a late duplicate, if there were one, arrives before the count
            return self.outcome(drain, leftover)
        finally:
            shutdown_app(self.reader)
            if silent is not None:
                silent.close()
            if smtp_up:
                self.smtp.stop()

    def load(self, server: Gunicorn) -> None:
        """Send every enquiry (SIGKILLing a worker part way if planned); bounded in time."""
        plan, traffic = self.plan, self.traffic
        started = time.monotonic()
        threads = drive_clients(
            server.url, plan.clients, plan.enquiries, plan.load_seconds, traffic
        )
        if plan.kill_worker_after is not None:
            with traffic.lock:
                traffic.lock.wait_for(
                    lambda: len(traffic.answers) >= plan.kill_worker_after, plan.load_seconds
                )
            self.killed_pid = server.worker_pids()[0]
            os.kill(self.killed_pid, signal.SIGKILL)
            self.killed_at = time.monotonic()
        for thread in threads:  # a request already sent may take its socket timeout past the stop
            thread.join(max(0.0, started + plan.load_seconds + 35 - time.monotonic()))
        self.load_seconds = time.monotonic() - started
        rows = self.read(select(OutboxMessage.status, OutboxMessage.attempts))
        self.at_load_end = Counter(row.status for row in rows)
        self.tried_at_load_end = sum(row.attempts > 0 or row.status == "sending" for row in rows)

    @contextlib.contextmanager
    def send_mail_loop(self) -> Iterator[None]:
        """`flask send-mail --loop` running beside the site, as a deployment would run it."""
        helper = subprocess.Popen(  # noqa: S603 - fixed arguments
            [_flask(), "--app", "app", "send-mail", "--loop", "--interval", "0.5"],
            cwd=ROOT, env=child_environment(**self.env),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            yield
        finally:
            helper.terminate()
            helper.wait(10)

    def drain(self) -> float | None:
        """Seconds until every email arrived and every row is marked sent (None: time ran out)."""
        started = time.monotonic()
        while time.monotonic() - started < self.plan.drain_seconds:
            statuses = [status for (status,) in self.read(select(OutboxMessage.status))]
            if len(self.arrivals()) >= len(statuses) and set(statuses) <= {"sent"}:
                return time.monotonic() - started
            time.sleep(0.25)
        return None

    def arrivals(self) -> dict[str, list[float]]:
        """When each copy of each email (by Message-ID) reached the SMTP server."""
        arrivals: dict[str, list[float]] = {}
        with self.smtp.recorder.lock:
            for mail in self.smtp.recorder.received:
                arrivals.setdefault(str(mail.message["Message-ID"]), []).append(mail.received_at)
        return arrivals

    def read(self, statement: Executable) -> list[Row[Any]]:
        """Rows from the site's database."""
        with self.reader.app_context():
            try:
                return list(db.session.execute(statement).all())
            finally:
                db.session.remove()

    def outcome(self, drain: float | None, leftover: str) -> Outcome:
        """Everything the run recorded, and what the database and the SMTP server hold."""
        enquiries = self.read(select(Enquiry.email, Enquiry.name, Enquiry.topic, Enquiry.message))
        emails = self.read(
            select(
                OutboxMessage.message_id,
                OutboxMessage.status,
                OutboxMessage.kind,
                OutboxMessage.subject_email,
            )
        )
        gunicorn_log = self.log.read_text(errors="replace")
        traffic = self.traffic
        with traffic.lock:
            return Outcome(
                answers=list(traffic.answers),
                statuses=Counter(traffic.statuses),
                get_seconds=list(traffic.get_seconds),
                form_errors=traffic.form_errors,
                load_seconds=self.load_seconds,
                killed_pid=self.killed_pid,
                killed_at=self.killed_at,
                outbox_at_load_end=self.at_load_end,
                tried_at_load_end=self.tried_at_load_end,
                stored=Counter(row.email for row in enquiries),
                half_written=_half_written(enquiries, emails),
                outbox={row.message_id: row.status for row in emails},
                arrivals=self.arrivals(),
                drain_seconds=drain,
                send_mail_after=leftover,
                locked=gunicorn_log.count("database is locked"),
                tracebacks=gunicorn_log.count("Traceback"),
                integrity=self.read(text("PRAGMA integrity_check"))[0][0],
            )


class SilentListener:
    """A mail server down the worst way: it takes the connection and never says a word."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)

    def close(self) -> None:
        """Stop listening (senders waiting on it see their connection reset)."""
        self.sock.close()


def send_mail_once(env: dict[str, str]) -> str:
    """Run `flask send-mail` once, as cron would; its report line."""
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [_flask(), "--app", "app", "send-mail"],
        cwd=ROOT, env=child_environment(**env), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return (done.stdout.strip().splitlines() or [done.stderr.strip()])[-1]


def _flask() -> str:
    return str(Path(sys.executable).parent / "flask")


def _half_written(enquiries: list[Row[Any]], emails: list[Row[Any]]) -> list[str]:
    """Addresses whose stored enquiry differs from what was posted, or lacks its two emails."""
    kinds: dict[str, list[str]] = {}
    for row in emails:
        kinds.setdefault(row.subject_email, []).append(row.kind)
    wrong = []
    for row in enquiries:
        number = int(row.email.removeprefix("visitor").split("@")[0])
        as_stored = {"name": row.name, "email": row.email, "topic": row.topic}
        queued = sorted(kinds.pop(row.email, []))
        if {**as_stored, "message": row.message} != visitor(number) or queued != EMAIL_KINDS:
            wrong.append(row.email)
    return wrong + sorted(kinds)  # emails left over belong to no stored enquiry


def median_ms(seconds: list[float]) -> float:
    """Median in milliseconds (0 for none)."""
    return statistics.median(seconds) * 1000 if seconds else 0.0


def p95_ms(seconds: list[float]) -> float:
    """95th percentile in milliseconds (0 for none)."""
    if len(seconds) < 2:
        return median_ms(seconds)
    return statistics.quantiles(seconds, n=20)[-1] * 1000


SCENARIOS = ("load", "smtp-down", "kill-worker")
# Fault runs make retries and stale claims due in seconds rather than minutes, so that the
# time to deliver everything afterwards is measured in seconds (production: 30 s and 300 s).
FAULT_MAIL = {"retry_first_seconds": 0.5, "claim_lease_seconds": 10.0}


def plan_for(
    scenario: str,
    enquiries: int = 1000,
    clients: int = 20,
    outage: str = "refused",
    background_sender: bool = True,
) -> Plan:
    """The run a scenario name stands for."""
    load = Plan(enquiries=enquiries, clients=clients, background_sender=background_sender)
    if scenario == "load":
        return load
    if scenario == "smtp-down":
        return replace(load, smtp_outage=outage, **FAULT_MAIL)
    if scenario == "kill-worker":
        return replace(load, kill_worker_after=enquiries // 3, **FAULT_MAIL)
    raise ValueError(f"unknown scenario {scenario!r}")
