"""Article list and article page (foundation version; the blog issue grows this)."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from app import db
from blueprints.blog import bp
from blueprints.blog.models import Post
from blueprints.blog.queries import is_public, public_posts
from blueprints.shared.markdown import expand_drill_embeds


@bp.get("/")
def index() -> str:
    """Public articles, newest first."""
    posts = db.session.scalars(public_posts()).all()
    return render_template("blog/index.html", posts=posts)


@bp.get("/<slug>")
def article(slug: str) -> str:
    """One public article; drafts and scheduled posts are 404."""
    post = db.first_or_404(select(Post).where(Post.slug == slug, is_public()))
    return render_template("blog/article.html", post=post, body=expand_drill_embeds(post.body_html))
