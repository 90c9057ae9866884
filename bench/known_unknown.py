"""Known and unknown addresses, side by side: program signup, newsletter subscribe, sign-in link.

N5/N6 of issue 24: the answer and its time must not tell a stranger whether an address is
enrolled, subscribed or a client. Each form is posted alternately for a known address and an
unknown one (a fresh address and client address every time, so no per-address or per-visitor
limit is reached), through the app with a test client on a real migrated SQLite file (WAL).
Prints both medians and their ratio per form, wall-clock and CPU.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from blueprints.programs.models import Program, Signup
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from blueprints.shared.spam import new_form_token
from harness import build_migrated_database, make_app, shutdown_app
from harness.newsletter import add_confirmed

RUNS = 60
SLUG = "back-basics-group-course"


def _visitor(app: Flask, number: int) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{number // 250}.{number % 250}.1"
    return client


def _stamp(app: Flask) -> str:
    with app.test_request_context():
        return new_form_token()


def _signup_form(app: Flask, email: str) -> dict[str, str]:
    return {
        "name": "Bench Person", "email": email, "goals": "Walk the dog for an hour.",
        "history": "Occasional low back ache.", "consent": "y", "website": "",
        "form_started": _stamp(app),
    }  # fmt: skip


def _subscribe_form(app: Flask, email: str) -> dict[str, str]:
    return {
        "newsletter-email": email, "newsletter-website": "",
        "newsletter-form_started": _stamp(app),
    }  # fmt: skip


def _side_by_side(label: str, post: Callable[[str, int], int], known: list[str]) -> None:
    """Alternate known and unknown addresses; print both medians (ms) and unknown/known.

    Wall-clock time, and this thread's CPU time (what a busy shared machine hurts least)."""
    wall: dict[str, list[float]] = {"known": [], "unknown": []}
    cpu: dict[str, list[float]] = {"known": [], "unknown": []}
    for number in range(RUNS):
        for kind in ("known", "unknown") if number % 2 else ("unknown", "known"):
            # Unknown addresses are new to every form (a stranger of one form is no client).
            stranger = f"stranger{number}.{label.split()[0]}@example.org"
            email = known[number] if kind == "known" else stranger
            visitor = 2 * number + (kind == "known")
            cpu_start, wall_start = time.thread_time(), time.perf_counter()
            status = post(email, visitor)
            wall[kind].append((time.perf_counter() - wall_start) * 1000)
            cpu[kind].append((time.thread_time() - cpu_start) * 1000)
            assert status in (200, 303), (label, kind, status)
    for name, samples in (("wall", wall), ("CPU", cpu)):
        known_ms, unknown_ms = (statistics.median(samples[k]) for k in ("known", "unknown"))
        print(
            f"{label:<40} {name:<4} known {known_ms:6.2f} ms  unknown {unknown_ms:6.2f} ms  "
            f"unknown/known {unknown_ms / known_ms:4.2f}  (medians of {RUNS})"
        )


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        build_migrated_database(database)
        app = make_app(database, PROGRAM_SIGNUP_RATE_LIMIT=100_000)
        try:
            with app.app_context():
                seed_demo_content()
                program = db.session.scalar(select(Program).where(Program.slug == SLUG))
                db.session.execute(update(Program).values(capacity=None))
                enrolled = [f"enrolled{n}@example.com" for n in range(RUNS)]
                db.session.add_all(
                    Signup(program=program, name="Enrolled", email=e, consent_health_data=True)
                    for e in enrolled
                )
                db.session.commit()
            subscribed = add_confirmed(app, RUNS)

            def signup(email: str, visitor: int) -> int:
                form = _signup_form(app, email)
                return (
                    _visitor(app, visitor).post(f"/programs/{SLUG}/signup", data=form).status_code
                )

            def subscribe(email: str, visitor: int) -> int:
                form = _subscribe_form(app, email)
                return _visitor(app, visitor).post("/newsletter/subscribe", data=form).status_code

            def sign_in(email: str, visitor: int) -> int:
                data = {"email": email}
                return _visitor(app, visitor).post("/me/sign-in", data=data).status_code

            _side_by_side("program signup (enrolled / new)", signup, enrolled)
            _side_by_side("newsletter subscribe (confirmed / new)", subscribe, subscribed)
            _side_by_side("sign-in link (client / unknown)", sign_in, enrolled)
        finally:
            app.extensions["newsletter_queuer"].stop()
            shutdown_app(app)


if __name__ == "__main__":
    main()
