"""The outbox: every email with its state and last error, and a retry button."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request, render_page_or_partial
from blueprints.shared.models import OutboxMessage
from blueprints.studio import bp
from blueprints.studio.auth import back_to
from blueprints.studio.forms import OutboxFilterForm
from blueprints.studio.inbox import htmx_row
from blueprints.studio.paging import page_by_key

PAGE_SIZE = 50
RETRYABLE = ("failed", "pending")


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
        abort(409, description=f"This email is {message.status}; there is nothing to retry.")
    message.status = "pending"
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    message.attempts = 0  # a fresh set of tries; last_error stays until it is sent
    db.session.info["outbox_wake"] = True  # the background sender picks it up after commit
    db.session.commit()
    if is_htmx_request():
        return htmx_row("studio/_outbox_row.html", message=message)
    flash(f"The email to {message.to_addr} will be sent again now.", "success")
    return back_to(url_for("studio.outbox"))
