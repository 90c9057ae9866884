"""The page a visitor came from, named for the coach (a reference like 'article:slug')."""

from __future__ import annotations

from sqlalchemy import select

from blueprints.shared.extensions import db


def describe_context(context: str) -> str:
    """'the article "Title"' for a reference like 'article:slug'; empty if unknown."""
    kind, _, slug = context.partition(":")
    if not slug:
        return ""
    from blueprints.blog.models import Post
    from blueprints.blog.queries import is_public
    from blueprints.drills.models import Drill
    from blueprints.programs.models import Program

    lookups = {
        "article": (Post.title, Post.slug, "the article"),
        "drill": (Drill.name, Drill.slug, "the drill"),
        "program": (Program.title, Program.slug, "the program"),
    }
    if kind not in lookups:
        return ""
    title_column, slug_column, label = lookups[kind]
    query = select(title_column).where(slug_column == slug)
    if kind == "article":  # a draft's title is the coach's until it is published
        query = query.where(is_public())
    title = db.session.scalar(query)
    return f"{label} \u201c{title}\u201d" if title else ""
