"""Search over the articles' titles, summaries and bodies (the site's search page and /blog/search).

The visitor's words become query text only through blueprints/shared/fulltext.py.

SQLite: the FTS5 index `post_search`, which the migration's triggers keep in step with every
save and delete. PostgreSQL: its own full-text search over the same columns, through a GIN
index on the weighted document (so there is nothing to keep in step). Any other database: every
word must appear somewhere, via ILIKE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import Float, Integer, and_, bindparam, or_, select, text

from blueprints.blog.models import Post
from blueprints.blog.queries import is_public, public_posts
from blueprints.shared.extensions import db
from blueprints.shared.fulltext import (
    MAX_QUERY_LENGTH,
    fts_match_expression,
    search_terms,
    tsquery_expression,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS",
    "SearchHit",
    "fts_match_expression",
    "matching_posts",
    "search_terms",
    "tsquery_expression",
]

# snippet() costs about half a millisecond per article: show the best few, not every match.
MAX_RESULTS = 20
# Control characters nobody types, so the excerpt can be escaped before the highlights go in.
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"
# Markup that reads badly in a plain-text excerpt: HTML tags, drill markers, link targets, symbols.
MARKDOWN_NOISE = re.compile(r"</?[a-zA-Z][^>\n]*>|\[\[drill:[^\]]*\]\]|\]\([^)]*\)|[#*_`>\[\]|]+")

# Ranking first (title counts most), excerpts afterwards for the few rows shown: snippet() is
# the expensive part, and a common word can match every article.
FTS_RANKED = text(
    "SELECT rowid AS post_id, bm25(post_search, 8.0, 4.0, 1.0) AS score"
    " FROM post_search WHERE post_search MATCH :match"
).columns(post_id=Integer, score=Float)
FTS_EXCERPTS = text(
    "SELECT rowid, snippet(post_search, -1, char(2), char(3), '…', 24)"
    " FROM post_search WHERE post_search MATCH :match AND rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))


# PostgreSQL: the document exactly as the migration's GIN index `ix_post_search` spells it (the
# planner uses the index only for an identical expression, so it is SQL text, never parameters).
PG_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(summary, '')), 'B')"
    " || setweight(to_tsvector('english', coalesce(body_md, '')), 'C')"
)
# Weights for D, C, B, A: body, summary and title in the 1:4:8 proportion FTS5's bm25 uses.
PG_SCORE = f"ts_rank('{{0.1, 0.125, 0.5, 1.0}}', {PG_DOCUMENT}, to_tsquery('english', :match))"
PG_MATCH = f"{PG_DOCUMENT} @@ to_tsquery('english', :match)"
# Only constants are spliced in; the visitor's words are the bound parameter :match.
PG_RANKED = text(
    f"SELECT id AS post_id, {PG_SCORE} AS score FROM post WHERE {PG_MATCH}"  # noqa: S608
).columns(post_id=Integer, score=Float)
PG_EXCERPTS = text(
    "SELECT id, ts_headline('english', body_md, to_tsquery('english', :match), :options)"
    " FROM post WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
PG_HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=24, MinWords=12, ShortWord=2"
)


@dataclass(frozen=True)
class SearchHit:
    """One matching article and the passage that matched, with the words marked."""

    post: Post
    excerpt: Markup


def matching_posts(query: str, limit: int = MAX_RESULTS) -> list[SearchHit]:
    """Public articles matching every word of `query`, best first."""
    terms = search_terms(query)
    if not terms:
        return []
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        return _fts_matches(terms, limit)
    if dialect == "postgresql":
        return _postgres_matches(terms, limit)
    return _ilike_matches(terms, limit)


def _fts_matches(terms: list[str], limit: int) -> list[SearchHit]:
    match = fts_match_expression(terms)
    ranked = FTS_RANKED.bindparams(match=match).subquery("ranked")
    # Sort ids only: sorting whole rows would drag every matching body through the sort.
    ids = db.session.scalars(
        select(Post.id)
        .join(ranked, ranked.c.post_id == Post.id)
        .where(is_public())
        .order_by(ranked.c.score, Post.published_at.desc())
        .limit(limit)
    ).all()
    if not ids:
        return []
    excerpts = dict(db.session.execute(FTS_EXCERPTS, {"match": match, "ids": ids}).all())
    return _hits(ids, excerpts)


def _postgres_matches(terms: list[str], limit: int) -> list[SearchHit]:
    match = tsquery_expression(terms)
    ranked = PG_RANKED.bindparams(match=match).subquery("ranked")
    ids = db.session.scalars(
        select(Post.id)
        .join(ranked, ranked.c.post_id == Post.id)
        .where(is_public())
        .order_by(ranked.c.score.desc(), Post.published_at.desc())
        .limit(limit)
    ).all()
    if not ids:
        return []
    excerpts = dict(
        db.session.execute(
            PG_EXCERPTS, {"match": match, "ids": ids, "options": PG_HEADLINE_OPTIONS}
        ).all()
    )
    return _hits(ids, excerpts)


def _hits(ids: list[int], excerpts: dict[int, str]) -> list[SearchHit]:
    """The articles `ids`, in that order, each with its raw excerpt made safe."""
    posts = {post.id: post for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))}
    return [
        SearchHit(posts[post_id], _excerpt(posts[post_id], excerpts.get(post_id)))
        for post_id in ids
    ]


def _ilike_matches(terms: list[str], limit: int) -> list[SearchHit]:
    def anywhere(term: str):  # type: ignore[no-untyped-def]
        literal = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{literal}%"
        columns = (Post.title, Post.summary, Post.body_md)
        return or_(*(column.ilike(pattern, escape="\\") for column in columns))

    posts = db.session.scalars(
        public_posts().where(and_(*(anywhere(term) for term in terms))).limit(limit)
    ).all()
    return [SearchHit(post, escape(post.summary)) for post in posts]


def _excerpt(post: Post, raw: str | None) -> Markup:
    """The matched passage, escaped, words in <mark>; the summary when only the title matched."""
    # PostgreSQL's headline leaves a space where each tag was: runs of spaces read as one.
    cleaned = " ".join(MARKDOWN_NOISE.sub("", raw or "").split())
    plain = cleaned.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
    if HIGHLIGHT_START not in cleaned or plain == post.title:
        return escape(post.summary)
    return (
        escape(cleaned)
        .replace(HIGHLIGHT_START, Markup("<mark>"))
        .replace(HIGHLIGHT_END, Markup("</mark>"))
    )
