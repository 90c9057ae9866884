"""The articles: list, tag pages, search, the article page and its comments."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from blueprints.blog import bp
from blueprints.blog.comments import RATE_LIMITED_MESSAGE, comment_allowed, save_pending_comment
from blueprints.blog.forms import CommentForm
from blueprints.blog.models import Post
from blueprints.blog.queries import (
    approved_comments,
    embedded_drills,
    is_public,
    posts_tagged,
    public_post_or_404,
    public_posts,
    public_tag_or_404,
    public_tags,
    related_posts,
)
from blueprints.blog.search import MAX_QUERY_LENGTH, MAX_RESULTS, matching_posts
from blueprints.drills.embeds import expand_drill_embeds
from blueprints.shared.extensions import csrf, db
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.http_cache import public_page

PER_PAGE = 10
# Digits only, and few enough that the offset stays a sane SQL integer.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
COMMENT_RECEIVED = (
    "Thank you! Your comment is awaiting approval and will appear here once the coach has read it."
)


def requested_page() -> int:
    """The ?page= number; anything but a plain positive number is a 404."""
    raw = request.args.get("page", "1")
    if not PAGE_NUMBER.fullmatch(raw):
        abort(404)
    return int(raw)


@bp.get("/")
@public_page
def index() -> str:
    """Public articles, newest first, ten to a page."""
    page = db.paginate(public_posts(), page=requested_page(), per_page=PER_PAGE, error_out=True)
    return render_template("blog/index.html", page=page, tags=public_tags())


@bp.get("/tag/<name>")
@public_page
def tag(name: str) -> str:
    """Public articles carrying one tag."""
    chosen = public_tag_or_404(name)
    page = db.paginate(posts_tagged(chosen), page=requested_page(), per_page=PER_PAGE)
    return render_template("blog/tag.html", tag=chosen, page=page, tags=public_tags())


@bp.get("/search")
@public_page
def search() -> Response:
    """Articles whose title, summary or body contain every word; a partial for htmx."""
    query = request.args.get("q", "")[:MAX_QUERY_LENGTH].strip()
    hits = matching_posts(query)
    return render_page_or_partial(
        "blog/search.html",
        "blog/_search_results.html",
        query=query,
        hits=hits,
        max_results=MAX_RESULTS,
    )


@bp.get("/<slug>")
@public_page
def article(slug: str) -> str:
    """One public article with its drills, related reading, comments and a fresh comment form."""
    post = public_post_or_404(slug)
    form = CommentForm()
    form.prime_spam_guard()
    return render_template("blog/article.html", **article_context(post, form))


@bp.post("/<slug>/comments")
@csrf.exempt  # a public page's form: origin_check guards it
def comment(slug: str) -> Response:
    """A reader's comment: stored as pending; spam is dropped while the answer looks the same."""
    post = public_post_or_404(slug)
    form = CommentForm()
    if not form.validate():
        return _comment_form_response(post, form, 422)
    if not form.looks_like_spam():
        if not comment_allowed():
            return _comment_form_response(post, form, 429, form_error=RATE_LIMITED_MESSAGE)
        save_pending_comment(post, form)
    if not is_htmx_request():
        flash(COMMENT_RECEIVED, "success")
        return redirect(url_for("blog.article", slug=slug), 303)
    fresh = CommentForm(formdata=None)
    fresh.prime_spam_guard()
    return _comment_form_response(post, fresh, 200, received=COMMENT_RECEIVED)


@bp.get("/<slug>/cover")
def cover(slug: str) -> Response:
    """The article's uploaded cover image (the coach also sees drafts' covers)."""
    visible = select(Post).where(Post.slug == slug)
    if not current_user.is_authenticated:
        visible = visible.where(is_public())
    post = db.first_or_404(visible)
    if not post.cover_image:
        abort(404)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], post.cover_image, max_age=86400)


def article_context(post: Post, form: CommentForm) -> dict[str, Any]:
    """Everything the article page shows; also used to re-show it with form errors."""
    return {
        "post": post,
        "body": expand_drill_embeds(post.body_html),
        "drills": embedded_drills(post),
        "related": related_posts(post),
        "comments": approved_comments(post),
        "form": form,
    }


def _comment_form_response(post: Post, form: CommentForm, status: int, **extra: Any) -> Response:
    context = article_context(post, form) if not is_htmx_request() else {"post": post, "form": form}
    return render_page_or_partial(
        "blog/article.html", "blog/_comment_form.html", status, **context, **extra
    )
