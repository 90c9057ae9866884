"""Emailing an article to the newsletter's readers, from the studio: see it, test it, confirm it.

Ticking "Email it to newsletter readers" and saving brings the coach here; nothing goes out
until she presses the button that names how many readers it will reach. She can first read the
email as a reader will (the HTML in a sandboxed frame, and the plain text) and send herself a
test through the outbox. Confirming records the one send per article (blueprints.newsletter.
sending), which goes when the article is public: at once, or at its scheduled time.
"""

from __future__ import annotations

from flask import Response, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from blueprints.blog.models import Post
from blueprints.newsletter.models import Subscriber
from blueprints.newsletter.sending import send_for, set_send_wanted, wake_newsletter_queuer
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.outbox import html_from_text, queue_email
from blueprints.shared.urls import absolute_url
from blueprints.studio import bp
from blueprints.studio.articles import effective_status
from blueprints.studio.outbox import EMAIL_BODY_POLICY, framing_an_email

TEMPLATE = "newsletter_article"


def reader_count() -> int:
    """How many readers have confirmed their address: who a send would reach now."""
    return db.session.scalar(select(func.count()).where(Subscriber.status == "confirmed")) or 0


def _email_context(post: Post) -> dict[str, object]:
    """What the newsletter email's templates need; the leave link of a sample goes nowhere
    harmful (the newsletter's own page), since a test or preview belongs to no reader."""
    return {
        "post": post,
        "article_url": absolute_url("blog.article", slug=post.slug),
        "unsubscribe_url": absolute_url("newsletter.index"),
    }


def _email_parts(post: Post) -> tuple[str, str]:
    """The text and HTML parts exactly as a reader's copy renders them."""
    context = _email_context(post)
    text = render_template(f"email/{TEMPLATE}.txt", **context)
    html = render_template(f"email/{TEMPLATE}.html", subject=post.title, **context)
    return text, html or html_from_text(text, post.title)


@bp.get("/articles/<int:post_id>/email")
def articles_email(post_id: int) -> ResponseReturnValue:
    """The email as readers will get it, a test for the coach, and the button that sends it."""
    post = db.get_or_404(Post, post_id)
    return _render_page(post, reader_count())


def _render_page(post: Post, readers: int, status: int = 200) -> ResponseReturnValue:
    text, _ = _email_parts(post)
    page = render_template(
        "studio/article_email.html",
        post=post,
        send=send_for(post.id),
        readers=readers,
        public_now=effective_status(post) == "published",
        body_text=text,
        coach_email=current_user.email,
    )
    response = framing_an_email(page)
    response.status_code = status
    return response


@bp.get("/articles/<int:post_id>/email/preview")
def articles_email_preview(post_id: int) -> Response:
    """The HTML part alone, for the page's sandboxed frame."""
    post = db.get_or_404(Post, post_id)
    response = make_response(_email_parts(post)[1])
    response.headers["Content-Security-Policy"] = EMAIL_BODY_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.post("/articles/<int:post_id>/email/test")
def articles_email_test(post_id: int) -> ResponseReturnValue:
    """Send the email to the signed-in coach alone, through the outbox like any other."""
    post = db.get_or_404(Post, post_id)
    queue_email(
        "newsletter-test",
        current_user.email,
        f"Test: {post.title}",
        TEMPLATE,
        **_email_context(post),
    )
    db.session.commit()
    flash(f"A test copy is on its way to {current_user.email}; no reader gets it.", "success")
    return redirect(url_for("studio.articles_email", post_id=post_id), 303)


@bp.post("/articles/<int:post_id>/email/send")
def articles_email_send(post_id: int) -> ResponseReturnValue:
    """Confirmed: email the article to the readers counted on the page the coach saw."""
    post = db.get_or_404(Post, post_id)
    readers = reader_count()
    if request.form.get("readers") != str(readers):
        flash(f"The number of readers has changed to {readers} since you looked.", "error")
        return _render_page(post, readers, 409)
    db.session.commit()
    with serialized_write("studio-content") as session:
        set_send_wanted(session.get(Post, post_id), True)
    wake_newsletter_queuer()
    if effective_status(post) == "published":
        flash(f"\u201c{post.title}\u201d is going to {readers} readers now.", "success")
    else:
        flash(f"\u201c{post.title}\u201d will go to your readers when it is published.", "success")
    return redirect(url_for("studio.articles_email", post_id=post_id), 303)


@bp.post("/articles/<int:post_id>/email/cancel")
def articles_email_cancel(post_id: int) -> ResponseReturnValue:
    """Take back a confirmed email that has not started going out."""
    post = db.get_or_404(Post, post_id)
    db.session.commit()
    with serialized_write("studio-content") as session:
        set_send_wanted(session.get(Post, post_id), False)
    if send_for(post_id) is None:
        flash(f"\u201c{post.title}\u201d will not be emailed.", "success")
    else:
        flash("It has already started going out, so it cannot be stopped.", "error")
    return redirect(url_for("studio.articles_email", post_id=post_id), 303)
