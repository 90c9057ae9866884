"""Studio: the coach's pages and exports once the practice has a few years of data.

A real migrated SQLite file (WAL) in a temporary folder, filled with three years of records:
5,000 enquiries (1,000 with bookings), 3,000 program signups, 2,000 comments, 20,000 emails and
2,000 clients with plans who logged ~25 sessions each (about 48,000 sessions, four drills each);
then 45,000 more enquiries for a CSV export of 50,000 rows. Every request goes through the app
with a logged-in test client (in this process, so memory can be traced). Each figure is printed
beside its target, with the machine's load average before and after.
"""

from __future__ import annotations

import gc
import html
import os
import re
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select

from bench.programs import _summary, _timed
from blueprints.blog.models import Comment, Post
from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.me.models import Client, DrillLog, SessionLog
from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.seed import seed_demo_content
from blueprints.studio.paging import key_of
from harness import build_migrated_database, make_app, shutdown_app
from harness.clients import ClientSpec, add_clients
from harness.coach import coach_client
from harness.me import count_statements

RUNS = 60
ENQUIRIES, BOOKED, SIGNUPS, COMMENTS, EMAILS = 5_000, 1_000, 3_000, 2_000, 20_000
CSV_ROWS = 50_000
CLIENTS, CLIENT_SESSIONS, FIRST_CLIENTS = 2_000, 25, 200
PROGRAMS = 30
YEARS = timedelta(days=3 * 365)
PAGE_P50_MS, PAGE_P95_MS = 30.0, 60.0
CSV_FIRST_BYTE_MS, CSV_MEMORY_MB = 100.0, 20.0
ARTICLE = "\n\n".join(
    ["Slow, loaded movement in every direction. " * 40, "[[drill:cat-cow]]"] * 3
    + ["[[drill:not-a-drill]]"]
)


def _spread(count: int, n: int, now: datetime) -> datetime:
    """The n-th of `count` stamps over the last three years, newest first; one in seven shares
    its neighbour's stamp, as in a busy minute (paging by key must settle the ties by id)."""
    shared = n - 1 if n % 7 == 1 else n
    return now - YEARS * (shared / count)


def _enquiry_rows(first: int, count: int, total: int, now: datetime) -> list[dict[str, object]]:
    statuses = ("new", "answered", "archived")
    return [
        {
            "id": n + 1,
            "name": f"Person {n}",
            "email": f"person{n}@example.com",
            "topic": "consultation",
            "message": f'My back hurts when I garden, {n}; "=1+1".',
            "context": "article:why-rest-alone-fails",
            "status": statuses[n % 3],
            "created_at": _spread(total, n, now),
        }  # fmt: skip
        for n in range(first, first + count)
    ]


def fill(now: datetime) -> None:
    """Three years of the practice's records, written in bulk."""
    session = db.session
    session.execute(insert(Enquiry), _enquiry_rows(0, ENQUIRIES, ENQUIRIES, now))
    session.execute(
        insert(Booking),
        [
            {
                "enquiry_id": n + 1,
                "uid": f"bench-{n}",
                "starts_at": now + timedelta(hours=n - BOOKED // 2),
                "ends_at": now + timedelta(hours=n - BOOKED // 2, minutes=45),
                "created_at": _spread(ENQUIRIES, n, now),
            }  # fmt: skip
            for n in range(BOOKED)
        ],
    )
    session.execute(
        insert(Program),
        [
            {"id": 1000 + p, "slug": f"bench-{p}", "title": f"Bench program {p}"}
            for p in range(PROGRAMS)
        ],
    )
    signups = []
    for n in range(SIGNUPS):
        place = n // PROGRAMS  # the n-th person on their program
        status = "confirmed" if place < 60 else "waitlisted" if place < 80 else "cancelled"
        signups.append(
            {
                "program_id": 1000 + n % PROGRAMS,
                "name": f"S {n}",
                "email": f"signup{n}@example.com",
                "status": status,
                "waitlist_position": place - 59 if status == "waitlisted" else None,
                "created_at": _spread(SIGNUPS, SIGNUPS - 1 - n, now),
            }  # fmt: skip
        )
    session.execute(insert(Signup), signups)
    post_ids = session.scalars(select(Post.id)).all()
    session.execute(
        insert(Comment),
        [
            {
                "post_id": post_ids[n % len(post_ids)],
                "name": "Reader",
                "body": "Thanks",
                "status": ("pending", "approved")[n % 2],
                "created_at": _spread(COMMENTS, n, now),
            }  # fmt: skip
            for n in range(COMMENTS)
        ],
    )
    session.execute(
        insert(OutboxMessage),
        [
            {
                "kind": "bench",
                "to_addr": f"person{n % ENQUIRIES}@example.com",
                "subject": "Hello",
                "body_text": "Hello",
                "status": ("sent", "failed", "pending")[n % 3],
                "message_id": f"<bench-{n}@example.com>",
                "created_at": _spread(EMAILS, n, now),
            }  # fmt: skip
            for n in range(EMAILS)
        ],
    )
    session.commit()


def client_specs(now: datetime, numbers: range) -> list[ClientSpec]:
    """Clients who began over the last three years, in an order unrelated to their emails; each
    logs every third day, 25 sessions (a 75-day plan), up to yesterday. About one in fifteen is
    still training; one in a hundred has an open red flag; one in twenty had pain 7 last time;
    one in five does every rep (two such sessions in a row: ready to progress)."""
    today = now.date()
    specs = []
    for n in numbers:
        began = today - timedelta(days=1 + (n * 7919) % (3 * 365))
        sessions = min(CLIENT_SESSIONS, (today - began).days // 3 + 1)
        last_day = began + timedelta(days=3 * (sessions - 1))
        if last_day >= today:
            sessions -= 1
            last_day -= timedelta(days=3)
        specs.append(
            ClientSpec(
                f"client{n:04d}@example.com", last_day if sessions else None,
                sessions=max(sessions, 1), last_pain=7 if n % 20 == 3 else 2,
                all_reps=n % 5 == 1, flag_open=n % 100 == 7,
                plan_made=datetime.combine(began, datetime.min.time()),
            )
        )  # fmt: skip
    return specs


def next_link(client: FlaskClient, url: str, param: str) -> str:
    """The clients page's link on to the next page of the list paged by `param`."""
    page = client.get(url).get_data(as_text=True)
    found = re.search(rf'<a rel="next" href="(/studio/clients\?{param}=[^"#]+)', page)
    assert found, f"no next page of {param} at {url}"
    return html.unescape(found.group(1))


def grow_enquiries(now: datetime) -> None:
    """More enquiries, up to CSV_ROWS, for the export."""
    extra = CSV_ROWS - ENQUIRIES
    for first in range(ENQUIRIES, CSV_ROWS, 5_000):
        db.session.execute(
            insert(Enquiry), _enquiry_rows(first, min(5_000, CSV_ROWS - first), CSV_ROWS, now)
        )
    db.session.commit()
    assert db.session.scalar(select(func.count(Enquiry.id))) == ENQUIRIES + extra


def deep_key(app: Flask, model: type, rows_in: int) -> str:
    """The `after=` key of the row `rows_in` rows down the newest-first list of `model`."""
    with app.app_context():
        row = db.session.scalar(
            select(model)
            .order_by(model.created_at.desc(), model.id.desc())
            .offset(rows_in - 1)
            .limit(1)
        )
        return key_of(row, model.created_at, model.id)


def against_target(label: str, samples: list[float]) -> str:
    """The summary line and whether it meets the page targets."""
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    met = p50 < PAGE_P50_MS and p95 < PAGE_P95_MS
    return (
        f"{_summary(label, samples)}  target p50 < {PAGE_P50_MS:.0f}, p95 < {PAGE_P95_MS:.0f}"
        f"  {'met' if met else 'MISSED'}"
    )


def _loadavg() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _rss_peak_kb() -> int:
    """The process's peak resident memory so far (VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _reset_rss_peak() -> bool:
    """Start VmHWM again from the current RSS (Linux: `5` into clear_refs); False if refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def stream_csv(client: FlaskClient, url: str) -> tuple[float, float, float, int, bool]:
    """(ms to the first chunk, ms to the first chunk with rows, ms to the end, bytes, streamed)."""
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    first_ms = (time.perf_counter() - started) * 1000
    size, rows_ms = len(first), None
    for chunk in chunks:
        if rows_ms is None:
            rows_ms = (time.perf_counter() - started) * 1000
        size += len(chunk)
    response.close()
    total_ms = (time.perf_counter() - started) * 1000
    return first_ms, rows_ms or total_ms, total_ms, size, response.is_streamed


def csv_memory(client: FlaskClient, url: str) -> tuple[float, float | None]:
    """(peak traced Python memory growth in MB, peak RSS growth in MB or None) over one download."""
    gc.collect()
    resettable = _reset_rss_peak()
    rss_before = _rss_peak_kb()
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    response = client.get(url, buffered=False)
    for _chunk in response.response:
        pass
    response.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = (_rss_peak_kb() - rss_before) / 1024 if resettable else None
    return (peak - baseline) / 2**20, rss_growth


def _time_pages(app: Flask, client: FlaskClient) -> None:
    inbox_deep = deep_key(app, Enquiry, 1_000)
    outbox_deep = deep_key(app, OutboxMessage, 15_000)
    program_id = 1000
    need_deep = "/studio/clients"
    for _ in range(20):  # 1,000 clients in
        need_deep = next_link(client, need_deep, "need_after")
    rest_next = next_link(client, "/studio/clients", "after")
    targeted: list[tuple[str, Callable[[], object]]] = [
        ("studio dashboard", lambda: client.get("/studio/")),
        ("inbox, new enquiries", lambda: client.get("/studio/inbox")),
        ("inbox, all, 1,000 rows in (by key)",
         lambda: client.get(f"/studio/inbox?status=&after={inbox_deep}")),
        ("outbox, first page of 20,000", lambda: client.get("/studio/outbox")),
        ("outbox, 15,000 rows in (by key)",
         lambda: client.get(f"/studio/outbox?after={outbox_deep}")),
        ("outbox, failed only", lambda: client.get("/studio/outbox?status=failed")),
        ("clients, first page (2,000 clients)", lambda: client.get("/studio/clients")),
        ("clients, need a look, 1,000 in (by key)", lambda: client.get(need_deep)),
        ("clients, everyone else, page 2 (by key)", lambda: client.get(rest_next)),
    ]  # fmt: skip
    others: list[tuple[str, Callable[[], object]]] = [
        ("comments to moderate (1,000 pending)", lambda: client.get("/studio/inbox/comments")),
        ("a program's signups (60 + 20 + 20)",
         lambda: client.get(f"/studio/programs/{program_id}/signups")),
        ("live preview, 3 drill cards (htmx)", lambda: client.post(
            "/studio/articles/preview", data={"body_md": ARTICLE}, headers={"HX-Request": "true"})),
    ]  # fmt: skip
    for _label, call in targeted:
        for _ in range(3):
            call()  # warm: templates compiled, statements cached
    # Round-robin, so that every page meets the same moments of a shared machine's load.
    wall: dict[str, list[float]] = {label: [] for label, _ in targeted}
    cpu: dict[str, list[float]] = {label: [] for label, _ in targeted}
    for _ in range(RUNS):
        for label, call in targeted:
            started_cpu = time.thread_time()
            wall[label].append(_timed(call))
            cpu[label].append((time.thread_time() - started_cpu) * 1000)
    for label, _ in targeted:
        print(against_target(f"{label} (test client)", wall[label]))
        print(f"{'':<48}CPU of this thread: median {statistics.median(cpu[label]):6.2f} ms")
    for label, call in others:
        call()
        print(_summary(f"{label} (test client)", [_timed(call) for _ in range(RUNS)]))


def _time_erase(client: FlaskClient) -> None:
    lookup = [
        _timed(lambda n=n: client.post("/studio/erase", data={"email": f"person{n}@example.com"}))
        for n in range(RUNS)
    ]
    print(_summary("erase, look a person up (test client)", lookup))
    erase = [
        _timed(lambda n=n: client.post(
            "/studio/erase/confirm", data={"email": f"person{n}@example.com", "confirm": "y"}))
        for n in range(RUNS)
    ]  # fmt: skip
    print(_summary("erase, confirm (5 tables, one transaction)", erase))


def _time_csv(client: FlaskClient) -> None:
    url = "/studio/export/enquiries.csv"
    stream_csv(client, url)  # warm
    runs = [stream_csv(client, url) for _ in range(5)]
    first, rows, total = (sorted(run[i] for run in runs)[2] for i in range(3))
    size, streamed = runs[0][3], runs[0][4]
    traced, rss = csv_memory(client, url)
    print(
        f"CSV of {CSV_ROWS:,} enquiries, streamed={streamed}, {size / 2**20:.1f} MB, median of 5:"
        f"\n  first byte {first:6.1f} ms  target < {CSV_FIRST_BYTE_MS:.0f} ms  "
        f"{'met' if first < CSV_FIRST_BYTE_MS else 'MISSED'}"
        f"\n  first rows {rows:6.1f} ms; whole file {total:7.1f} ms"
        f"\n  peak memory growth (tracemalloc) {traced:5.1f} MB  target < {CSV_MEMORY_MB:.0f} MB"
        f"  {'met' if traced < CSV_MEMORY_MB else 'MISSED'}"
        + (f"; peak RSS growth {rss:5.1f} MB" if rss is not None else "; RSS peak not resettable")
    )


def main() -> None:
    """Print the figures."""
    print(f"load average (1, 5, 15 min) before: {_loadavg()} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        build_migrated_database(database)
        app = make_app(database, UPLOAD_FOLDER=str(Path(folder) / "uploads"))
        now = utcnow()
        with app.app_context():
            seed_demo_content()
            fill(now)
            add_clients(client_specs(now, range(FIRST_CLIENTS)), now.date())
        client = coach_client(app)
        few = count_statements(app, lambda: client.get("/studio/clients"))
        with app.app_context():
            add_clients(client_specs(now, range(FIRST_CLIENTS, CLIENTS)), now.date())
            counts = [
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Client, SessionLog, DrillLog)
            ]
        many = count_statements(app, lambda: client.get("/studio/clients"))
        print(
            f"clients page: {counts[0]:,} clients, {counts[1]:,} sessions,"
            f" {counts[2]:,} drill logs;"
            f" SQL statements at {FIRST_CLIENTS:,} vs {CLIENTS:,} clients: {few} vs {many}"
            f"  target equal  {'met' if few == many else 'MISSED'}"
        )
        _time_pages(app, client)
        with app.app_context():
            grow_enquiries(now)
        _time_csv(client)
        _time_erase(client)
        shutdown_app(app)
    print(f"load average (1, 5, 15 min) after: {_loadavg()}")


if __name__ == "__main__":
    main()
