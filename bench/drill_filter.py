"""Drill library: the filtered htmx partial at 100, 1,000 and 10,000 drills, before and after.

Target (issue 22): a page-cache miss at 1,000 drills, median <= 15 ms (a coach's library holds
tens to hundreds of drills; 10,000 is printed for information). "before" is the library's query
as it was at BEFORE (blueprints/drills/filters.py read from git: three paths, a near walk, a
Bloom-filter pass and raw SQLite SQL), "after" the one path; both run in this process on the same
databases, taking turns in blocks, so the machine's load hits both alike.

Each library is a real SQLite file built by the migrations; the partial is rendered in-process by
the test client with the HX-Request header. The library's pages are page-cached, so every request
carries a parameter the library ignores with a new value (`miss=N`, see `uncached`): each figure is
a cache miss, i.e. the query, the rendering and storing the page, as a visitor with a new filter
costs. CPU time of the process is printed beside wall-clock time because a busy machine inflates
the latter. It also counts the SELECTs per request (constant: no query per card) and shows the
query plan SQLite picks for the headline filter. The history of the old optimisations is in
bench/README.md.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from flask import Flask
from sqlalchemy import event, insert, text

from blueprints.drills import routes
from blueprints.drills.filter_args import DrillFilters
from blueprints.drills.filters import filter_conditions, page_of_drills
from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS, Drill, DrillEquipment
from blueprints.shared.extensions import db
from harness import build_migrated_database, make_app, shutdown_app

SIZES = (100, 1_000, 10_000)
TARGET_SIZE = 1_000
TARGET_MS = 15.0
ROUNDS = 60  # requests per size, variant and scenario
WARMUP = 10
BLOCK = 10  # requests to one library and variant before the next takes its turn
# The last commit with the three query paths (main before issue 22's one path).
BEFORE = "e8732e8"
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


Matcher = Callable[[DrillFilters], object]


def query_before(folder: Path) -> Matcher | None:
    """`drills_matching` as it was at BEFORE, loaded from git; None outside a git checkout."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BEFORE}:blueprints/drills/filters.py"],  # noqa: S607
            capture_output=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = folder / "filters_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("bench_filters_before", path)
    assert spec and spec.loader
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.drills_matching


@contextmanager
def answering_with(matcher: Matcher) -> Iterator[None]:
    """The library's view uses `matcher` for its query while inside."""
    current = routes.drills_matching
    routes.drills_matching = matcher  # type: ignore[assignment]
    try:
        yield
    finally:
        routes.drills_matching = current


@dataclass(frozen=True)
class Median:
    """One size and variant of one scenario: medians in milliseconds, SELECTs, cards."""

    wall: float
    cpu: float
    selects: int
    cards: int


def _median(samples: list[Sample]) -> Median:
    last = samples[-1]
    return Median(
        wall=statistics.median(s.wall_ms for s in samples),
        cpu=statistics.median(s.cpu_ms for s in samples),
        selects=last.selects,
        cards=last.body.count(b'class="card drill-card"'),
    )


def measure(
    libraries: list[Library], variants: dict[str, Matcher], url: str
) -> dict[tuple[str, int], Median]:
    """Medians for `url` on every library with every variant, taking turns in blocks."""
    turns = [(name, library) for library in libraries for name in variants]
    samples: dict[tuple[str, int], list[Sample]] = {(n, lib.size): [] for n, lib in turns}
    for name, library in turns:
        with answering_with(variants[name]):
            for _ in range(WARMUP):
                library.get(url)
    for _ in range(ROUNDS // BLOCK):
        for name, library in turns:
            with answering_with(variants[name]):
                samples[name, library.size] += [library.get(url) for _ in range(BLOCK)]
    return {key: _median(side) for key, side in samples.items()}


HEADER = (
    f"{'scenario':36} {'drills':>6}  {'before wall/cpu ms':>18}  {'after wall/cpu ms':>17}"
    f"  {'after/before cpu':>16}  {'SELECTs':>7}  {'cards':>5}"
)


def rows(label: str, figures: dict[tuple[str, int], Median]) -> list[str]:
    """The printed lines of one scenario, one per size."""
    lines = []
    for number, size in enumerate(SIZES):
        after = figures["after", size]
        before = figures.get(("before", size))
        was = f"{before.wall:8.2f} /{before.cpu:7.2f}" if before else f"{'-':>18}"
        ratio = f"{after.cpu / before.cpu:16.2f}" if before else f"{'-':>16}"
        selects = f"{before.selects if before else '-'}/{after.selects}"
        lines.append(
            f"{label if number == 0 else '':36} {size:>6,}  {was}"
            f"  {after.wall:8.2f} /{after.cpu:7.2f}  {ratio}  {selects:>7}  {after.cards:5}"
        )
    return lines


def main() -> dict[str, dict[tuple[str, int], Median]]:
    """Build the libraries, time every scenario before and after on each, print the medians."""
    from blueprints.drills.filters import drills_matching

    results: dict[str, dict[tuple[str, int], Median]] = {}
    with tempfile.TemporaryDirectory() as name, ExitStack() as stack:
        libraries = [stack.enter_context(_library(size, Path(name))) for size in SIZES]
        variants: dict[str, Matcher] = {"after": drills_matching}
        if before := query_before(Path(name)):
            variants = {"before": before, **variants}
        else:
            print(f"(no git history here: {BEFORE} cannot be read, so no 'before' column)")
        print(
            f"{ROUNDS} requests per size, variant and scenario, taking turns in blocks of {BLOCK};"
            f" each a page-cache miss; medians per partial; before = filters.py at {BEFORE}"
        )
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(HEADER)
        for label, url in SCENARIOS.items():
            results[label] = measure(libraries, variants, url)
            print("\n".join(rows(label, results[label])), flush=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        plan = _query_plan(next(lib for lib in libraries if lib.size == TARGET_SIZE))
    print(f"query plan, headline page, {TARGET_SIZE:,} drills: " + "; ".join(plan))
    for clock in ("wall", "cpu"):
        worst = max(
            (getattr(figures["after", TARGET_SIZE], clock), label)
            for label, figures in results.items()
        )
        headline = getattr(results[HEADLINE]["after", TARGET_SIZE], clock)
        print(
            f"{clock}: headline {headline:.2f} ms at {TARGET_SIZE:,} drills, slowest scenario"
            f" {worst[0]:.2f} ms ({worst[1]}); target <= {TARGET_MS:g}: "
            + ("within target" if worst[0] <= TARGET_MS else "MISSED")
        )
    return results


if __name__ == "__main__":
    main()
