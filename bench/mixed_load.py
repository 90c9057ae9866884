"""Mixed load: 40 visitors and the coach at once on gunicorn -w 4: no answer >= 500, no write lost.

Visitors (each its own loopback address 127.0.0.N and cookies) read articles, filter drills,
send enquiries, book consultations, sign up for programs, subscribe, ask for sign-in links and
log sessions in /me/, while the coach edits an article in the studio and `flask send-mail --loop`
delivers to aiosmtpd on loopback. Every form is filled in from the page as served (CSRF, spam
stamp). The run is bounded in time (SECONDS, then a bounded drain) and prints the answers by kind
and status, then checks that every write the site accepted is in the database afterwards.

python -m bench mixed_load                                         # SQLite, 40 clients, 60 s
python -m bench.mixed_load --clients 10 --seconds 15
bash tests/with_postgres.sh .venv/bin/python -m bench.mixed_load --postgres
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from blueprints.shared.extensions import db
from harness import SmtpServer, clean_postgres_database, make_app, shutdown_app
from harness.browser_forms import Visitor
from harness.coach import COACH_PASSWORD, create_coach
from harness.me import add_signup, sign_in_link
from harness.servers import ROOT, Gunicorn, child_environment, production_env

CLIENTS = 40
SECONDS = 60.0
WORKERS = 4
DRAIN_SECONDS = 120.0
KNOWN = 12  # clients with a program place: they ask for sign-in links and log sessions
COACH = "coach@example.com"
# Per-form limits a deployer sets in the environment; the per-address ones hold (each visitor
# has its own address), so a visitor that asks too often gets its 429, which is counted too.
RELAXED = {
    "CONTACT_RATE_LIMIT": "1000",
    "PROGRAM_SIGNUP_RATE_LIMIT": "1000",
    "SPAM_MIN_SECONDS": "0",
}
ACCEPTED = {303, 302, 200}


@dataclass
class Ledger:
    """What the visitors were told: answers by (kind, status), and the writes accepted."""

    answers: Counter[tuple[str, int]] = field(default_factory=Counter)
    accepted: list[tuple[str, str]] = field(default_factory=list)  # (kind, key)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, key: str | None = None) -> None:
        """One answer; with `key`, a write the site said it kept when the status says so."""
        with self.lock:
            self.answers[(kind, status)] += 1
            if key is not None and status in ACCEPTED:
                self.accepted.append((kind, key))


class Site:
    """The site under load: its URL, articles and drills to read, who can sign in."""

    def __init__(self, url: str, articles: list[str], known: list[str]) -> None:
        self.url = url
        self.articles = articles
        self.known = known
        self.signed_in: dict[str, Visitor] = {}
        self.serial = 0
        self.lock = threading.Lock()

    def number(self) -> int:
        """A number no other write of this run uses."""
        with self.lock:
            self.serial += 1
            return self.serial


DIRECTIONS = ["extension", "flexion", "side_flexion", "rotation"]


def read_article(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """The articles list, then one article."""
    ledger.note("read", visitor.request("GET", "/blog/").status)
    ledger.note("read", visitor.request("GET", random.choice(site.articles)).status)  # noqa: S311


def filter_drills(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """The drill library filtered by a direction (the htmx partial half the time)."""
    path = f"/drills/?direction={random.choice(DIRECTIONS)}&page={random.randint(1, 2)}"  # noqa: S311
    ledger.note("drills", visitor.request("GET", path).status)


def send_enquiry(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """The contact form, an 'other' enquiry."""
    n = site.number()
    email = f"enquiry{n}@example.org"
    reply, form = visitor.form("/contact/?topic=other", "/contact/")
    if form is None:
        ledger.note("enquiry (page had no form)", reply.status)
        return
    changes = {"name": f"Visitor {n}", "email": email, "topic": "other",
               "message": f"Enquiry {n}: my back is stiff after long drives."}  # fmt: skip
    ledger.note("enquiry", visitor.submit(form, changes).status, email)


def book(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """A consultation in one of the free slots offered (two visitors may pick the same)."""
    n = site.number()
    email = f"booking{n}@example.org"
    reply, form = visitor.form("/contact/?topic=consultation", "/contact/")
    if form is None or not form.choices.get("slot"):
        ledger.note("booking (page had no form)", reply.status)
        return
    changes = {"name": f"Booker {n}", "email": email, "topic": "consultation",
               "timezone": "Europe/London", "format": "video", "pain_duration": "6_weeks_3_months",
               "reason": "Stiff every morning, worse after sitting.", "leg_numbness": "no",
               "bladder_bowel": "no", "weight_loss": "no", "recent_trauma": "no"}  # fmt: skip
    ledger.note("booking", visitor.submit(form, changes, pick=("slot",)).status, email)


def sign_up(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """A place on a program (or the waitlist)."""
    n = site.number()
    email = f"signup{n}@example.org"
    reply, form = visitor.form("/programs/back-basics-group-course", "/signup")
    if form is None:
        ledger.note("signup (page had no form)", reply.status)
        return
    changes = {"name": f"Signer {n}", "email": email, "consent": "y",
               "goals": "Lift my kids without a twinge.",
               "history": "Stiff low back for a year."}  # fmt: skip
    ledger.note("signup", visitor.submit(form, changes).status, email)


def subscribe(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """The newsletter form."""
    email = f"reader{site.number()}@example.org"
    reply, form = visitor.form("/newsletter/", "/newsletter/subscribe")
    if form is None:
        ledger.note("subscribe (page had no form)", reply.status)
        return
    ledger.note("subscribe", visitor.submit(form, {"email": email}).status, email)


def ask_sign_in(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """A sign-in link for an address with a program place."""
    email = random.choice(site.known)  # noqa: S311
    reply, form = visitor.form("/me/", "/me/sign-in")
    if form is None:
        ledger.note("sign-in (page had no form)", reply.status)
        return
    ledger.note("sign-in", visitor.submit(form, {"email": email}).status, email)


def log_session(site: Site, visitor: Visitor, ledger: Ledger) -> None:
    """A signed-in client logs a session of their plan."""
    email, client = random.choice(list(site.signed_in.items()))  # noqa: S311
    reply, form = client.form("/me/log", "/me/log")
    if form is None:
        ledger.note("log (page had no form)", reply.status)
        return
    changes = {name: "1" for name in form.fields if name.startswith("pain-")}
    ledger.note("log", client.submit(form, changes).status, email)


ACTIONS: list[tuple[Callable[[Site, Visitor, Ledger], None], int]] = [
    (read_article, 30), (filter_drills, 30), (send_enquiry, 8), (book, 6), (sign_up, 6),
    (subscribe, 6), (ask_sign_in, 6), (log_session, 8),
]  # fmt: skip


def visit(site: Site, number: int, deadline: float, ledger: Ledger) -> None:
    """One visitor's loop until the deadline."""
    visitor = Visitor(site.url, f"127.0.0.{number + 2}")
    actions, weights = zip(*ACTIONS, strict=True)
    while time.monotonic() < deadline:
        random.choices(actions, weights)[0](site, visitor, ledger)  # noqa: S311


def coach_edits(site: Site, post_id: int, deadline: float, ledger: Ledger) -> None:
    """The coach, signed in, saves an article's title again and again."""
    coach = Visitor(site.url, "127.0.0.250")
    _reply, form = coach.form("/studio/login", "/studio/login")
    assert form is not None, "no studio login form"
    assert coach.submit(form, {"email": COACH, "password": COACH_PASSWORD}).status in (302, 303)
    edit = f"/studio/articles/{post_id}/edit"
    while time.monotonic() < deadline:
        reply, form = coach.form(edit, edit)
        if form is None:
            ledger.note("coach (page had no form)", reply.status)
            continue
        title = f"Load test edit {site.number()}"
        ledger.note("coach", coach.submit(form, {"title": title}).status, title)
        time.sleep(0.2)


def sign_in_clients(site: Site, reader: Callable[[str], str]) -> None:
    """Each known client signs in by their link, opens /me/ and agrees to health data."""
    for n, email in enumerate(site.known):
        client = Visitor(site.url, f"127.0.1.{n + 2}")
        _reply, form = client.form("/me/", "/me/sign-in")
        assert form is not None, "no sign-in form"
        client.submit(form, {"email": email})
        path = reader(email)
        _reply, form = client.form(path, path)
        assert form is not None, "no sign-in button"
        client.submit(form, {})
        client.request("GET", "/me/")
        _reply, form = client.form("/me/consent", "/me/consent")
        if form is not None:
            client.submit(form, {"agree": "yes"})
        site.signed_in[email] = client


# What each kind of accepted write leaves: SQL that counts its rows by key.
STORED = {
    "enquiry": "SELECT count(*) FROM enquiry WHERE email = :key",
    "booking": "SELECT count(*) FROM booking JOIN enquiry ON enquiry.id = booking.enquiry_id"
    " WHERE enquiry.email = :key AND booking.status = 'confirmed'",
    "signup": "SELECT count(*) FROM signup WHERE email = :key",
    "subscribe": "SELECT count(*) FROM newsletter_subscriber WHERE email = :key",
    "sign-in": "SELECT count(*) FROM client_sign_in_link JOIN client"
    " ON client.id = client_sign_in_link.client_id WHERE client.email = :key",
    "log": "SELECT count(*) FROM session_log JOIN client ON client.id = session_log.client_id"
    " WHERE client.email = :key",
    "coach": "SELECT count(*) FROM post WHERE title = :key",
}


def missing_writes(reader_app: object, ledger: Ledger, last_title: str | None) -> Counter[str]:
    """Accepted writes not found afterwards, by kind (sessions: fewer rows than accepted)."""
    missing: Counter[str] = Counter()
    expected = Counter(ledger.accepted)
    with reader_app.app_context():  # type: ignore[attr-defined]
        for (kind, key), times in expected.items():
            if kind == "coach":
                continue  # each save overwrites the last: only the last must be there
            found = db.session.scalar(text(STORED[kind]), {"key": key}) or 0
            if kind in ("log",) and found < times or found == 0:
                missing[kind] += 1
        if last_title is not None and not db.session.scalar(
            text(STORED["coach"]), {"key": last_title}
        ):
            missing["coach"] += 1
        db.session.remove()
    return missing


def run(clients: int, seconds: float, postgres: str | None) -> None:
    """One run; prints its figures."""
    folder = Path(tempfile.mkdtemp(prefix="mixed-"))
    smtp = SmtpServer().start()
    if postgres:
        database: Path | str = postgres
        url = postgres
    else:
        database = folder / "site.sqlite"
        url = f"sqlite:///{database}"
    env = production_env(folder / "unused.sqlite", **RELAXED, DATABASE_URL=url,
                         MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), MAIL_TIMEOUT="5",
                         COACH_EMAIL=COACH, UPLOAD_FOLDER=str(folder / "uploads"),
                         # `flask` finds this checkout's packages first (not an installed copy)
                         PYTHONPATH=str(ROOT))  # fmt: skip
    flask = str(Path(sys.executable).parent / "flask")
    setup_env = child_environment(**{**env, "FLASK_DEBUG": "1"})
    for n, command in enumerate([["db", "upgrade"], ["seed"]]):
        if n == 1 and postgres:
            clean_postgres_database(postgres)
        subprocess.run(  # noqa: S603 - fixed arguments
            [flask, "--app", "app", *command], cwd=ROOT, check=True, env=setup_env,
            capture_output=True,
        )  # fmt: skip
    reader = make_app(database)
    create_coach(reader, COACH)
    known = [f"client{n}@example.com" for n in range(KNOWN)]
    for email in known:
        add_signup(reader, email)
    with reader.app_context():
        slugs = db.session.scalars(text("SELECT slug FROM post WHERE status = 'published'")).all()
        post_id = db.session.scalar(text("SELECT min(id) FROM post"))
        db.session.remove()
    log = folder / "gunicorn.log"
    mailer = subprocess.Popen(  # noqa: S603 - fixed arguments
        [flask, "--app", "app", "send-mail", "--loop", "--interval", "1"], cwd=ROOT,
        env=child_environment(**env), stdout=subprocess.DEVNULL, stderr=log.open("ab"),
    )  # fmt: skip
    ledger = Ledger()
    try:
        with Gunicorn(WORKERS, env, stderr_path=log, start_seconds=180) as server:
            site = Site(server.url, [f"/blog/{slug}" for slug in slugs], known)
            sign_in_clients(site, lambda email: sign_in_link(reader, email))
            started = time.monotonic()
            deadline = started + seconds
            threads = [
                threading.Thread(target=visit, args=(site, n, deadline, ledger), daemon=True)
                for n in range(clients)
            ]
            threads.append(
                threading.Thread(
                    target=coach_edits, args=(site, post_id, deadline, ledger), daemon=True
                )
            )
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(max(0.0, deadline + 65 - time.monotonic()))
            elapsed = time.monotonic() - started
            drained = drain(reader, smtp, DRAIN_SECONDS)
    finally:
        mailer.terminate()
        mailer.wait(10)
    titles = [key for kind, key in ledger.accepted if kind == "coach"]
    missing = missing_writes(reader, ledger, titles[-1] if titles else None)
    shutdown_app(reader)
    smtp.stop()
    report(ledger, elapsed, missing, drained, log.read_text(errors="replace"), postgres is not None)


def drain(reader: object, smtp: SmtpServer, limit: float) -> tuple[float | None, int, int]:
    """(seconds until the outbox was all sent or None, rows queued, emails received)."""
    started = time.monotonic()
    while True:
        with reader.app_context():  # type: ignore[attr-defined]
            queued = db.session.scalar(text("SELECT count(*) FROM outbox_message")) or 0
            unsent = db.session.scalar(
                text("SELECT count(*) FROM outbox_message WHERE status <> 'sent'")
            )
            db.session.remove()
        with smtp.recorder.lock:
            received = len(smtp.recorder.received)
        if not unsent:
            return time.monotonic() - started, queued, received
        if time.monotonic() - started > limit:
            return None, queued, received
        time.sleep(0.5)


def report(
    ledger: Ledger,
    elapsed: float,
    missing: Counter[str],
    drained: tuple[float | None, int, int],
    log: str,
    postgres: bool,
) -> None:
    """Print the answers by kind and status, the writes and the mail."""
    total = sum(ledger.answers.values())
    errors = sum(n for (_kind, status), n in ledger.answers.items() if status >= 500)
    dropped = sum(n for (_kind, status), n in ledger.answers.items() if status == 0)
    print(f"  {'PostgreSQL' if postgres else 'SQLite'}: {total} answers in {elapsed:.1f} s "
          f"({total / elapsed:.0f}/s); >= 500: {errors}; no answer: {dropped}")  # fmt: skip
    for kind in sorted({kind for kind, _status in ledger.answers}):
        by_status = {s: n for (k, s), n in sorted(ledger.answers.items()) if k == kind}
        print(f"    {kind:28} {by_status}")
    kinds = Counter(kind for kind, _key in ledger.accepted)
    print(f"  accepted writes: {dict(sorted(kinds.items()))}; missing afterwards: "
          f"{dict(missing) or 0}")  # fmt: skip
    seconds, queued, received = drained
    print(
        f"  emails: {queued} queued, {received} received; all sent "
        + (f"{seconds:.1f} s after the load" if seconds is not None else "NOT within the limit")
    )
    print(f"  gunicorn log: 'database is locked' {log.count('database is locked')}, "
          f"tracebacks {log.count('Traceback')}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """SQLite by default; --postgres uses TEST_DATABASE_URL (tests/with_postgres.sh sets it)."""
    parser = argparse.ArgumentParser(prog="python -m bench.mixed_load")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv if argv is not None else [])
    postgres = os.environ.get("TEST_DATABASE_URL") if args.postgres else None
    if args.postgres and not postgres:
        raise SystemExit("--postgres needs TEST_DATABASE_URL (run it under tests/with_postgres.sh)")
    run(args.clients, args.seconds, postgres)


if __name__ == "__main__":
    main(sys.argv[1:])
