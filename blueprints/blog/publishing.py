"""Saving an article: render its Markdown once, and record the drills it embeds."""

from __future__ import annotations

from sqlalchemy import select

from blueprints.blog.models import Post, PostDrill
from blueprints.drills.models import Drill
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.markdown import render_markdown

# Addresses under /blog/ that are pages of their own: an article with such a slug is unreachable.
RESERVED_SLUGS = frozenset({"search"})


def apply_body(post: Post, body_md: str) -> list[str]:
    """Set the Markdown, its sanitised HTML and the embed links; returns unknown drill slugs."""
    rendered = render_markdown(body_md)
    post.body_md = body_md
    post.body_html = rendered.html
    post.word_count = rendered.word_count
    post.updated_at = utcnow()
    drills = {
        drill.slug: drill
        for drill in db.session.scalars(select(Drill).where(Drill.slug.in_(rendered.drill_slugs)))
    }
    post.embedded_drills = [
        PostDrill(drill_id=drills[slug].id, position=index)
        for index, slug in enumerate(rendered.drill_slugs)
        if slug in drills
    ]
    return [slug for slug in rendered.drill_slugs if slug not in drills]
