"""Drill text search: the search page and the library's text filter, 100 versus 10,000 drills.

Targets (issue 13): median under 10 ms with 10,000 drills, and at most 2x the median with 100,
for the search page and for the library's text filter (`/drills/?q=`, the search the issue first
measured: a LIKE scan at 24.7 ms, 2.44x). The libraries are bench/drill_filter.py's: real SQLite
files built by the migrations (so the FTS5 index and its triggers are the ones the site runs),
filled by plain INSERTs that the triggers index. Their text draws every word from a small
vocabulary, so a common word is in every drill: the worst case for a full-text index.

What each row times:
- "search page": /search as an htmx partial through the test client (not page-cached).
- "library page": /drills/?q=... as an htmx partial. The library is page-cached, so each
  request adds a parameter the library ignores with a new value (bench.drill_filter.uncached):
  each figure is a cache miss (the query, the rendering, storing the page), not a hit.
- "... query alone": the function behind the page (matching_drills, drills_matching), without
  HTTP or templates: where the time goes. The targets are on what a visitor waits for, the
  pages; a query row has no verdict (the library's query is 0.4 ms at 100 drills, so the few
  milliseconds SQLite needs to gather 10,000 matches make a large ratio of a small figure).

The two sizes alternate in blocks of BLOCK calls (ROUNDS per size in all), so noise on a shared
machine hits both alike; alternating on every call, as this bench first did, thrashed the CPU
caches between two databases and roughly doubled every in-process figure (the search page at
100 drills: 6.2 ms alone, 10.4 alternating per request). CPU time of the process
(time.process_time) is printed beside wall-clock time because a busy machine inflates the
latter; the verdict is on CPU time.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug.datastructures import MultiDict

from bench.drill_filter import HTMX, Library, _library, uncached
from blueprints.drills.filter_args import DrillFilters
from blueprints.drills.filters import drills_matching
from blueprints.drills.search import matching_drills
from blueprints.shared.extensions import db

SIZES = (100, 10_000)
ROUNDS = 200
BLOCK = 10
WARMUP = 20
TARGET_MS = 10.0
TARGET_RATIO = 2.0
SEARCH_PAGES = {
    "search page: 'slow' (in every drill)": "/search?q=slow",
    "search page: 'brace hin' (typing)": "/search?q=brace+hin",
    "search page: 'curl 1234' (a drill number)": "/search?q=curl+1234",
}
LIBRARY_PAGES = {
    "library page: flexion + 'slow'": "/drills/?direction=flexion&q=slow",
    "library page: 'hinge', page 2": "/drills/?q=hinge&page=2",
}
SEARCH_QUERIES = {
    "search query alone: 'slow'": "slow",
    "search query alone: 'brace hin'": "brace hin",
}
LIBRARY_QUERIES = {
    "library query alone: flexion + 'slow'": "direction=flexion&q=slow",
    "library query alone: 'hinge', page 2": "q=hinge&page=2",
}
HEADLINES = (next(iter(SEARCH_PAGES)), next(iter(LIBRARY_PAGES)))


def _request(library: Library, url: str, *, miss: bool = False) -> Callable[[], None]:
    client = library.app.test_client()

    def run() -> None:
        response = client.get(uncached(url) if miss else url, headers=HTMX)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} with {library.size}")

    return run


def _search(library: Library, words: str) -> Callable[[], None]:
    def run() -> None:
        with library.app.app_context():
            hits = matching_drills(words)
            if not hits.drills:
                raise RuntimeError(f"nothing found for {words!r} with {library.size} drills")
            db.session.remove()

    return run


def _library_query(library: Library, query_string: str) -> Callable[[], None]:
    args = MultiDict(pair.split("=") for pair in query_string.split("&"))

    def run() -> None:
        with library.app.app_context():
            page = drills_matching(DrillFilters.from_args(args))
            if not page.drills:
                raise RuntimeError(f"nothing found for {query_string} with {library.size} drills")
            db.session.remove()

    return run


def _timed(run: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return wall * 1000, cpu * 1000


def _medians(runs: tuple[Callable[[], None], Callable[[], None]]) -> list[tuple[float, float]]:
    """(wall, cpu) medians in ms for each of the two runs, alternating them in blocks."""
    for run in runs:
        for _ in range(WARMUP):
            _timed(run)
    samples: list[list[tuple[float, float]]] = [[], []]
    for _ in range(ROUNDS // BLOCK):
        for side, run in enumerate(runs):
            samples[side] += [_timed(run) for _ in range(BLOCK)]
    return [
        (statistics.median(w for w, _ in side), statistics.median(c for _, c in side))
        for side in samples
    ]


def _row(label: str, small: tuple[float, float], big: tuple[float, float]) -> str:
    wall_ratio, cpu_ratio = big[0] / small[0], big[1] / small[1]
    verdict = "ok" if big[1] < TARGET_MS and cpu_ratio <= TARGET_RATIO else "MISSED"
    if "alone" in label:
        verdict = "-"
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
        print(
            f"{ROUNDS} calls per size and row, sizes alternating in blocks of {BLOCK};"
            " medians; verdict (pages only) on CPU time"
        )
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(
            f"{'':40} {'wall ms':^15} {'':6} {'cpu ms':^15}\n{'':40} {SIZES[0]:>7,}"
            f" {SIZES[1]:>7,} {'ratio':>6} {SIZES[0]:>7,} {SIZES[1]:>7,} {'ratio':>6}"
        )
        runs = {label: (_request(small, u), _request(big, u)) for label, u in SEARCH_PAGES.items()}
        runs |= {
            label: (_request(small, u, miss=True), _request(big, u, miss=True))
            for label, u in LIBRARY_PAGES.items()
        }
        runs |= {label: (_search(small, q), _search(big, q)) for label, q in SEARCH_QUERIES.items()}
        runs |= {
            label: (_library_query(small, q), _library_query(big, q))
            for label, q in LIBRARY_QUERIES.items()
        }
        for label, pair in runs.items():
            low, high = _medians(pair)
            results[label] = (low, high)
            print(_row(label, low, high))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    for headline in HEADLINES:
        (small_wall, small_cpu), (wall, cpu) = results[headline]
        for clock, big_ms, small_ms in (
            ("wall clock", wall, small_wall),
            ("CPU time", cpu, small_cpu),
        ):
            ratio = big_ms / small_ms
            within = big_ms < TARGET_MS and ratio <= TARGET_RATIO
            print(
                f"headline ({headline}), {clock}: {big_ms:.2f} ms with {SIZES[1]:,} drills"
                f" (target < {TARGET_MS:g}), ratio {ratio:.2f} (target <= {TARGET_RATIO:g}): "
                + ("within targets" if within else "MISSED")
            )
    return results


if __name__ == "__main__":
    main()
