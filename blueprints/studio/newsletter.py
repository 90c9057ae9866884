"""The newsletter in the studio: counts, the list, a CSV export, removing one, recent sends."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from blueprints.newsletter.models import SUBSCRIBER_STATES, NewsletterSend, Subscriber
from blueprints.newsletter.sending import send_summary
from blueprints.newsletter.subscriptions import remove_subscriber
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.exports import csv_download, rows_by_key
from blueprints.studio.paging import page_by_key

PAGE_SIZE = 100
RECENT_SENDS = 5
STATE_WORDS = {
    "pending": "Waiting for confirmation",
    "confirmed": "Confirmed",
    "unsubscribed": "Unsubscribed",
}


def subscriber_counts() -> dict[str, int]:
    """How many addresses are confirmed, pending and unsubscribed."""
    by_status = select(Subscriber.status, func.count()).group_by(Subscriber.status)
    counts = dict(db.session.execute(by_status).all())
    return {status: counts.get(status, 0) for status in SUBSCRIBER_STATES}


@bp.get("/newsletter")
def newsletter() -> ResponseReturnValue:
    """Counts, the recent sends, and the subscribers (one state at a time, a hundred a page)."""
    status = request.args.get("status", "confirmed")
    if status not in SUBSCRIBER_STATES:
        abort(404)
    counts = subscriber_counts()
    page = page_by_key(
        select(Subscriber).where(Subscriber.status == status),
        Subscriber.created_at,
        Subscriber.id,
        request.args.get("after"),
        PAGE_SIZE,
    )
    sends = db.session.scalars(
        select(NewsletterSend).order_by(NewsletterSend.id.desc()).limit(RECENT_SENDS)
    ).all()
    return render_template(
        "studio/newsletter.html",
        counts=counts,
        status=status,
        states=SUBSCRIBER_STATES,
        state_words=STATE_WORDS,
        subscribers=page.rows,
        next_key=page.next_key,
        first_page=page.first,
        sends=[send_summary(send) for send in sends],
    )


@bp.get("/newsletter/subscribers.csv")
def newsletter_export() -> Response:
    """Every subscriber as CSV (spreadsheet-safe, times in the coach's zone)."""
    header = ("email", "status", "subscribed", "confirmed", "unsubscribed")
    query = select(
        Subscriber.email, Subscriber.status, Subscriber.created_at, Subscriber.confirmed_at,
        Subscriber.unsubscribed_at, Subscriber.id,
    )  # fmt: skip
    rows = (
        (row[0], STATE_WORDS[row[1]], *row[2:-1])
        for row in rows_by_key(query, (Subscriber.created_at, Subscriber.id))
    )
    return csv_download("newsletter-subscribers", header, rows)


@bp.route("/newsletter/<int:subscriber_id>/remove", methods=["GET", "POST"])
def newsletter_remove(subscriber_id: int) -> ResponseReturnValue:
    """Ask, then delete one subscriber and any newsletter still queued for them."""
    subscriber = db.get_or_404(Subscriber, subscriber_id)
    if request.method == "GET":
        return render_template(
            "studio/confirm_delete.html",
            thing=subscriber.email,
            action=url_for("studio.newsletter_remove", subscriber_id=subscriber_id),
            back=url_for("studio.newsletter", status=subscriber.status),
        )
    status = subscriber.status
    email = remove_subscriber(subscriber_id)
    flash(f"Removed {email} from the newsletter.", "success")
    return redirect(url_for("studio.newsletter", status=status), 303)
