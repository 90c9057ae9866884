"""Drill text search: the search page and the library's text filter, 100 versus 10,000 drills.

Targets (issue 13): median under 10 ms with 10,000 drills, and at most 2x the median with 100.
The libraries are bench/drill_filter.py's: real SQLite files built by the migrations (so the
FTS5 index and its triggers are the ones the site runs), filled by plain INSERTs that the
triggers index. Their text draws every word from a small vocabulary, so a common word is in
every drill: the worst case for a full-text index, and the data the old LIKE scan was measured
on (24.7 ms, 2.44x). Requests are htmx partials through the test client; rounds alternate
between the two sizes so noise on a shared machine hits both alike. CPU time of the serving
thread is printed beside wall-clock time because a busy machine inflates the latter; the last
rows time the drill query alone, without HTTP or templates.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.drill_filter import HTMX, Library, _library
from blueprints.drills.search import matching_drills
from blueprints.shared.extensions import db

SIZES = (100, 10_000)
ROUNDS = 200
WARMUP = 20
TARGET_MS = 10.0
TARGET_RATIO = 2.0
REQUESTS = {
    "search page: 'slow' (in every drill)": "/search?q=slow",
    "search page: 'brace hin' (typing)": "/search?q=brace+hin",
    "search page: 'curl 1234' (a drill number)": "/search?q=curl+1234",
    "library: flexion + 'slow'": "/drills/?direction=flexion&q=slow",
    "library: 'hinge', page 2": "/drills/?q=hinge&page=2",
}
QUERIES = {
    "drill query alone: 'slow'": "slow",
    "drill query alone: 'brace hin'": "brace hin",
}
HEADLINE = next(iter(REQUESTS))


def _request(library: Library, url: str) -> Callable[[], None]:
    client = library.app.test_client()

    def run() -> None:
        response = client.get(url, headers=HTMX)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} with {library.size}")

    return run


def _query(library: Library, words: str) -> Callable[[], None]:
    def run() -> None:
        with library.app.app_context():
            hits = matching_drills(words)
            if not hits.drills:
                raise RuntimeError(f"nothing found for {words!r} with {library.size} drills")
            db.session.remove()

    return run


def _medians(runs: tuple[Callable[[], None], Callable[[], None]]) -> list[tuple[float, float]]:
    """(wall, cpu) medians in ms for each of the two runs, alternating them round by round."""
    samples: list[list[tuple[float, float]]] = [[], []]
    for round_number in range(WARMUP + ROUNDS):
        for side, run in enumerate(runs):
            wall, cpu = time.perf_counter(), time.thread_time()
            run()
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            if round_number >= WARMUP:
                samples[side].append((wall * 1000, cpu * 1000))
    return [
        (statistics.median(w for w, _ in side), statistics.median(c for _, c in side))
        for side in samples
    ]


def _row(label: str, small: tuple[float, float], big: tuple[float, float]) -> str:
    wall_ratio, cpu_ratio = big[0] / small[0], big[1] / small[1]
    verdict = "ok" if big[1] < TARGET_MS and cpu_ratio <= TARGET_RATIO else "MISSED"
    return (
        f"{label:40} {small[0]:7.2f} {big[0]:7.2f} {wall_ratio:6.2f}"
        f" {small[1]:7.2f} {big[1]:7.2f} {cpu_ratio:6.2f}  {verdict}"
    )


def main() -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    """Build both libraries, time each request and query on both, print medians and ratios."""
    results: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
    with (
        tempfile.TemporaryDirectory() as folder,
        _library(SIZES[0], Path(folder)) as small,
        _library(SIZES[1], Path(folder)) as big,
    ):
        print(f"{ROUNDS} rounds each, sizes alternating; medians; verdict on CPU time")
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(
            f"{'':40} {'wall ms':^15} {'':6} {'cpu ms':^15}\n{'':40} {SIZES[0]:>7,}"
            f" {SIZES[1]:>7,} {'ratio':>6} {SIZES[0]:>7,} {SIZES[1]:>7,} {'ratio':>6}"
        )
        runs = {label: (_request(small, u), _request(big, u)) for label, u in REQUESTS.items()}
        runs |= {label: (_query(small, q), _query(big, q)) for label, q in QUERIES.items()}
        for label, pair in runs.items():
            low, high = _medians(pair)
            results[label] = (low, high)
            print(_row(label, low, high))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    (small_wall, small_cpu), (wall, cpu) = results[HEADLINE]
    for clock, big_ms, small_ms in (("wall clock", wall, small_wall), ("CPU time", cpu, small_cpu)):
        ratio = big_ms / small_ms
        within = big_ms < TARGET_MS and ratio <= TARGET_RATIO
        print(
            f"headline ({HEADLINE}), {clock}: {big_ms:.2f} ms with {SIZES[1]:,} drills"
            f" (target < {TARGET_MS:g}), ratio {ratio:.2f} (target <= {TARGET_RATIO:g}): "
            + ("within targets" if within else "MISSED")
        )
    return results


if __name__ == "__main__":
    main()
