"""Drill library: the filtered htmx partial with 100 versus 10,000 drills, side by side.

Targets: median under 10 ms with 10,000 drills, and at most 2x the median with 100. Each
library is a real SQLite file built by the migrations; the partial is rendered in-process by the
test client with the HX-Request header. Rounds alternate between the two sizes so that noise
on a shared machine hits both alike. It also counts the SELECTs per request (constant:
no query per card) and shows the query plan SQLite picks for the headline filter.
"""

from __future__ import annotations

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

from app import db
from blueprints.drills.filters import DrillFilters, filter_conditions
from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS, Drill, DrillEquipment
from tests.support import build_migrated_database, make_app, shutdown_app

SIZES = (100, 10_000)
ROUNDS = 300
WARMUP = 30
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


@dataclass
class Library:
    """One benchmark site: its app, a client, and a statement counter."""

    size: int
    app: Flask
    statements: list[str]

    def get(self, url: str) -> tuple[float, int, bytes]:
        """Fetch the partial; returns (milliseconds, SELECT statements, body)."""
        client = self.app.test_client()
        self.statements.clear()
        started = time.perf_counter()
        response = client.get(url, headers=HTMX)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} with {self.size} drills")
        return elapsed, len(self.statements), response.data


def _recorder(statements: list[str]):  # type: ignore[no-untyped-def]
    def record(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):  # not BEGIN/COMMIT
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
        query = (
            db.select(Drill.id)
            .where(*filter_conditions(filters))
            .order_by(Drill.direction, Drill.position, Drill.id)
            .limit(12)
        )
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        db.session.remove()
    return [row[-1] for row in rows]


@dataclass
class Figures:
    """One scenario measured on both libraries."""

    small_ms: float
    big_ms: float
    selects: tuple[int, int]
    cards: int
    size_bytes: int

    @property
    def selects_text(self) -> str:
        """SELECTs per request, small library / big library."""
        return f"{self.selects[0]}/{self.selects[1]}"

    @property
    def ratio(self) -> float:
        """How many times slower the big library is."""
        return self.big_ms / self.small_ms


def _measure(small: Library, big: Library, url: str) -> Figures:
    timings: dict[int, list[float]] = {small.size: [], big.size: []}
    for round_number in range(WARMUP + ROUNDS):
        for library in (small, big):
            elapsed = library.get(url)[0]
            if round_number >= WARMUP:
                timings[library.size].append(elapsed)
    _, small_selects, _ = small.get(url)
    _, big_selects, body = big.get(url)
    return Figures(
        small_ms=statistics.median(timings[small.size]),
        big_ms=statistics.median(timings[big.size]),
        selects=(small_selects, big_selects),
        cards=body.count(b'class="card drill-card"'),
        size_bytes=len(body),
    )


def main() -> dict[str, Figures]:
    """Build both libraries, time every scenario on both, print medians and ratios."""
    results: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory() as folder:
        small_size, big_size = SIZES
        with (
            _library(small_size, Path(folder)) as small,
            _library(big_size, Path(folder)) as big,
        ):
            print(f"{ROUNDS} rounds per scenario, sizes alternating; median ms per partial")
            print(
                f"{'scenario':36} {small_size:>8,} {big_size:>8,} {'ratio':>6} "
                f"{'SELECTs':>8} {'cards':>6} {'bytes':>6}"
            )
            for label, url in SCENARIOS.items():
                figures = results[label] = _measure(small, big, url)
                print(
                    f"{label:36} {figures.small_ms:8.2f} {figures.big_ms:8.2f} "
                    f"{figures.ratio:6.2f} {figures.selects_text:>8} {figures.cards:6} "
                    f"{figures.size_bytes:6}"
                )
            plan = _query_plan(big)
    print(f"query plan, headline page, {big_size:,} drills: " + "; ".join(plan))
    headline = results[HEADLINE]
    within = headline.big_ms < TARGET_MS and headline.ratio <= TARGET_RATIO
    print(
        f"headline: {headline.big_ms:.2f} ms with {big_size:,} drills (target < {TARGET_MS:g}), "
        f"ratio {headline.ratio:.2f} (target <= {TARGET_RATIO:g}): "
        + ("within targets" if within else "MISSED")
    )
    return results


if __name__ == "__main__":
    main()
