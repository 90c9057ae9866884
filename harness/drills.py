"""What the tests under tests/drills/ share besides their fixtures."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import func, insert, select

from blueprints.drills.models import DIRECTIONS, LEVELS, Drill, DrillEquipment
from blueprints.drills.search_words import named_by_each
from blueprints.shared.extensions import db

CARD = re.compile(
    r'<li class="card drill-card" data-direction="([^"]*)" data-level="([^"]*)">'
    r'.*?<a href="/drills/([^"]+)"',
    re.S,
)


HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Card:
    """One result card as a visitor's browser receives it."""

    direction: str
    level: str
    slug: str


def cards(html: str) -> list[Card]:
    """The result cards in a page or partial, in order."""
    return [Card(*match) for match in CARD.findall(html)]


def card_slugs(html: str) -> list[str]:
    """The slugs of the result cards, in order."""
    return [card.slug for card in cards(html)]


def expected_slugs(
    app: Flask,
    directions: Iterable[str] = (),
    levels: Iterable[str] = (),
    equipment: Iterable[str] = (),
    words: Iterable[str] = (),
) -> list[str]:
    """Every matching drill in the database, filtered in plain Python, in library order."""
    directions, levels, equipment = set(directions), set(levels), set(equipment)
    words = [word.lower() for word in words]
    with app.app_context():
        drills = db.session.scalars(select(Drill)).all()
        keep = [
            drill
            for drill in drills
            if (not directions or drill.direction in directions)
            and (not levels or drill.level in levels)
            and (not equipment or equipment & set(drill.equipment_names))
            and (not words or words_match(drill, words))
        ]
        slugs = [drill.slug for drill in library_order(keep)]
        db.session.remove()
    return slugs


def words_match(drill: Drill, words: list[str]) -> bool:
    """The search, simplified (no stemming; tests pick words where the two agree): every word is
    a whole word of the drill's searched text, the last one the start of a word, or names the
    drill's direction or level (the word table of blueprints/drills/search_words.py)."""
    searched = (
        drill.name,
        drill.summary,
        drill.steps,
        drill.cues,
        drill.mistakes,
        drill.progression,
    )
    tokens = set(re.findall(r"[^\W_]+", " ".join(searched).lower()))
    names = named_by_each(words)
    filed = [drill.direction in n.directions or drill.level in n.levels for n in names]
    *whole, last = words
    in_text = [word in tokens for word in whole] + [any(t.startswith(last) for t in tokens)]
    return all(text or filing for text, filing in zip(in_text, filed, strict=True))


def library_order(drills: list[Drill], per_round: int = 3) -> list[Drill]:
    """The library's order, spelled out: each direction easiest first (level, position, id),
    then `per_round` from each direction in turn, extension, flexion, side flexion, rotation."""
    keyed = []
    for rank, direction in enumerate(DIRECTIONS):
        mine = sorted(
            (drill for drill in drills if drill.direction == direction),
            key=lambda drill: (list(LEVELS).index(drill.level), drill.position, drill.id),
        )
        keyed += [((step // per_round, rank, step), drill) for step, drill in enumerate(mine)]
    return [drill for _, drill in sorted(keyed, key=lambda pair: pair[0])]


def add_drill(
    app: Flask,
    slug: str,
    direction: str = "rotation",
    level: str = "beginner",
    position: int = 10,
    equipment: Iterable[str] = ("none",),
    summary: str = "A made-up drill for a test.",
    name: str | None = None,
) -> int:
    """Store one drill the way the studio will; returns its id."""
    with app.app_context():
        drill = Drill(
            slug=slug,
            name=name or slug.replace("-", " ").capitalize(),
            direction=direction,
            level=level,
            position=position,
            summary=summary,
            steps="Stand tall.\nMove slowly.",
            equipment=[DrillEquipment(name=name) for name in equipment],
        )
        db.session.add(drill)
        db.session.commit()
        drill_id = drill.id
        db.session.remove()
    return drill_id


def add_many_drills(
    app: Flask, count: int, summary: str, seed: int = 7, prefix: str = "many"
) -> None:
    """`count` drills in one transaction (as an import would), spread unevenly over directions,
    levels and positions, each with `summary`; slugs `<prefix>-000`, `<prefix>-001`, ..."""
    rng = random.Random(seed)
    rows = [
        {
            "slug": f"{prefix}-{number:03d}",
            "name": f"{prefix.capitalize()} {number:03d}",
            "direction": rng.choices(list(DIRECTIONS), weights=[5, 1, 3, 2])[0],
            "level": rng.choice(list(LEVELS)),
            "position": rng.randint(1, 9),
            "summary": summary,
            "steps": "Stand tall.\nMove slowly.",
        }
        for number in range(count)
    ]
    with app.app_context():
        ids = db.session.scalars(insert(Drill).returning(Drill.id), rows).all()
        db.session.execute(insert(DrillEquipment), [{"drill_id": i, "name": "none"} for i in ids])
        db.session.commit()
        db.session.remove()


def drill_count(app: Flask) -> int:
    """How many drills the database holds."""
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Drill)) or 0
        db.session.remove()
    return count
