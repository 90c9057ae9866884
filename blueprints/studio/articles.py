"""Articles: list, write with a live preview, publish, schedule, unpublish, delete."""

from __future__ import annotations

from datetime import datetime

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from blueprints.blog.models import Post, Tag
from blueprints.blog.publishing import apply_body
from blueprints.drills.embeds import expand_drill_embeds
from blueprints.newsletter.sending import send_for, set_send_wanted, wake_newsletter_queuer
from blueprints.shared.clock import coach_local_to_utc, utc_to_coach_local, utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.htmx import render_page_or_partial
from blueprints.shared.markdown import render_markdown
from blueprints.studio import bp
from blueprints.studio.drill_picker import drills_named, embed_line
from blueprints.studio.editor_forms import ArticleForm, parse_tags
from blueprints.studio.forms import form_status
from blueprints.studio.slugs import SlugTaken, free_slug, slug_taken, slugify
from blueprints.studio.uploads import remove_upload, store_bytes

SLUG_TAKEN = "Another article already uses this address; choose a different one."
PREVIEW_MAX_CHARS = 200_000


def effective_status(post: Post) -> str:
    """What a reader sees: a scheduled post whose time has come is simply published."""
    if post.status in ("published", "scheduled") and post.published_at is not None:
        return "published" if post.published_at <= utcnow() else "scheduled"
    return "draft"


def publication_date(post: Post) -> datetime:
    """The date an article published now carries: the first one if it was public before (taken
    back to draft since), else now (a scheduled one published early, or a first publication)."""
    if post.published_at is not None and post.published_at <= utcnow():
        return post.published_at
    return utcnow()


@bp.get("/articles")
def articles() -> str:
    """Every article, most recently edited first."""
    posts = db.session.scalars(select(Post).order_by(Post.updated_at.desc(), Post.id.desc())).all()
    return render_template("studio/articles.html", posts=posts, effective_status=effective_status)


@bp.route("/articles/new", methods=["GET", "POST"])
def articles_new() -> ResponseReturnValue:
    """Write a new article."""
    form = ArticleForm()
    if form.validate_on_submit() and (post := _save_article(form, None)) is not None:
        return _after_save(form, post.id)
    return _render_editor(form, None)


@bp.route("/articles/<int:post_id>/edit", methods=["GET", "POST"])
def articles_edit(post_id: int) -> ResponseReturnValue:
    """Edit an article, its cover and when it appears."""
    post = db.get_or_404(Post, post_id)
    has_cover = bool(post.cover_image)
    if request.method == "GET":
        form = ArticleForm(obj=post, has_cover=has_cover)
        _fill_publication(form, post)
    else:  # only what was posted: a field missing from the request never falls back to the row
        form = ArticleForm(has_cover=has_cover)
        db.session.commit()  # hold SQLite's write lock only to save, not while an image is read
        if form.validate() and _save_article(form, post_id) is not None:
            return _after_save(form, post_id)
    return _render_editor(form, post)


def _after_save(form: ArticleForm, post_id: int) -> ResponseReturnValue:
    """Back to the editor; or, when the coach ticked the newsletter box for an article not yet
    emailed, on to the page that shows the email and asks her to confirm it."""
    if form.email_subscribers.data and send_for(post_id) is None:
        return redirect(url_for("studio.articles_email", post_id=post_id))
    return redirect(url_for("studio.articles_edit", post_id=post_id))


def _fill_publication(form: ArticleForm, post: Post) -> None:
    form.tags.data = ", ".join(tag.name for tag in post.tags)
    form.publication.data = effective_status(post)
    form.email_subscribers.data = send_for(post.id) is not None
    if post.published_at is not None and form.publication.data == "scheduled":
        form.publish_at.data = utc_to_coach_local(post.published_at)


def _render_editor(form: ArticleForm, post: Post | None) -> ResponseReturnValue:
    source = form.body_md.data or ""
    drills, total = drills_named("")
    return render_template(
        "studio/article_form.html",
        form=form,
        post=post,
        drills=drills,
        total=total,
        words="",
        embed_line=embed_line,
        in_editor=True,
        newsletter_send=send_for(post.id) if post else None,
        preview=expand_drill_embeds(render_markdown(source).html, preview=True),
    ), form_status(form)


def _save_article(form: ArticleForm, post_id: int | None) -> Post | None:
    """Write the form into a new or existing post; None (with a slug error) on a clash."""
    new_cover = store_bytes(form.cover_jpeg, ".jpg") if form.cover_jpeg else None
    try:
        with serialized_write("studio-content") as session:
            post = session.get(Post, post_id) if post_id else Post()
            old_cover = post.cover_image
            _apply_fields(form, post, new_cover)
            unknown = apply_body(post, form.body_md.data or "")
            session.add(post)
            session.flush()  # the newsletter send refers to the post by id
            if send_for(post.id) is not None:  # a new send waits for the coach to confirm it
                set_send_wanted(post, bool(form.email_subscribers.data))
    except SlugTaken:
        form.slug.errors.append(SLUG_TAKEN)
        remove_upload(new_cover)
        return None
    except BaseException:
        remove_upload(new_cover)
        raise
    if old_cover and old_cover != post.cover_image:
        remove_upload(old_cover)
    wake_newsletter_queuer()  # if it is public now and ticked, the emails go out in the background
    flash(f"Saved \u201c{post.title}\u201d.", "success")
    if unknown:
        missing = ", ".join(unknown)
        flash(f"The article names a drill the library does not have ({missing}).", "error")
    return post


def _apply_fields(form: ArticleForm, post: Post, new_cover: str | None) -> None:
    slug = form.slug.data or free_slug(Post.slug, slugify(form.title.data), post.id)
    if slug_taken(Post.slug, slug, post.id):
        raise SlugTaken(slug)
    post.slug = slug
    post.title = form.title.data.strip()
    post.summary = (form.summary.data or "").strip()
    post.tags = _tags_named(parse_tags(form.tags.data))
    if new_cover:
        post.cover_image = new_cover
    elif form.remove_cover.data:
        post.cover_image = ""
    post.cover_alt = (form.cover_alt.data or "").strip() if post.cover_image else ""
    _apply_publication(post, form)


def _apply_publication(post: Post, form: ArticleForm) -> None:
    choice = form.publication.data
    if choice == "scheduled":
        post.status, post.published_at = "scheduled", coach_local_to_utc(form.publish_at.data)
    elif choice == "published":
        post.published_at = publication_date(post)
        post.status = "published"
    else:
        post.status = "draft"  # published_at stays: publishing again keeps the first date


def _tags_named(names: list[str]) -> list[Tag]:
    existing = {
        tag.name.lower(): tag
        for tag in db.session.scalars(
            select(Tag).where(func.lower(Tag.name).in_([name.lower() for name in names]))
        )
    }
    return [existing.get(name.lower()) or Tag(name=name) for name in names]


@bp.post("/articles/preview")
def articles_preview() -> ResponseReturnValue:
    """The article as readers will see it, drill cards included, warnings for unknown drills."""
    source = request.form.get("body_md", "")[:PREVIEW_MAX_CHARS]
    rendered = render_markdown(source)
    return render_page_or_partial(
        "studio/article_preview.html",
        "studio/_article_preview.html",
        preview=expand_drill_embeds(rendered.html, preview=True),
        word_count=rendered.word_count,
    )


@bp.post("/articles/<int:post_id>/publish")
def articles_publish(post_id: int) -> ResponseReturnValue:
    """Publish now."""
    post = db.get_or_404(Post, post_id)
    post.published_at = publication_date(post)
    post.status = "published"
    db.session.commit()
    wake_newsletter_queuer()
    flash(f"\u201c{post.title}\u201d is published.", "success")
    return redirect(url_for("studio.articles"))


@bp.post("/articles/<int:post_id>/unpublish")
def articles_unpublish(post_id: int) -> ResponseReturnValue:
    """Take an article (or a scheduled one) back to draft."""
    post = db.get_or_404(Post, post_id)
    # Its first publication date is kept: published again, it returns to its place in the list.
    post.status = "draft"
    db.session.commit()
    flash(f"\u201c{post.title}\u201d is a draft again; readers no longer see it.", "success")
    return redirect(url_for("studio.articles"))


@bp.route("/articles/<int:post_id>/delete", methods=["GET", "POST"])
def articles_delete(post_id: int) -> ResponseReturnValue:
    """Ask, then delete an article with its comments."""
    post = db.get_or_404(Post, post_id)
    if request.method == "GET":
        return render_template(
            "studio/confirm_delete.html",
            thing=post.title,
            action=url_for("studio.articles_delete", post_id=post_id),
            back=url_for("studio.articles_edit", post_id=post_id),
        )
    cover, title = post.cover_image, post.title
    db.session.delete(post)
    db.session.commit()
    remove_upload(cover)
    flash(f"Deleted \u201c{title}\u201d.", "success")
    return redirect(url_for("studio.articles"))


@bp.get("/articles/<int:post_id>/cover")
def articles_cover(post_id: int) -> ResponseReturnValue:
    """The stored cover image, for the editor."""
    post = db.get_or_404(Post, post_id)
    if not post.cover_image:
        abort(404)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], post.cover_image)
