"""Many visitors sending the contact form to gunicorn at once, and what the site kept and mailed.

`run(plan)` starts gunicorn on a migrated SQLite file with a real aiosmtpd server on loopback as
its mail server, lets `plan.clients` threads (each with its own cookies, like a browser) fetch
the form and post enquiries, optionally takes the SMTP server away for the whole run or SIGKILLs
a worker part way, waits (bounded) for every queued email to reach the SMTP server, and returns
an `Outcome` that says what each client was told, what is in the database and what arrived.
The load benchmark prints it; tests/test_faults.py asserts on it.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Executable, Row, select, text

from app import db
from bench.servers import ROOT, Gunicorn, production_env
from blueprints.contact.models import Enquiry
from blueprints.shared.models import OutboxMessage
from tests.support import SmtpServer, build_migrated_database, make_app, shutdown_app

# Every client comes from 127.0.0.1 and posts the moment it has the form, so the per-address
# limit and the spam timer are relaxed for these runs (through configuration, as a deployer would).
RELAXED = {"CONTACT_RATE_LIMIT": "1000000", "SPAM_MIN_SECONDS": "0"}
EMAIL_KINDS = ["enquiry-autoreply", "enquiry-coach"]  # what each stored enquiry must have queued
SUCCESS = 303  # the form answers a stored enquiry with POST/redirect/GET to the thanks page


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


def visitor(number: int) -> dict[str, str]:
    """What enquiry `number` says; the address is unique, so each row can be traced to its post."""
    return {
        "name": f"Load Visitor {number}",
        "email": f"visitor{number:05d}@example.org",
        "topic": "other",
        "message": f"Enquiry {number}: my lower back is stiff after long drives. Can you help?",
    }


@dataclass(frozen=True)
class Answer:
    """What the site told the client about one enquiry (status None: the connection failed)."""

    number: int
    status: int | None
    seconds: float


@dataclass
class Traffic:
    """Everything the clients saw, shared between their threads."""

    answers: list[Answer] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    get_seconds: list[float] = field(default_factory=list)
    form_errors: int = 0  # GETs of the form that failed (retried) or lacked the form
    lock: threading.Condition = field(default_factory=threading.Condition)
    next_number: int = 0

    def take_number(self, limit: int) -> int | None:
        """The next enquiry to send, or None when all have been handed out."""
        with self.lock:
            if self.next_number >= limit:
                return None
            self.next_number += 1
            return self.next_number

    def record(self, answer: Answer) -> None:
        """Keep one POST's answer and wake whoever waits for a count."""
        with self.lock:
            self.answers.append(answer)
            if answer.status is not None:
                self.statuses[answer.status] += 1
            self.lock.notify_all()


class Browser:
    """One visitor: its own cookie jar, a new connection per request (gunicorn sync workers)."""

    def __init__(self, url: str, traffic: Traffic) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies: dict[str, str] = {}
        self.traffic = traffic

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        """One request; (status, body). OSError or HTTPException if the connection fails."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value
            return response.status, content
        finally:
            connection.close()

    def form_fields(self) -> dict[str, str] | None:
        """GET the form (retrying a dropped connection, as a person would reload) for its tokens."""
        for _ in range(3):
            started = time.perf_counter()
            try:
                status, page = self.request("GET", "/contact/?topic=other")
            except (OSError, http.client.HTTPException):
                status, page = 0, ""
            with self.traffic.lock:
                self.traffic.get_seconds.append(time.perf_counter() - started)
                if status:
                    self.traffic.statuses[status] += 1
                fields = {name: hidden_value(page, name) for name in ("csrf_token", "form_started")}
                if status == 200 and all(fields.values()):
                    return fields  # type: ignore[return-value]
                self.traffic.form_errors += 1
        return None

    def send_enquiry(self, number: int) -> None:
        """Fetch the form, then post enquiry `number` once (a failed POST is not retried)."""
        fields = self.form_fields()
        if fields is None:
            self.traffic.record(Answer(number, None, 0.0))
            return
        body = urlencode({**visitor(number), "context": "", "website": "", **fields})
        started = time.perf_counter()
        try:
            status: int | None = self.request("POST", "/contact/", body)[0]
        except (OSError, http.client.HTTPException):
            status = None
        self.traffic.record(Answer(number, status, time.perf_counter() - started))


def hidden_value(page: str, name: str) -> str:
    """The value of the form's hidden input called `name` ('' if there is none)."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0)) if tag else None
    return unescape(value.group(1)) if value else ""


def drive_clients(url: str, plan: Plan, traffic: Traffic) -> list[threading.Thread]:
    """Start `plan.clients` threads that send enquiries until all are sent or time is up."""
    deadline = time.monotonic() + plan.load_seconds

    def client() -> None:
        browser = Browser(url, traffic)
        while time.monotonic() < deadline:
            number = traffic.take_number(plan.enquiries)
            if number is None:
                return
            browser.send_enquiry(number)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(plan.clients)]
    for thread in threads:
        thread.start()
    return threads


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
        """POSTs that got no answer at all (e.g. their worker was killed)."""
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
        threads = drive_clients(server.url, plan, traffic)
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
            cwd=ROOT, env={**os.environ, **self.env},
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
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
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
