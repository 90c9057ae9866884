"""The drill library's filters: read from the query string, turned into one SQL query.

How a query string is read (the rules the tests hold us to):
- `direction`, `level` and `equipment` may each appear several times (the form's checkboxes send
  one value per ticked box); a drill matches if it has ANY of the values given for a field, and
  ALL the fields given. `equipment=none` matches drills that can be done with no equipment, even
  if they list kit for loading them later.
- An unknown value for one of those is dropped and reported back as a visible note, so an old
  shared link still shows the library instead of an error.
- `q` (words that must all appear in the drill's text, searched as the site's search page does:
  blueprints/drills/search.py) and `page` may appear once. Two of either, or a `q` longer than
  MAX_QUERY_LENGTH, is a 400 with a message: there is no sensible guess at what was meant.
- A `page` that is not a whole number from 1 is ignored (page 1, with a note); so is a page past
  the end of the results (see `drills_matching`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, Subquery, exists, func, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.datastructures import MultiDict

from blueprints.drills.models import (
    DIRECTIONS,
    EQUIPMENT,
    LEVELS,
    Drill,
    DrillEquipment,
    direction_rank,
    equipment_labels,
    level_rank,
)
from blueprints.drills.search import COUNT_LIMIT, drill_text_matches
from blueprints.shared.extensions import db
from blueprints.shared.fulltext import (
    MAX_QUERY_LENGTH,
    fts_match_expression,
    query_error,
    search_terms,
)

PAGE_SIZE = 12
# How many drills of one direction come before the next direction's turn (see drills_matching):
# a quarter of a page, so page one has room for the easiest few of all four directions.
PER_DIRECTION_IN_A_ROUND = PAGE_SIZE // len(DIRECTIONS)
DIRECTION_ORDER = {direction: rank for rank, direction in enumerate(DIRECTIONS)}
LEVEL_ORDER = {level: rank for rank, level in enumerate(LEVELS)}
# `_walk_near` first looks for a search's matches among this many times as many drills as it
# needs from each direction and level: enough for a word in most drills, and no more (with
# 10,000 drills each one read costs about 3 microseconds; the pass over the matches ~1.7 ms).
NEAR_FACTOR = 1.5
MAX_PAGE_DIGITS = 6  # a page number longer than this is not a page number
NOTE_VALUE_LENGTH = 40  # how much of an unknown value we repeat back
NOTE_VALUE_COUNT = 3

CHOICES: dict[str, Mapping[str, str]] = {
    "direction": DIRECTIONS,
    "level": LEVELS,
    "equipment": EQUIPMENT,
}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class DrillFilters:
    """What a visitor asked the library for, already checked against what we know."""

    directions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    q: str = ""
    page: int = 1
    notes: tuple[str, ...] = ()  # values we ignored, told back to the visitor
    errors: Mapping[str, str] = field(default_factory=dict)  # field -> why the request is a 400

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> DrillFilters:
        """Read the query string by the rules in this module's docstring."""
        notes: list[str] = []
        errors: dict[str, str] = {}
        chosen = {name: _known_values(name, args.getlist(name), notes) for name in CHOICES}
        q = _single(args, "q", "search", errors)
        if too_long := query_error(q):
            errors["q"] = too_long
            q = q[:MAX_QUERY_LENGTH]
        page = _page_number(_single(args, "page", "page number", errors), notes)
        return cls(
            directions=chosen["direction"],
            levels=chosen["level"],
            equipment=chosen["equipment"],
            q=" ".join(_CONTROL_CHARACTERS.sub(" ", q).split()),
            page=page,
            notes=tuple(notes),
            errors=errors,
        )

    @property
    def is_active(self) -> bool:
        """True when anything narrows the library."""
        return bool(self.directions or self.levels or self.equipment or self.q)

    def query_args(self, page: int = 1) -> dict[str, list[str] | str | int]:
        """Clean arguments for url_for(): known values only, defaults and bad fields left out."""
        args: dict[str, list[str] | str | int] = {}
        for name, values in (
            ("direction", self.directions),
            ("level", self.levels),
            ("equipment", self.equipment),
        ):
            if values:
                args[name] = list(values)
        if self.q and "q" not in self.errors:
            args["q"] = self.q
        if page > 1:
            args["page"] = page
        return args


def _known_values(name: str, raw: list[str], notes: list[str]) -> tuple[str, ...]:
    choices = CHOICES[name]
    given = {value.strip(): None for value in raw}  # ordered, without repeats
    unknown = [value for value in given if value and value not in choices]
    if unknown:
        notes.append(_unknown_note(name, unknown))
    # Keep the order the library shows them in, so equal filters give equal URLs.
    return tuple(key for key in choices if key in given)


def _unknown_note(name: str, unknown: list[str]) -> str:
    shown = [_shorten(value) for value in unknown[:NOTE_VALUE_COUNT]]
    listed = ", ".join(f"“{value}”" for value in shown)
    more = len(unknown) - len(shown)
    extra = f" and {more} more" if more > 0 else ""
    if len(unknown) == 1:
        return f"We don't know the {name} {listed}, so we left it out."
    return f"We don't know the {name} values {listed}{extra}, so we left them out."


def _shorten(value: str) -> str:
    value = _CONTROL_CHARACTERS.sub(" ", value)
    return value if len(value) <= NOTE_VALUE_LENGTH else value[: NOTE_VALUE_LENGTH - 1] + "…"


def _single(args: MultiDict[str, str], name: str, label: str, errors: dict[str, str]) -> str:
    values = args.getlist(name)
    if len(values) > 1:
        errors[name] = f"The address gives the {label} more than once; please give it once."
    return values[0] if values else ""


def _page_number(raw: str, notes: list[str]) -> int:
    raw = raw.strip()
    if not raw:
        return 1
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS and int(raw) >= 1:
        return int(raw)
    notes.append(f"“{_shorten(raw)}” is not a page number, so here is the first page.")
    return 1


@dataclass(frozen=True)
class DrillPage:
    """One page of matching drills and where it sits in the whole result.

    With search words, matches are counted only up to COUNT_LIMIT (see `_searched_page`): past
    it `total_is_exact` is False, `total` is COUNT_LIMIT and the page count is unknown (None).
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


def library_order(
    filters: DrillFilters, conditions: Sequence[ColumnElement[bool]], page: int
) -> Subquery:
    """The drills that can be on pages 1..`page`, each with the keys of the library order.

    Each direction's drills are numbered easiest first ("step": level, then the coach's
    position, then id). A drill at step s has at least s - 1 drills before it in the library, so
    pages 1..page only hold drills whose step is at most page * PAGE_SIZE: among the first that
    many of each direction and level (read in index order, LIMIT), not the whole library. Steps
    counted among those are the true steps up to that bound; anything past it sorts after
    (the bound is a whole number of rounds), so the order of pages 1..page is exact.
    """
    enough = page * PAGE_SIZE
    branches = [
        select(Drill.id, Drill.direction, Drill.level, Drill.position)
        .where(Drill.direction == direction, Drill.level == level, *conditions)
        .order_by(Drill.position, Drill.id)
        .limit(enough)
        .subquery()
        for direction in filters.directions or DIRECTIONS
        for level in filters.levels or LEVELS
    ]
    candidates = union_all(*(select(*branch.c) for branch in branches)).subquery("candidates")
    step = func.row_number().over(
        partition_by=candidates.c.direction,
        order_by=(level_rank(candidates.c.level), candidates.c.position, candidates.c.id),
    )
    return select(
        candidates.c.id,
        direction_rank(candidates.c.direction).label("direction_rank"),
        step.label("step"),
    ).subquery("ordered")


def drills_matching(filters: DrillFilters) -> DrillPage:
    """The page of drills `filters` asks for, in library order, with the total.

    Library order: each direction's matching drills are numbered easiest first (level, then the
    coach's position, then id), and taken PER_DIRECTION_IN_A_ROUND at a time from each direction
    in turn (extension, flexion, side flexion, rotation). So every direction that has a match
    shows on page one however many drills another direction holds, each direction still reads
    easiest first, and pages are slices of one fixed order (no drill twice, none skipped).
    Two queries plus one for the equipment of the whole page, however many drills match; the
    cards are plain rows (DrillCard), not ORM objects, which cost more to build than the query;
    the ordering only sorts the drills pages 1..page can hold (`library_order`).
    A page past the end falls back to page 1 (the template says so). With search words the
    matches are counted only past COUNT_LIMIT (`_count_cap`), and on SQLite the page is read by
    `_searched_page` (same order, same count).
    """
    if filters.q and db.session.get_bind().dialect.name == "sqlite":
        return _searched_page(filters)
    if not filters.q:
        chosen = (filters.directions, filters.levels, filters.equipment)
        total = db.session.scalar(_count_statement(*chosen)) or 0
        page = _reachable(filters.page, total)
        rows = db.session.execute(_page_statement(*chosen, page)).all()
        return _drill_page(_cards_from_rows(rows), total, page, counted_to_a_cap=False)
    conditions = filter_conditions(filters)
    capped = select(Drill.id).where(*conditions).limit(_count_cap(filters.page)).subquery()
    total = db.session.scalar(select(func.count()).select_from(capped)) or 0
    page = _reachable(filters.page, total)
    rows = db.session.execute(page_of_drills(filters, conditions, page)).all()
    return _drill_page(_cards_from_rows(rows), total, page, counted_to_a_cap=True)


# Building the library's statement (a UNION of up to twelve direction x level branches) cost more
# than running it: most of a cache miss. Without search words it depends only on the choices
# below, a small set, so each is built once per process (statements are immutable and hold no
# connection) and SQLAlchemy's compiled cache takes it from there.
@lru_cache(maxsize=64)
def _count_statement(
    directions: tuple[str, ...], levels: tuple[str, ...], equipment: tuple[str, ...]
) -> Select[tuple[int]]:
    conditions = filter_conditions(DrillFilters(directions, levels, equipment))
    return select(func.count()).select_from(Drill).where(*conditions)


@lru_cache(maxsize=256)
def _page_statement(
    directions: tuple[str, ...], levels: tuple[str, ...], equipment: tuple[str, ...], page: int
) -> Select[tuple[Any, ...]]:
    filters = DrillFilters(directions, levels, equipment, page=page)
    return page_of_drills(filters, filter_conditions(filters), page)


def _count_cap(page: int) -> int:
    """How far a search's matches are counted: past COUNT_LIMIT and past `page`, by one."""
    return max(COUNT_LIMIT, page * PAGE_SIZE) + 1


def _reachable(page: int, counted: int) -> int:
    """`page` if it holds drills, else 1 (`counted` is at least min(total, _count_cap(page)))."""
    return page if counted > (page - 1) * PAGE_SIZE else 1


def _drill_page(
    drills: Sequence[DrillCard], counted: int, page: int, counted_to_a_cap: bool
) -> DrillPage:
    """The page's figures: exact, or "more than COUNT_LIMIT" when a search counted past it."""
    if counted_to_a_cap and counted > COUNT_LIMIT:
        more = counted > page * PAGE_SIZE
        return DrillPage(drills, COUNT_LIMIT, page, page_count=None, more_follow=more)
    return DrillPage(drills, counted, page, page_count=max(1, math.ceil(counted / PAGE_SIZE)))


def _searched_page(filters: DrillFilters) -> DrillPage:
    """drills_matching with search words, on SQLite: the same page and count, read differently.

    The text condition (`id IN (the full-text index's matches)`) costs a temporary b-tree of every
    match, once per place it is written in a statement; the UNION of library_order writes it once
    per direction and level, so a word every drill uses cost twelve passes. Here it is written
    once, in a correlated subquery run for each direction and level (SQLite builds the b-tree on
    the first run and keeps it): each run walks that group's index in library order and stops
    after a few matches (`_walk_limits`), which also counts them (exactly, or past COUNT_LIMIT).
    That b-tree still holds every match (a word every drill uses: the whole library), so the
    first walk is tried among the first few drills of each group (`_walk_near`), which reads the
    full-text index without keeping it; only when some group has too few matches there does
    `_walk` run. Python then orders the first page * PAGE_SIZE of each direction as
    `library_order` does in SQL, and the page's cards are read by id. Three statements, as in
    the other path (four or five in the cases `_walk_near` and `_walk_limits` explain); plain SQL
    run on the connection, because building them with SQLAlchemy cost more than running them.
    """
    terms = search_terms(filters.q)
    if not terms:  # nothing searchable (punctuation only): nothing matches, as drill_text_matches
        return _drill_page([], 0, 1, counted_to_a_cap=True)
    groups = [(d, lv) for d in filters.directions or DIRECTIONS for lv in filters.levels or LEVELS]
    enough = filters.page * PAGE_SIZE
    match = fts_match_expression(terms)
    near = _walk_near(filters, match, groups)
    if near is not None:
        walked, counted = near
    else:  # too few matches among each group's first drills to tell: read them all
        first, then = _walk_limits(len(groups), filters.page)
        walked = _walk(filters, match, groups, first)
        counts = [_count_ids(joined) for joined in walked.values()]
        counted = sum(counts)
        if first in counts and counted <= COUNT_LIMIT and then > first:
            # Some group stopped at `first` and the count is not past COUNT_LIMIT yet: read on.
            walked = _walk(filters, match, groups, then)
            counted = sum(_count_ids(joined) for joined in walked.values())
    found: dict[str, list[str]] = {}
    for (direction, _level), joined in sorted(walked.items(), key=_easiest_first):
        if joined:
            # The first `enough` ids of the group, split off without splitting the rest.
            found.setdefault(direction, []).extend(joined.split(",", enough)[:enough])
    page = _reachable(filters.page, counted)
    return _drill_page(_cards(_in_library_order(found, page)), counted, page, counted_to_a_cap=True)


def _walk_limits(groups: int, page: int) -> tuple[int, int]:
    """How many matches to read from each (direction, level): first a share of COUNT_LIMIT + 1
    and at least enough + 1 (so a full group shows that more pages follow); then, only if some
    group stopped at that limit while all of them together found no more than COUNT_LIMIT,
    COUNT_LIMIT + 1 from each, so the count is exact or certainly past the limit."""
    first = max(page * PAGE_SIZE + 1, math.ceil((COUNT_LIMIT + 1) / groups))
    return first, max(first, _count_cap(page))


def _walk(
    filters: DrillFilters, match: str, groups: Sequence[tuple[str, str]], limit: int
) -> dict[tuple[str, str], str]:
    """Per (direction, level): the ids of its first `limit` matches in library order, joined."""
    parameters = (
        *filters.equipment,
        match,
        limit,
        *(value for group in groups for value in group),
    )
    rows = db.session.connection().exec_driver_sql(
        _walk_sql(len(groups), len(filters.equipment)), parameters
    )
    return {(direction, level): joined or "" for direction, level, joined in rows}


def _walk_near(
    filters: DrillFilters, match: str, groups: Sequence[tuple[str, str]]
) -> tuple[dict[tuple[str, str], str], int] | None:
    """The matches `_searched_page` needs, looked for among the first few drills of each
    (direction, level) in library order, and the count; None when those cannot tell.

    What is needed: each direction's first page * PAGE_SIZE matches (easiest level first), and
    a count that is exact or at least _count_cap (then the page says "more than COUNT_LIMIT").
    So a direction's easiest level is read for the page's share, NEAR_FACTOR times over; the
    other levels only for their share of the count (unless the easier ones run out, which
    the answer None reports). A group read to its end is known whole.

    `_walk` puts every match of the words into a b-tree (a word every drill uses: the whole
    library) before walking the groups; here the full-text index's matches are still read once
    (a prefix word's are merged in full in any case), but each is only checked against those
    few drills and dropped, so nothing as large as the library is built.
    """
    enough = filters.page * PAGE_SIZE
    cap = _count_cap(filters.page)
    share = math.ceil(cap / len(groups))
    easiest = groups[0][1]
    reads = [
        math.ceil(NEAR_FACTOR * (max(enough, share) if level == easiest else share))
        for _direction, level in groups
    ]
    parameters = (
        *(
            value
            for (d, lv), read in zip(groups, reads, strict=True)
            for value in (d, lv, *filters.equipment, read)
        ),
        match,
    )
    rows = db.session.connection().exec_driver_sql(
        _walk_near_sql(len(groups), len(filters.equipment)), parameters
    )
    read = [0] * len(groups)
    found: list[list[str]] = [[] for _ in groups]
    for group, drill_id, matches in rows:
        read[group] += 1
        if matches:
            found[group].append(str(drill_id))
    walked = {pair: ",".join(ids) for pair, ids in zip(groups, found, strict=True)}
    whole = {pair: n < most for pair, n, most in zip(groups, read, reads, strict=True)}
    counted = sum(len(ids) for ids in found)
    if not all(whole.values()) and counted < cap:
        return None  # the count is neither exact nor past the cap
    have: dict[str, int] = {}
    for direction, level in groups:  # each direction's levels, easiest first
        known = have.get(direction, 0)
        if known >= enough:
            continue
        if not whole[direction, level] and known + _count_ids(walked[direction, level]) < enough:
            return None  # this direction's first `enough` matches are not all among those read
        have[direction] = known + _count_ids(walked[direction, level])
    return walked, counted


def _count_ids(joined: str) -> int:
    """How many ids `joined` holds (commas counted in C, not split)."""
    return joined.count(",") + 1 if joined else 0


@lru_cache(maxsize=64)
def _walk_sql(groups: int, kit: int) -> str:
    """The walk for `groups` (direction, level) pairs and `kit` equipment names, as SQLite SQL.

    Parameters in order: the equipment names, the FTS5 query, the cap, then the pairs. The same
    conditions as filter_conditions: equipment is "any of", direction and level are the pair's.
    """
    # Only question marks are spliced in; every value is a parameter.
    marks = ", ".join("?" * kit)
    kit_clause = ""
    if kit:
        kit_clause = (
            " AND EXISTS (SELECT 1 FROM drill_equipment AS e"  # noqa: S608
            f" WHERE e.drill_id = d.id AND e.name IN ({marks}))"
        )
    return (
        "SELECT g.column1, g.column2, (SELECT group_concat(id) FROM (SELECT d.id FROM drill AS d"  # noqa: S608
        f" WHERE d.direction = g.column1 AND d.level = g.column2{kit_clause}"
        " AND d.id IN (SELECT rowid FROM drill_search WHERE drill_search MATCH ?)"
        " ORDER BY d.position, d.id LIMIT ?))"
        f" FROM (VALUES {', '.join(['(?, ?)'] * groups)}) AS g"
    )


@lru_cache(maxsize=64)
def _walk_near_sql(groups: int, kit: int) -> str:
    """`_walk_near` for `groups` pairs and `kit` equipment names, as SQLite SQL.

    Parameters in order: per pair its direction, level, the equipment names and the number of
    drills to read; then the FTS5 query. A row per drill read: its pair's number in the list,
    its id and whether it matches, pair by pair, each in library order (a few hundred rows at
    most; aggregating them per pair in SQL cost more than reading them). `near`
    (the drills read) is built first; the full-text index is then read once, in a join against
    it (CROSS JOIN: in that order; a lookup per drill would redo the whole full-text query each
    time, which for a prefix means merging every word it starts), so each match costs a
    Bloom-filter check, not an insert into a b-tree of every match as in `_walk`.
    """
    marks = ", ".join("?" * kit)
    kit_clause = ""
    if kit:
        kit_clause = (
            " AND EXISTS (SELECT 1 FROM drill_equipment AS e"  # noqa: S608
            f" WHERE e.drill_id = d.id AND e.name IN ({marks}))"
        )
    read = " UNION ALL ".join(
        f"SELECT {group}, position, id FROM (SELECT d.id, d.position FROM drill AS d"  # noqa: S608
        f" WHERE d.direction = ? AND d.level = ?{kit_clause} ORDER BY d.position, d.id LIMIT ?)"
        for group in range(groups)
    )
    return (
        f"WITH near(grp, position, id) AS MATERIALIZED ({read}),"  # noqa: S608
        " found(id) AS (SELECT drill_search.rowid FROM drill_search CROSS JOIN near"
        " ON near.id = drill_search.rowid WHERE drill_search MATCH ?)"
        " SELECT grp, id, id IN found FROM near ORDER BY grp, position, id"
    )


def _easiest_first(group: tuple[tuple[str, str], str]) -> int:
    """Sort key for ((direction, level), ids): beginner first."""
    return LEVEL_ORDER[group[0][1]]


def _in_library_order(found: Mapping[str, Sequence[str]], page: int) -> list[int]:
    """The ids on `page`, given each direction's first page * PAGE_SIZE matches easiest first."""
    enough = page * PAGE_SIZE
    keyed = [
        ((step // PER_DIRECTION_IN_A_ROUND, DIRECTION_ORDER[direction], step), int(drill_id))
        for direction, ids in found.items()
        for step, drill_id in enumerate(ids[:enough])
    ]
    keyed.sort()
    return [drill_id for _, drill_id in keyed[(page - 1) * PAGE_SIZE : enough]]


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


def _cards_from_rows(rows: Sequence[Any]) -> list[DrillCard]:
    """Rows of CARD_COLUMNS as cards, in that order, with their equipment (one more SELECT)."""
    ids = [row[0] for row in rows]
    kit: dict[int, list[str]] = {}
    if ids:
        equipment = select(DrillEquipment.drill_id, DrillEquipment.name).where(
            DrillEquipment.drill_id.in_(ids)
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


CARD_SQL = (
    "SELECT id, slug, name, direction, level, summary, poster_file, updated_at,"
    " length(motion) > 0 FROM drill WHERE id IN ({})"
)
CARD_KIT_SQL = "SELECT drill_id, name FROM drill_equipment WHERE drill_id IN ({})"


def _cards(ids: Sequence[int]) -> list[DrillCard]:
    """The drills `ids` as cards, in that order (SQLite): two plain SELECTs, no ORM objects to
    build (building them cost more than finding the drills)."""
    if not ids:
        return []
    connection = db.session.connection()
    marks = ", ".join("?" * len(ids))
    kit: dict[int, list[str]] = {}
    for drill_id, name in connection.exec_driver_sql(CARD_KIT_SQL.format(marks), tuple(ids)):
        kit.setdefault(drill_id, []).append(name)
    by_id = {
        row[0]: DrillCard(
            *row[:7],
            updated_at=datetime.fromisoformat(row[7]),  # as SQLAlchemy stores it on SQLite
            has_motion=bool(row[8]),
            equipment_labels=equipment_labels(kit.get(row[0], ())),
        )
        for row in connection.exec_driver_sql(CARD_SQL.format(marks), tuple(ids))
    }
    return [by_id[drill_id] for drill_id in ids]


def page_of_drills(
    filters: DrillFilters, conditions: Sequence[ColumnElement[bool]], page: int
) -> Select[tuple[Any, ...]]:
    """The SELECT for one page of cards in library order (bench/drill_filter.py shows its plan)."""
    ordered = library_order(filters, conditions, page)
    return (
        select(*CARD_COLUMNS)
        .join(ordered, ordered.c.id == Drill.id)
        .order_by(
            (ordered.c.step - 1) // PER_DIRECTION_IN_A_ROUND,
            ordered.c.direction_rank,
            ordered.c.step,
        )
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )


def direction_counts() -> dict[str, int]:
    """How many drills each direction holds in the whole library (zero included)."""
    rows = db.session.execute(select(Drill.direction, func.count()).group_by(Drill.direction))
    counts = dict.fromkeys(DIRECTIONS, 0)
    counts.update({direction: count for direction, count in rows})
    return counts
