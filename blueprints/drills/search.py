"""Search over the drills' names, summaries, steps, cues, mistakes and progressions.

The same approach as the articles (blueprints/blog/search.py): SQLite's FTS5 index
`drill_search`, which the migration's triggers keep in step with every save and delete;
PostgreSQL's own full-text search through the GIN index `ix_drill_search` on the weighted
document below (the database updates it on every write). Any other database: every word must
appear somewhere, via LIKE. The visitor's words become query text only through
blueprints/shared/fulltext.py. Used by the site's search page and the library's `q` filter.

A word that names a direction or level ("rotation", "twist", "beginner":
blueprints/drills/search_words.py) also matches every drill filed under it; such a query is one
plain select, each word matching the text or the drill's direction or level, in library order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Float, Integer, Row, and_, false, func, or_, select, text
from sqlalchemy.sql.elements import ColumnElement

from blueprints.drills.models import Drill, direction_rank, level_rank
from blueprints.drills.search_words import filed_under, named_by_each
from blueprints.shared.extensions import db
from blueprints.shared.fulltext import fts_match_expression, search_terms, tsquery_expression

MAX_RESULTS = 10
# Matches are counted up to here: past it a page says "100+" (nobody needs 9,988 spelled out), and
# counting stops after COUNT_LIMIT + 1, so a word every drill uses costs no pass over the library.
COUNT_LIMIT = 100
TEXT_COLUMNS = (
    Drill.name,
    Drill.summary,
    Drill.steps,
    Drill.cues,
    Drill.mistakes,
    Drill.progression,
)

FTS_IDS = "SELECT rowid FROM drill_search WHERE drill_search MATCH :match"
# Best first, in tiers: every word in the name, then in the summary, then anywhere; oldest first
# within a tier. Each tier reads only as many index entries as it shows (LIMIT, no sort), so the
# cost does not grow with the number of matches: bm25() would score every one of them, and a
# word every drill uses would cost a pass over the library.
FTS_TIERS = ("{name} : ", "{summary} : ", "")
FTS_TIER = text(f"{FTS_IDS} LIMIT :limit").columns(rowid=Integer)
FTS_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM drill_search WHERE drill_search MATCH :match LIMIT :cap)"
)

# PostgreSQL: the document exactly as the migration's GIN index spells it (the planner uses the
# index only for an identical expression, so it is SQL text, never parameters).
PG_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(summary, '')), 'B')"
    " || setweight(to_tsvector('english', coalesce(steps, '') || ' ' || coalesce(cues, '')"
    " || ' ' || coalesce(mistakes, '') || ' ' || coalesce(progression, '')), 'C')"
)
PG_MATCH = f"{PG_DOCUMENT} @@ to_tsquery('english', :match)"
# Weights for D, C, B, A: the rest, summary and name in FTS5's 1:4:8 proportion.
PG_SCORE = f"ts_rank('{{0.1, 0.125, 0.5, 1.0}}', {PG_DOCUMENT}, to_tsquery('english', :match))"
# Only constants are spliced in; the visitor's words are the bound parameter :match.
PG_RANKED = text(
    f"SELECT id AS drill_id, {PG_SCORE} AS score FROM drill WHERE {PG_MATCH}"  # noqa: S608
    " ORDER BY score DESC, id LIMIT :limit"
).columns(drill_id=Integer, score=Float)
PG_COUNT = text(
    f"SELECT count(*) FROM (SELECT 1 FROM drill WHERE {PG_MATCH} LIMIT :cap) AS capped"  # noqa: S608
)

# What a search result shows: the name, direction and level, the summary. Plain rows, not ORM
# objects: building ten Drill instances cost more than finding them.
RESULT_COLUMNS = (Drill.id, Drill.slug, Drill.name, Drill.direction, Drill.level, Drill.summary)


@dataclass(frozen=True)
class DrillHits:
    """The best few drills for a query, best first, and how many match (up to COUNT_LIMIT + 1)."""

    drills: Sequence[Row]
    total: int

    @property
    def total_is_exact(self) -> bool:
        """False when more than COUNT_LIMIT drills match (then `total` says COUNT_LIMIT + 1)."""
        return self.total <= COUNT_LIMIT

    @property
    def total_label(self) -> str:
        """The count as a page shows it: "7", or "100+" past COUNT_LIMIT."""
        return str(self.total) if self.total_is_exact else f"{COUNT_LIMIT}+"


def drill_text_matches(query: str) -> ColumnElement[bool]:
    """A WHERE clause: the drill holds every word of `query` (nothing matches without words)."""
    terms = search_terms(query)
    if not terms:
        return false()
    if _names_a_filing(terms):
        return _every_word_in_text_or_filing(terms)
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        # SQLite reads the matches into a temporary b-tree once per place this clause is written
        # in a statement (not per row): the library writes it once per statement.
        found = text(FTS_IDS).bindparams(match=fts_match_expression(terms)).columns(rowid=Integer)
        return Drill.id.in_(found)
    if dialect == "postgresql":
        return text(PG_MATCH).bindparams(match=tsquery_expression(terms))
    return and_(*(_anywhere(term) for term in terms))


def matching_drills(query: str, limit: int = MAX_RESULTS) -> DrillHits:
    """The drills holding every word of `query`, best first (the name counts most)."""
    terms = search_terms(query)
    if not terms:
        return DrillHits(drills=[], total=0)
    if _names_a_filing(terms):
        return _in_library_order(_every_word_in_text_or_filing(terms), limit)
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        return _fts_tiers(fts_match_expression(terms), limit)
    if dialect == "postgresql":
        return _postgres_ranked(tsquery_expression(terms), limit)
    condition = and_(*(_anywhere(term) for term in terms))
    capped = select(Drill.id).where(condition).limit(COUNT_LIMIT + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(capped)) or 0
    drills = db.session.execute(
        select(*RESULT_COLUMNS).where(condition).order_by(Drill.id).limit(limit)
    ).all()
    return DrillHits(drills=drills, total=total)


def _names_a_filing(terms: list[str]) -> bool:
    """Does any word name a direction or level?"""
    return any(named_by_each(terms))


def _every_word_in_text_or_filing(terms: list[str]) -> ColumnElement[bool]:
    """Each word in the drill's text, or naming the drill's direction or level."""
    dialect = db.session.get_bind().dialect.name
    clauses = []
    for i, (term, named) in enumerate(zip(terms, named_by_each(terms), strict=True)):
        in_text = _word_in_text(term, i == len(terms) - 1, dialect, i)
        clauses.append(or_(in_text, filed_under(named)))
    return and_(*clauses)


def _word_in_text(term: str, last: bool, dialect: str, key: int) -> ColumnElement[bool]:
    """One word in the drill's text (the last one as a prefix); `key` names its parameter."""
    if dialect == "sqlite":
        match = fts_match_expression([term]) if last else f'"{term}"'
        ids = text(FTS_IDS.replace(":match", f":match_{key}"))  # only the int key is spliced
        return Drill.id.in_(ids.bindparams(**{f"match_{key}": match}).columns(rowid=Integer))
    if dialect == "postgresql":
        query = tsquery_expression([term]) if last else f"'{term}'"
        # A stop word ("out", "with") makes an empty tsquery that matches nothing alone; in the
        # whole query PostgreSQL leaves it out, so here it is left out too (always true).
        condition = (
            f"(numnode(to_tsquery('english', :match_{key})) = 0 OR "
            + PG_MATCH.replace(":match", f":match_{key}")
            + ")"
        )
        return text(condition).bindparams(**{f"match_{key}": query})
    return _anywhere(term)


def _in_library_order(condition: ColumnElement[bool], limit: int) -> DrillHits:
    capped = select(Drill.id).where(condition).limit(COUNT_LIMIT + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(capped)) or 0
    order = (direction_rank(), level_rank(), Drill.position, Drill.id)
    drills = db.session.execute(
        select(*RESULT_COLUMNS).where(condition).order_by(*order).limit(limit)
    ).all()
    return DrillHits(drills=drills, total=total)


def _fts_tiers(match: str, limit: int) -> DrillHits:
    ids: list[int] = []
    for column in FTS_TIERS:
        if len(ids) == limit:
            break
        tier = db.session.scalars(
            FTS_TIER, {"match": f"{column}({match})", "limit": limit + len(ids)}
        )
        ids += [drill_id for drill_id in tier if drill_id not in ids][: limit - len(ids)]
    cap = COUNT_LIMIT + 1
    total = db.session.scalar(FTS_COUNT, {"match": match, "cap": cap}) or 0 if ids else 0
    return DrillHits(drills=_drills_in_order(ids), total=total)


def _postgres_ranked(match: str, limit: int) -> DrillHits:
    ids = db.session.scalars(PG_RANKED, {"match": match, "limit": limit}).all()
    cap = COUNT_LIMIT + 1
    total = db.session.scalar(PG_COUNT, {"match": match, "cap": cap}) or 0 if ids else 0
    return DrillHits(drills=_drills_in_order(ids), total=total)


def _drills_in_order(ids: Sequence[int]) -> list[Row]:
    """The drills `ids`, as rows of RESULT_COLUMNS for a result list, in that order."""
    if not ids:
        return []
    rows = db.session.execute(select(*RESULT_COLUMNS).where(Drill.id.in_(ids)))
    by_id = {row.id: row for row in rows}
    return [by_id[drill_id] for drill_id in ids]


def _anywhere(term: str) -> ColumnElement[bool]:
    literal = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(column.ilike(f"%{literal}%", escape="\\") for column in TEXT_COLUMNS))
