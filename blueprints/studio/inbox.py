"""The inbox: enquiries with a status (new, answered, archived), and comments to moderate."""

from __future__ import annotations

import json

from flask import abort, flash, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from blueprints.blog.models import COMMENT_STATUSES, Comment
from blueprints.contact.models import PAIN_DURATIONS, RED_FLAGS, TOPICS, Enquiry
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.studio import bp
from blueprints.studio.auth import back_to
from blueprints.studio.forms import EnquiryFilterForm, EnquiryStatusForm
from blueprints.studio.paging import page_by_key
from blueprints.studio.words import came_from

PAGE_SIZE = 50
STATUS_WORDS = {"new": "marked as new", "answered": "marked as answered", "archived": "archived"}


def htmx_row(template: str, done: str, **context: object) -> ResponseReturnValue:
    """The one table row an htmx action replaces (an empty answer removes the row).

    `done` says in words what happened: once the row has settled, site.js reads it out in the
    studio's live region and moves the focus on to the next row (HX-Trigger-After-Settle).
    """
    body = render_template(template, **context) if template else ""
    response = make_response(body)
    response.headers["HX-Trigger-After-Settle"] = json.dumps({"studio-done": done})
    return response


@bp.get("/inbox")
def inbox() -> ResponseReturnValue:
    """Enquiries, newest first, filtered by status (the filter's URL can be shared), by pages."""
    form = EnquiryFilterForm(request.args)
    if not form.validate():
        form.status.data = "new"
    # One query for the rows' bookings, not one each.
    query = select(Enquiry).options(selectinload(Enquiry.booking))
    if form.status.data:
        query = query.where(Enquiry.status == form.status.data)
    page = page_by_key(query, Enquiry.created_at, Enquiry.id, request.args.get("after"), PAGE_SIZE)
    return render_page_or_partial(
        "studio/inbox.html",
        "studio/_enquiries.html",
        form=form,
        enquiries=page.rows,
        next_key=page.next_key,
        first_page=page.first,
        topics=TOPICS,
    )


@bp.get("/inbox/enquiries/<int:enquiry_id>")
def inbox_enquiry(enquiry_id: int) -> str:
    """One enquiry in full, with its booking if it has one."""
    enquiry = db.get_or_404(Enquiry, enquiry_id)
    return render_template(
        "studio/enquiry.html",
        enquiry=enquiry,
        topics=TOPICS,
        pain_durations=PAIN_DURATIONS,
        red_flags=RED_FLAGS,
        came_from=came_from,
    )


@bp.post("/inbox/enquiries/<int:enquiry_id>/status")
def inbox_enquiry_status(enquiry_id: int) -> ResponseReturnValue:
    """Mark an enquiry new, answered or archived."""
    enquiry = db.get_or_404(Enquiry, enquiry_id)
    form = EnquiryStatusForm()
    if not form.validate():
        abort(400, description="Choose new, answered or archived.")
    enquiry.status = form.status.data
    db.session.commit()
    done = f"The enquiry from {enquiry.name} is {STATUS_WORDS[enquiry.status]}."
    if is_htmx_request():
        return htmx_row("studio/_enquiry_row.html", done, enquiry=enquiry, topics=TOPICS)
    flash(done, "success")
    return back_to(url_for("studio.inbox"))


@bp.get("/inbox/comments")
def inbox_comments() -> str:
    """Comments waiting for approval (or the approved ones), newest first, by pages."""
    status = request.args.get("status", "pending")
    if status not in COMMENT_STATUSES:
        status = "pending"
    counts = dict(
        db.session.execute(select(Comment.status, func.count()).group_by(Comment.status)).all()
    )
    page = page_by_key(
        select(Comment).options(selectinload(Comment.post)).where(Comment.status == status),
        Comment.created_at,
        Comment.id,
        request.args.get("after"),
        PAGE_SIZE,
    )
    return render_template(
        "studio/comments.html",
        status=status,
        counts={state: counts.get(state, 0) for state in COMMENT_STATUSES},
        comments=page.rows,
        next_key=page.next_key,
        first_page=page.first,
    )


@bp.post("/inbox/comments/<int:comment_id>/approve")
def inbox_comment_approve(comment_id: int) -> ResponseReturnValue:
    """Show a comment under its article."""
    comment = db.get_or_404(Comment, comment_id)
    comment.status = "approved"
    db.session.commit()
    done = f"Approved the comment by {comment.name}."
    if is_htmx_request():
        return htmx_row("studio/_comment_row.html", done, comment=comment)
    flash(done, "success")
    return back_to(url_for("studio.inbox_comments"))


@bp.post("/inbox/comments/<int:comment_id>/delete")
def inbox_comment_delete(comment_id: int) -> ResponseReturnValue:
    """Delete a comment for good."""
    comment = db.get_or_404(Comment, comment_id)
    name = comment.name
    db.session.delete(comment)
    db.session.commit()
    done = f"Deleted the comment by {name}."
    if is_htmx_request():
        return htmx_row("", done)
    flash(done, "success")
    return back_to(url_for("studio.inbox_comments"))
