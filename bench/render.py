"""Uncached render of the heaviest public pages: what each request costs the app now that no
in-app page cache stands in front of it (nginx keeps public pages for PUBLIC_MAX_AGE_SECONDS).

The demo content on a real migrated SQLite file, one warm app, the test client (no HTTP, no
gunicorn): ROUNDS renders of each page, taken round-robin so noise on a shared machine hits every
page alike; wall-clock and process-CPU medians and p95. The decision this informs (issue 22):
with renders of a few milliseconds, the app keeps no render cache (blueprints/shared/http_cache.py).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from blueprints.blog.models import Post
from blueprints.blog.queries import is_public
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import build_migrated_database, make_app, shutdown_app

ROUNDS = int(os.environ.get("BENCH_RENDER_ROUNDS", "200"))
WARMUP = 5


def _quantiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:
    """Print each page's uncached render p50 and p95 (ms), wall clock and CPU."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "render.sqlite"
        build_migrated_database(database)
        app = make_app(database, WTF_CSRF_ENABLED=True)
        try:
            with app.app_context():
                seed_demo_content()
                article = db.session.scalars(
                    select(Post.slug).where(is_public()).order_by(Post.id).limit(1)
                ).one()
                db.session.remove()
            pages = ["/", f"/blog/{article}", "/drills/", "/contact/"]
            client = app.test_client()
            for path in pages:
                for _ in range(WARMUP):
                    assert client.get(path).status_code == 200, path
            wall: dict[str, list[float]] = {path: [] for path in pages}
            cpu: dict[str, list[float]] = {path: [] for path in pages}
            for _ in range(ROUNDS):
                for path in pages:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    client.get(path)
                    wall[path].append((time.perf_counter() - started) * 1000)
                    cpu[path].append((time.process_time() - started_cpu) * 1000)
        finally:
            shutdown_app(app)
    print(f"uncached render through the test client, {ROUNDS} each, round-robin; load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    for path in pages:
        (p50, p95), (cpu50, cpu95) = _quantiles(wall[path]), _quantiles(cpu[path])
        print(f"  {path:<50} p50 {p50:6.2f} ms (p95 {p95:6.2f})  cpu p50 {cpu50:6.2f} ms "
              f"(p95 {cpu95:6.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
