"""The drill library's query: the page of drills a visitor's filters ask for, in library order.

One path for both databases, with or without search words: the filters become WHERE clauses
(the words through blueprints/drills/search.py, as on the site's search page), `library_order`
ranks every matching drill with a window function, and a page is a LIMIT/OFFSET slice of that
order. Two statements a page (the page's drills with the count, their equipment) however many
drills match. The query string is read into DrillFilters in blueprints/drills/filter_args.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Subquery, exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from blueprints.drills.filter_args import DrillFilters
from blueprints.drills.models import (
    DIRECTIONS,
    Drill,
    DrillEquipment,
    direction_rank,
    equipment_labels,
    level_rank,
)
from blueprints.drills.search import COUNT_LIMIT, drill_text_matches
from blueprints.shared.extensions import db

PAGE_SIZE = 12
# How many drills of one direction come before the next direction's turn (see library_order):
# a quarter of a page, so page one has room for the easiest few of all four directions.
PER_DIRECTION_IN_A_ROUND = PAGE_SIZE // len(DIRECTIONS)


@dataclass(frozen=True)
class DrillCard:
    """What a library card shows of a drill (drills/_card.html), read as plain rows."""

    id: int
    slug: str
    name: str
    direction: str
    level: str
    summary: str
    poster_file: str
    updated_at: datetime
    has_motion: bool
    equipment_labels: list[str]


# What a card shows; anything else is not read.
CARD_COLUMNS = (
    Drill.id, Drill.slug, Drill.name, Drill.direction, Drill.level, Drill.summary,
    Drill.poster_file, Drill.updated_at, (func.length(Drill.motion) > 0).label("has_motion"),
)  # fmt: skip


@dataclass(frozen=True)
class DrillPage:
    """One page of matching drills and where it sits in the whole result.

    With search words, the total shows only up to COUNT_LIMIT (see `drills_matching`): past it
    `total_is_exact` is False, `total` is COUNT_LIMIT and the page count is not given (None).
    """

    drills: Sequence[DrillCard]
    total: int
    page: int
    page_count: int | None
    more_follow: bool = False  # when the page count is unknown: another page follows

    @property
    def total_is_exact(self) -> bool:
        """False when more than `total` drills match (the count stopped there)."""
        return self.page_count is not None

    @property
    def has_next(self) -> bool:
        """True when another page follows."""
        if self.page_count is None:
            return self.more_follow
        return self.page < self.page_count

    @property
    def first_number(self) -> int:
        """The 1-based number of this page's first drill."""
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last_number(self) -> int:
        """The 1-based number of this page's last drill."""
        return self.first_number + len(self.drills) - 1


def drills_matching(filters: DrillFilters) -> DrillPage:
    """The page of drills `filters` asks for, in library order (`library_order`), with the total.

    One statement reads the page and how many drills match (the ranking sees them all anyway),
    one more their equipment. A page past the end falls back to page 1 (the template says so).
    With search words the total shows only up to COUNT_LIMIT ("More than 100 drills match.",
    pages without "of N"), as on the site's search page.
    """
    conditions = filter_conditions(filters)
    page = filters.page
    rows = db.session.execute(page_of_drills(conditions, page)).all()
    if not rows and page > 1:
        page = 1
        rows = db.session.execute(page_of_drills(conditions, page)).all()
    total = rows[0].matching if rows else 0
    return _drill_page(_cards_from_rows(rows), total, page, capped=bool(filters.q))


def filter_conditions(filters: DrillFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses for `filters` (an empty list matches every drill)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.directions:
        conditions.append(Drill.direction.in_(filters.directions))
    if filters.levels:
        conditions.append(Drill.level.in_(filters.levels))
    if filters.equipment:
        conditions.append(
            exists().where(
                DrillEquipment.drill_id == Drill.id,
                DrillEquipment.name.in_(filters.equipment),
            )
        )
    if filters.q:
        conditions.append(drill_text_matches(filters.q))
    return conditions


# Each direction's drills numbered easiest first: level, then the coach's position, then id.
STEP = func.row_number().over(
    partition_by=Drill.direction,
    order_by=(level_rank(Drill.level), Drill.position, Drill.id),
)
DIRECTION_RANK = direction_rank(Drill.direction)


def library_order(conditions: Sequence[ColumnElement[bool]]) -> Subquery:
    """Every drill matching `conditions`, with the keys of the library order and how many match.

    `step` numbers each direction's drills easiest first (STEP: level, then the coach's
    position, then id). The library shows PER_DIRECTION_IN_A_ROUND drills of each direction in
    turn (extension, flexion, side flexion, rotation), so it sorts by the round a step falls in,
    then the direction, then the step: every direction with a match is on page one however
    many drills another holds, each still reads easiest first, and pages are slices of one
    fixed order (no drill twice, none skipped).
    """
    return (
        select(
            Drill.id,
            DIRECTION_RANK.label("direction_rank"),
            STEP.label("step"),
            func.count().over().label("matching"),
        )
        .where(*conditions)
        .subquery("ordered")
    )


def page_of_drills(conditions: Sequence[ColumnElement[bool]], page: int) -> Select[tuple[Any, ...]]:
    """One page of cards in library order, each row also saying how many drills match
    (bench/drill_filter.py shows the plan).

    The page is cut from the ranked ids alone; only its drills' rows are read for the cards.
    """
    ordered = library_order(conditions)
    in_order = (
        (ordered.c.step - 1) // PER_DIRECTION_IN_A_ROUND,
        ordered.c.direction_rank,
        ordered.c.step,
    )
    on_page = (
        select(
            ordered.c.id,
            ordered.c.matching,
            *(key.label(f"key{n}") for n, key in enumerate(in_order)),
        )
        .order_by(*in_order)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .subquery("on_page")
    )
    return (
        select(*CARD_COLUMNS, on_page.c.matching)
        .join(on_page, on_page.c.id == Drill.id)
        .order_by(on_page.c.key0, on_page.c.key1, on_page.c.key2)
    )


def _drill_page(drills: Sequence[DrillCard], total: int, page: int, capped: bool) -> DrillPage:
    """The page's figures: exact, or "more than COUNT_LIMIT" for a search past it."""
    if capped and total > COUNT_LIMIT:
        more = total > page * PAGE_SIZE
        return DrillPage(drills, COUNT_LIMIT, page, page_count=None, more_follow=more)
    return DrillPage(drills, total, page, page_count=max(1, math.ceil(total / PAGE_SIZE)))


def _cards_from_rows(rows: Sequence[Any]) -> list[DrillCard]:
    """Rows of CARD_COLUMNS as cards, in that order, with what they need (one more SELECT).

    Plain rows, not ORM objects: building a page of Drill instances cost more than finding them.
    """
    ids = [row[0] for row in rows]
    kit: dict[int, list[str]] = {}
    if ids:
        equipment = select(DrillEquipment.drill_id, DrillEquipment.name).where(
            DrillEquipment.drill_id.in_(ids), DrillEquipment.needed
        )
        for drill_id, name in db.session.execute(equipment):
            kit.setdefault(drill_id, []).append(name)
    return [
        DrillCard(
            *row[:8],
            has_motion=bool(row[8]),
            equipment_labels=equipment_labels(kit.get(row[0], ())),
        )
        for row in rows
    ]


def direction_counts() -> dict[str, int]:
    """How many drills each direction holds in the whole library (zero included)."""
    rows = db.session.execute(select(Drill.direction, func.count()).group_by(Drill.direction))
    counts = dict.fromkeys(DIRECTIONS, 0)
    counts.update({direction: count for direction, count in rows})
    return counts
