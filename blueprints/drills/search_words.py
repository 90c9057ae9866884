"""The words a visitor uses for a drill's direction and level, and what each names.

A drill's direction and level are columns, not text, so the full-text index never holds them:
"rotation" found only the one drill whose text says it. Here a search word that names a
direction or level (its own label, or a common word for it: "twist" for rotation, "bend" for
flexion and side flexion) also matches the drills filed under it. The last word of a query is
still being typed, so it names what a listed word starts with (three letters at least).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, or_
from sqlalchemy.sql.elements import ColumnElement

from blueprints.drills.models import Drill

# word -> the directions it names
DIRECTION_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("extension", "extensions", "extend", "extending", "arch", "arching"),
        ("extension",),
    ),
    **dict.fromkeys(
        ("flexion", "flex", "flexing"),
        ("flexion",),
    ),
    **dict.fromkeys(("bend", "bends", "bending"), ("flexion", "side_flexion")),
    **dict.fromkeys(("side", "sideways", "lateral", "sidebend"), ("side_flexion",)),
    **dict.fromkeys(
        (
            "rotation",
            "rotations",
            "rotate",
            "rotating",
            "rotational",
            "twist",
            "twists",
            "twisting",
            "turn",
            "turning",
        ),
        ("rotation",),
    ),
}
# word -> the levels it names
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("beginner", "beginners", "easy"), ("beginner",)),
    **dict.fromkeys(("intermediate",), ("intermediate",)),
    **dict.fromkeys(("advanced", "hard", "harder"), ("advanced",)),
}
MIN_PREFIX = 3


@dataclass(frozen=True)
class Named:
    """The directions and levels one search word names (both empty: it names neither)."""

    directions: frozenset[str]
    levels: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.directions or self.levels)


def named_by(term: str, is_last: bool) -> Named:
    """What `term` names; the last word of a query also as the start of a listed word."""

    def hits(table: dict[str, tuple[str, ...]]) -> frozenset[str]:
        if is_last and len(term) >= MIN_PREFIX:
            return frozenset(v for word, vs in table.items() if word.startswith(term) for v in vs)
        return frozenset(table.get(term, ()))

    return Named(hits(DIRECTION_WORDS), hits(LEVEL_WORDS))


def named_by_each(terms: list[str]) -> list[Named]:
    """What each word of a query names; "flexion" after "side" names side flexion too."""
    names = []
    for i, term in enumerate(terms):
        named = named_by(term, i == len(terms) - 1)
        if i and terms[i - 1] == "side" and "flexion" in named.directions:
            named = Named(named.directions | {"side_flexion"}, named.levels)
        names.append(named)
    return names


def filed_under(named: Named) -> ColumnElement[bool]:
    """A WHERE clause: the drill's direction or level is one `named` names."""
    clauses = []
    if named.directions:
        clauses.append(Drill.direction.in_(sorted(named.directions)))
    if named.levels:
        clauses.append(Drill.level.in_(sorted(named.levels)))
    return or_(*clauses) if clauses else false()
