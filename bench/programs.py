"""Programs: how long a program page and a signup take, alone and with 30 people at once.

Runs on a real migrated SQLite file (WAL) in a temporary folder, through the real HTTP server
for the concurrent part. Prints medians and the 95th percentile in milliseconds.
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import update

from blueprints.programs.models import Program
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from blueprints.shared.spam import new_form_token
from harness import LiveServer, build_migrated_database, make_app, shutdown_app

SLUG = "back-basics-group-course"
PAGE_RUNS = 200
SEQUENTIAL_SIGNUPS = 100
CONCURRENT_SIGNUPS = 30


def _form(number: int, stamp: str) -> dict[str, str]:
    return {
        "name": f"Bench Person {number}",
        "email": f"bench{number}@example.com",
        "goals": "Walk the dog for an hour.",
        "history": "Occasional low back ache.",
        "consent": "y",
        "website": "",
        "form_started": stamp,
    }


def _summary(label: str, samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return (
        f"{label:<46} n={len(ordered):>3}  median {statistics.median(ordered):7.2f} ms"
        f"  p95 {p95:7.2f} ms"
    )


def _timed(call) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        build_migrated_database(database)
        app = make_app(database, PROGRAM_SIGNUP_RATE_LIMIT=10_000)
        with app.app_context():
            seed_demo_content()
            db.session.execute(update(Program).values(capacity=SEQUENTIAL_SIGNUPS // 2))
            db.session.commit()
        client = app.test_client()
        # A form stamp serves only a few submissions, so each signup brings its own, made
        # before the timing starts (as if each visitor had loaded the page).
        with app.app_context():
            stamps = [new_form_token() for _ in range(SEQUENTIAL_SIGNUPS + CONCURRENT_SIGNUPS)]

        page_ms = [_timed(lambda: client.get(f"/programs/{SLUG}")) for _ in range(PAGE_RUNS)]
        print(_summary("program page (GET, test client)", page_ms))

        signup_ms = [
            _timed(lambda n=n: client.post(f"/programs/{SLUG}/signup", data=_form(n, stamps[n])))
            for n in range(SEQUENTIAL_SIGNUPS)
        ]
        half = SEQUENTIAL_SIGNUPS // 2
        print(_summary("signup, place (POST, one at a time)", signup_ms[:half]))
        print(_summary("signup, waitlist (POST, one at a time)", signup_ms[half:]))

        server = LiveServer(app).start()
        try:
            latencies, wall = _concurrent_signups(server, stamps[SEQUENTIAL_SIGNUPS:])
        finally:
            server.stop()
            shutdown_app(app)
        print(_summary(f"signup, {CONCURRENT_SIGNUPS} at once (HTTP, threads)", latencies))
        print(f"{CONCURRENT_SIGNUPS} simultaneous signups all answered in {wall:.0f} ms")


def _concurrent_signups(server: LiveServer, stamps: list[str]) -> tuple[list[float], float]:
    barrier = threading.Barrier(CONCURRENT_SIGNUPS + 1)
    latencies: list[float] = []
    lock = threading.Lock()

    def post(number: int) -> None:
        body = urlencode(_form(SEQUENTIAL_SIGNUPS + number, stamps[number]))
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        barrier.wait()
        start = time.perf_counter()
        connection.request(
            "POST",
            f"/programs/{SLUG}/signup",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        status = connection.getresponse().status
        elapsed = (time.perf_counter() - start) * 1000
        connection.close()
        assert status == 303, status
        with lock:
            latencies.append(elapsed)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(CONCURRENT_SIGNUPS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, (time.perf_counter() - start) * 1000
