"""Sent emails (the outbox): every email with where it stands, each readable as its recipient
saw it, and a retry button."""

from __future__ import annotations

from flask import Response, abort, flash, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.models import OutboxMessage
from blueprints.shared.security import CONTENT_SECURITY_POLICY
from blueprints.studio import bp
from blueprints.studio.auth import back_to
from blueprints.studio.forms import EMAIL_STATE_WORDS, OutboxFilterForm
from blueprints.studio.inbox import htmx_row
from blueprints.studio.paging import page_by_key

PAGE_SIZE = 50
RETRYABLE = ("failed", "pending")
# The email's own HTML runs nothing and reaches nothing but pictures: no script, no form, no
# frame of its own, only framed by the studio's page (which adds sandbox="" on its side too).
EMAIL_BODY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox"
)


# The pages that frame an email: the site's own policy, with its own address allowed in a frame.
FRAMING_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-src ", "frame-src 'self' ")


def framing_an_email(page: str) -> Response:
    """A studio page holding an email's frame, with the policy that lets the frame load."""
    response = make_response(page)
    response.headers["Content-Security-Policy"] = FRAMING_PAGE_POLICY
    return response


def email_state(message: OutboxMessage) -> str:
    """Where an email stands, in words: a waiting one that failed before is "Trying again"."""
    if message.status == "pending" and message.attempts:
        return "Trying again"
    return EMAIL_STATE_WORDS.get(message.status, message.status)


@bp.context_processor
def _email_state_words() -> dict[str, object]:
    return {"email_state": email_state}


@bp.get("/outbox")
def outbox() -> ResponseReturnValue:
    """Emails, newest first, filtered by state, fifty to a page."""
    form = OutboxFilterForm(request.args)
    if not form.validate():
        form.status.data = ""
    chosen = [OutboxMessage.status == form.status.data] if form.status.data else []
    # Counted on an index; the rows come by key, never by OFFSET.
    total = db.session.scalar(select(func.count(OutboxMessage.id)).where(*chosen)) or 0
    page = page_by_key(
        select(OutboxMessage).where(*chosen),
        OutboxMessage.created_at,
        OutboxMessage.id,
        request.args.get("after"),
        PAGE_SIZE,
    )
    return render_page_or_partial(
        "studio/outbox.html",
        "studio/_outbox.html",
        form=form,
        messages=page.rows,
        next_key=page.next_key,
        first_page=page.first,
        total=total,
    )


@bp.post("/outbox/<int:message_id>/retry")
def outbox_retry(message_id: int) -> ResponseReturnValue:
    """Send a failed (or waiting) email again now."""
    message = db.get_or_404(OutboxMessage, message_id)
    if message.status not in RETRYABLE:
        state = email_state(message).lower()
        abort(409, description=f"This email is {state}; there is nothing to retry.")
    message.status = "pending"
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    message.attempts = 0  # a fresh set of tries; last_error stays until it is sent
    db.session.info["outbox_wake"] = True  # the background sender picks it up after commit
    db.session.commit()
    done = f"The email to {message.to_addr} will be sent again now."
    if is_htmx_request():
        return htmx_row("studio/_outbox_row.html", done, message=message)
    flash(done, "success")
    return back_to(url_for("studio.outbox"))


@bp.get("/outbox/<int:message_id>")
def outbox_message(message_id: int) -> Response:
    """One email as its recipient saw it: subject, address, both parts, where it stands."""
    message = db.get_or_404(OutboxMessage, message_id)
    return framing_an_email(render_template("studio/outbox_message.html", message=message))


@bp.get("/outbox/<int:message_id>/html")
def outbox_message_html(message_id: int) -> Response:
    """The HTML part alone, for the message page's sandboxed frame (nothing in it can run)."""
    message = db.get_or_404(OutboxMessage, message_id)
    response = make_response(message.body_html or "")
    response.mimetype = "text/html"
    response.headers["Content-Security-Policy"] = EMAIL_BODY_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
