"""Drill text search: the search page and the library's text filter at 100, 1,000 and 10,000 drills.

Target (issue 22): median <= 15 ms at 1,000 drills (CPU time of the process); 10,000 is printed
for information. The library's rows are timed before (blueprints/drills/filters.py at
bench.drill_filter.BEFORE, read from git) and after (the one query path), side by side in one run;
the search page's code did not change, so it has one column. The libraries are
bench/drill_filter.py's: real SQLite files built by the migrations (so the FTS5 index and its
triggers are the ones the site runs), filled by plain INSERTs that the triggers index. Their text
draws every word from a small vocabulary, so a common word is in every drill: the worst case for a
full-text index.

What each row times:
- "search page": /search as an htmx partial through the test client (not page-cached).
- "library page": /drills/?q=... as an htmx partial. The library is page-cached, so each
  request adds a parameter the library ignores with a new value (bench.drill_filter.uncached):
  each figure is a cache miss (the query, the rendering, storing the page), not a hit.
- "... query alone": the function behind the page (matching_drills, drills_matching), without
  HTTP or templates: where the time goes. The target is on what a visitor waits for, the pages.

The libraries and variants take turns in blocks of BLOCK calls (ROUNDS each in all), so noise on a
shared machine hits all alike; alternating on every call thrashed the CPU caches between
databases and roughly doubled every in-process figure. CPU time of the process
(time.process_time) is printed beside wall-clock time because a busy machine inflates the
latter; the verdict is on CPU time.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from werkzeug.datastructures import MultiDict

from bench.drill_filter import (
    BEFORE,
    HTMX,
    Library,
    Matcher,
    _library,
    answering_with,
    query_before,
    uncached,
)
from blueprints.drills.filter_args import DrillFilters
from blueprints.drills.filters import drills_matching
from blueprints.drills.search import matching_drills
from blueprints.shared.extensions import db

SIZES = (100, 1_000, 10_000)
TARGET_SIZE = 1_000
ROUNDS = 60
BLOCK = 10
WARMUP = 10
TARGET_MS = 15.0
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


def _request(library: Library, url: str, matcher: Matcher | None = None) -> Callable[[], None]:
    """One GET of `url`; with `matcher` (the library's query) a page-cache miss answered by it."""
    client = library.app.test_client()

    def run() -> None:
        if matcher is None:
            response = client.get(url, headers=HTMX)
        else:
            with answering_with(matcher):
                response = client.get(uncached(url), headers=HTMX)
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


def _library_query(library: Library, query_string: str, matcher: Matcher) -> Callable[[], None]:
    args = MultiDict(pair.split("=") for pair in query_string.split("&"))

    def run() -> None:
        with library.app.app_context():
            page = matcher(DrillFilters.from_args(args))
            if not page.drills:  # type: ignore[attr-defined]
                raise RuntimeError(f"nothing found for {query_string} with {library.size} drills")
            db.session.remove()

    return run


def _timed(run: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return wall * 1000, cpu * 1000


Runs = dict[tuple[str, int], Callable[[], None]]  # (variant, size) -> one call


def _medians(runs: Runs) -> dict[tuple[str, int], tuple[float, float]]:
    """(wall, cpu) medians in ms for each run, taking turns in blocks of BLOCK."""
    for run in runs.values():
        for _ in range(WARMUP):
            _timed(run)
    samples: dict[tuple[str, int], list[tuple[float, float]]] = {key: [] for key in runs}
    for _ in range(ROUNDS // BLOCK):
        for key, run in runs.items():
            samples[key] += [_timed(run) for _ in range(BLOCK)]
    return {
        key: (statistics.median(w for w, _ in side), statistics.median(c for _, c in side))
        for key, side in samples.items()
    }


def _rows(label: str, medians: dict[tuple[str, int], tuple[float, float]]) -> list[str]:
    lines = []
    for number, size in enumerate(SIZES):
        wall, cpu = medians["after", size]
        before = medians.get(("before", size))
        was = f"{before[0]:8.2f} /{before[1]:7.2f}" if before else f"{'-':>18}"
        ratio = f"{cpu / before[1]:6.2f}" if before else f"{'-':>6}"
        verdict = "-"
        if size == TARGET_SIZE and "alone" not in label:
            verdict = "ok" if cpu <= TARGET_MS else "MISSED"
        lines.append(
            f"{label if number == 0 else '':42} {size:>6,}  {was}  {wall:8.2f} /{cpu:7.2f}"
            f"  {ratio}  {verdict}"
        )
    return lines


def main() -> dict[str, dict[tuple[str, int], tuple[float, float]]]:
    """Build the libraries, time each request and query before and after, print medians."""
    results: dict[str, dict[tuple[str, int], tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        libraries = [stack.enter_context(_library(size, Path(folder))) for size in SIZES]
        variants: dict[str, Matcher] = {"after": drills_matching}
        if before := query_before(Path(folder)):
            variants = {"before": before, **variants}
        print(
            f"{ROUNDS} calls per size, variant and row, taking turns in blocks of {BLOCK};"
            f" medians; before = filters.py at {BEFORE}; verdict (pages, {TARGET_SIZE:,} drills,"
            f" <= {TARGET_MS:g} ms) on CPU time"
        )
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(
            f"{'':42} {'drills':>6}  {'before wall/cpu ms':>18}  {'after wall/cpu ms':>17}"
            f"  {'after/before cpu':>6}"
        )
        rows: dict[str, Runs] = {}
        for label, url in SEARCH_PAGES.items():
            rows[label] = {("after", lib.size): _request(lib, url) for lib in libraries}
        for label, url in LIBRARY_PAGES.items():
            rows[label] = {
                (name, lib.size): _request(lib, url, matcher)
                for lib in libraries
                for name, matcher in variants.items()
            }
        for label, words in SEARCH_QUERIES.items():
            rows[label] = {("after", lib.size): _search(lib, words) for lib in libraries}
        for label, query in LIBRARY_QUERIES.items():
            rows[label] = {
                (name, lib.size): _library_query(lib, query, matcher)
                for lib in libraries
                for name, matcher in variants.items()
            }
        for label, runs in rows.items():
            results[label] = _medians(runs)
            print("\n".join(_rows(label, results[label])), flush=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    pages = [label for label in results if "alone" not in label]
    worst = max((results[label]["after", TARGET_SIZE][1], label) for label in pages)
    print(
        f"slowest page at {TARGET_SIZE:,} drills: {worst[0]:.2f} ms CPU ({worst[1]});"
        f" target <= {TARGET_MS:g}: " + ("within target" if worst[0] <= TARGET_MS else "MISSED")
    )
    return results


if __name__ == "__main__":
    main()
