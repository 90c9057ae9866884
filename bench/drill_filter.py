"""Drill library: the filtered htmx partial with 100 versus 10,000 drills, side by side.

Targets: median under 10 ms with 10,000 drills, and at most 2x the median with 100. Each
library is a real SQLite file built by the migrations; the partial is rendered in-process by the
test client with the HX-Request header. The library's pages are page-cached
(blueprints/shared/pagecache.py), so every request carries a parameter the library ignores with
a new value (`miss=N`, see `uncached`): each figure is a cache miss, i.e. the query, the
rendering and storing the page, as a visitor with a new filter costs (the cache's own
content-version read, at most once a second, is not counted among the SELECTs). The sizes alternate
in blocks of BLOCK requests (ROUNDS per size in all): noise on a shared machine still hits both
alike, without thrashing the CPU caches between two databases on every request (which roughly
doubled every in-process figure). CPU time of the process is printed beside wall-clock time
because a busy machine inflates the latter. It also counts the SELECTs per request (constant:
no query per card) and shows the query plan SQLite picks for the headline filter.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import event, insert, text

from blueprints.drills.filter_args import DrillFilters
from blueprints.drills.filters import filter_conditions, page_of_drills
from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS, Drill, DrillEquipment
from blueprints.shared.extensions import db
from harness import build_migrated_database, make_app, shutdown_app

SIZES = (100, 10_000)
ROUNDS = 300
WARMUP = 30
BLOCK = 15  # requests to one library before switching to the other
TARGET_MS = 10.0
TARGET_RATIO = 2.0
HTMX = {"HX-Request": "true"}
SCENARIOS = {
    "rotation + no equipment (headline)": "/drills/?direction=rotation&equipment=none",
    "rotation + beginner + no equipment": (
        "/drills/?direction=rotation&level=beginner&equipment=none"
    ),
    "two directions + plate": "/drills/?direction=flexion&direction=side_flexion&equipment=plate",
    "flexion + search 'slow'": "/drills/?direction=flexion&q=slow",
    "whole library, page 1": "/drills/",
    "rotation, page 3": "/drills/?direction=rotation&page=3",
}
HEADLINE = next(iter(SCENARIOS))

WORDS = [
    *("slow", "controlled", "brace", "breathe", "hinge", "curl", "reach", "turn", "press"),
    *("hold", "lift", "lower", "pause", "tall", "long", "spine", "hips", "ribs", "shoulders"),
    *("knees", "floor", "wall", "bench", "band", "plate", "dumbbell", "gentle", "steady"),
]
KIT = [name for name in EQUIPMENT if name != "none"]


def _drill_rows(count: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """A synthetic library: even directions, thirds by level, 60% doable with no equipment."""
    rng = random.Random(seed)
    directions = list(DIRECTIONS)
    levels = list(LEVELS)
    per_direction = max(1, count // len(directions))
    drills: list[dict] = []
    equipment: list[dict] = []
    for index in range(count):
        drill_id = index + 1
        position = index // len(directions) + 1
        words = rng.sample(WORDS, 18)
        drills.append(
            {
                "id": drill_id,
                "slug": f"drill-{drill_id}",
                "name": f"{words[0].capitalize()} {words[1]} {drill_id}",
                "direction": directions[index % len(directions)],
                "level": levels[min(2, (position - 1) * 3 // per_direction)],
                "position": position,
                "summary": " ".join(words).capitalize() + ".",
                # As much text as a real drill carries, so rows are as big as the coach's.
                "steps": _lines(rng, 5, 14),
                "cues": _lines(rng, 3, 10),
                "mistakes": _lines(rng, 3, 12),
                "progression": _lines(rng, 4, 6),
            }
        )
        names = {"none"} if index % 5 < 3 else set()
        if index % 5 != 0 or not names:
            names.add(KIT[index % len(KIT)])
        equipment.extend({"drill_id": drill_id, "name": name} for name in sorted(names))
    return drills, equipment


def _lines(rng: random.Random, count: int, words: int) -> str:
    return "\n".join(" ".join(rng.choices(WORDS, k=words)).capitalize() + "." for _ in range(count))


@dataclass(frozen=True)
class Sample:
    """One request: wall-clock and CPU milliseconds, SELECTs run, the body."""

    wall_ms: float
    cpu_ms: float
    selects: int
    body: bytes


@dataclass
class Library:
    """One benchmark site: its app, a client, and a statement counter."""

    size: int
    app: Flask
    statements: list[str]

    def get(self, url: str) -> Sample:
        """Fetch the partial once, rendered afresh (a page cache miss)."""
        url = uncached(url)
        client = self.app.test_client()
        self.statements.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=HTMX)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} with {self.size} drills")
        return Sample(wall * 1000, cpu * 1000, len(self.statements), response.data)


_MISSES = itertools.count()


def uncached(url: str) -> str:
    """`url` with a parameter the library ignores set to a value never used before, so the page
    cache has no copy and the page is rendered (and stored, as on any miss)."""
    return f"{url}{'&' if '?' in url else '?'}miss={next(_MISSES)}"


def _recorder(statements: list[str]):  # type: ignore[no-untyped-def]
    def record(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if "FROM content_version" in statement:  # the page cache's check, not the library's
            return
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):  # not BEGIN/COMMIT
            statements.append(statement)

    return record


@contextmanager
def _library(size: int, folder: Path) -> Iterator[Library]:
    path = folder / f"drills-{size}.sqlite"
    build_migrated_database(path)
    app = make_app(path)
    statements: list[str] = []
    with app.app_context():
        drills, equipment = _drill_rows(size)
        db.session.execute(insert(Drill), drills)
        db.session.execute(insert(DrillEquipment), equipment)
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", _recorder(statements))
        db.session.remove()
    try:
        yield Library(size, app, statements)
    finally:
        shutdown_app(app)


def _query_plan(library: Library) -> list[str]:
    url = SCENARIOS[HEADLINE]
    with library.app.test_request_context(url):
        from flask import request

        filters = DrillFilters.from_args(request.args)
        query = page_of_drills(filter_conditions(filters), 1)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        db.session.remove()
    return [row[-1] for row in rows]


@dataclass
class Figures:
    """One scenario measured on both libraries (medians in milliseconds)."""

    wall: tuple[float, float]
    cpu: tuple[float, float]
    selects: tuple[int, int]
    cards: int
    size_bytes: int

    @property
    def ratio(self) -> float:
        """How many times slower the big library is, wall clock."""
        return self.wall[1] / self.wall[0]

    @property
    def cpu_ratio(self) -> float:
        """How many times slower the big library is, CPU time of the process."""
        return self.cpu[1] / self.cpu[0]

    def row(self, label: str) -> str:
        """One line of the printed table."""
        return (
            f"{label:36} {self.wall[0]:7.2f} {self.wall[1]:7.2f} {self.ratio:6.2f}"
            f" {self.cpu[0]:7.2f} {self.cpu[1]:7.2f} {self.cpu_ratio:6.2f}"
            f" {self.selects[0]:>4}/{self.selects[1]:<3} {self.cards:5} {self.size_bytes:6}"
        )


HEADER = (
    f"{'scenario':36} {'wall ms':^15} {'':6} {'cpu ms':^15} {'':6}"
    f" {'SELECTs':>8} {'cards':>5} {'bytes':>6}\n"
    f"{'':36} {SIZES[0]:>7,} {SIZES[1]:>7,} {'ratio':>6} {SIZES[0]:>7,} {SIZES[1]:>7,} {'ratio':>6}"
)


def _measure(small: Library, big: Library, url: str) -> Figures:
    samples: dict[int, list[Sample]] = {small.size: [], big.size: []}
    for library in (small, big):
        for _ in range(WARMUP):
            library.get(url)
    for _ in range(ROUNDS // BLOCK):
        for library in (small, big):
            samples[library.size] += [library.get(url) for _ in range(BLOCK)]
    pair = (samples[small.size], samples[big.size])
    last = pair[1][-1]
    return Figures(
        wall=tuple(statistics.median(s.wall_ms for s in side) for side in pair),  # type: ignore[arg-type]
        cpu=tuple(statistics.median(s.cpu_ms for s in side) for side in pair),  # type: ignore[arg-type]
        selects=(pair[0][-1].selects, last.selects),
        cards=last.body.count(b'class="card drill-card"'),
        size_bytes=len(last.body),
    )


def main() -> dict[str, Figures]:
    """Build both libraries, time every scenario on both, print medians and ratios."""
    results: dict[str, Figures] = {}
    with (
        tempfile.TemporaryDirectory() as folder,
        _library(SIZES[0], Path(folder)) as small,
        _library(SIZES[1], Path(folder)) as big,
    ):
        print(
            f"{ROUNDS} requests per size and scenario, sizes alternating in blocks of {BLOCK};"
            " each a page cache miss; medians per partial"
        )
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(HEADER)
        for label, url in SCENARIOS.items():
            results[label] = _measure(small, big, url)
            print(results[label].row(label))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        plan = _query_plan(big)
    print(f"query plan, headline page, {SIZES[1]:,} drills: " + "; ".join(plan))
    headline = results[HEADLINE]
    for clock, (_, big_ms), ratio in (
        ("wall clock", headline.wall, headline.ratio),
        ("CPU time", headline.cpu, headline.cpu_ratio),
    ):
        within = big_ms < TARGET_MS and ratio <= TARGET_RATIO
        print(
            f"headline, {clock}: {big_ms:.2f} ms with {SIZES[1]:,} drills "
            f"(target < {TARGET_MS:g}), ratio {ratio:.2f} (target <= {TARGET_RATIO:g}): "
            + ("within targets" if within else "MISSED")
        )
    return results


if __name__ == "__main__":
    main()
