"""'Seen' marks: the coach notes that she has looked at an item that needed a look, with when.

An item stays where it is (a red flag is answered in the inbox or cleared on the client's page);
the mark only tells her, or a colleague, that someone has already read it.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from blueprints.contact.models import Enquiry
from blueprints.me.models import Client
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request
from blueprints.studio import bp
from blueprints.studio.auth import back_to
from blueprints.studio.models import SeenMark

KINDS = {"enquiry": Enquiry, "client": Client}


def seen_marks(kind: str, since: dict[int, datetime | None]) -> dict[int, SeenMark]:
    """The marks on these items, by item id; a mark made before an item's `since` (a newer red
    flag, a newer session) is out of date and left out, so the item asks for a look again."""
    if not since:
        return {}
    marks = db.session.scalars(
        select(SeenMark).where(SeenMark.kind == kind, SeenMark.item_id.in_(list(since)))
    )
    return {
        mark.item_id: mark
        for mark in marks
        if since[mark.item_id] is None or mark.seen_at >= since[mark.item_id]
    }


@bp.post("/seen/<kind>/<int:item_id>")
def mark_seen(kind: str, item_id: int) -> ResponseReturnValue:
    """Mark an item seen by the coach signed in, now (a later look replaces an earlier one)."""
    model = KINDS.get(kind)
    if model is None:
        abort(404)
    db.get_or_404(model, item_id)
    mark = db.session.scalar(
        select(SeenMark).where(SeenMark.kind == kind, SeenMark.item_id == item_id)
    )
    if mark is None:
        mark = SeenMark(kind=kind, item_id=item_id)
        db.session.add(mark)
    mark.seen_by, mark.seen_at = current_user.email, utcnow()
    db.session.commit()
    news = f"Marked seen by {mark.seen_by}."
    if is_htmx_request():
        return render_template("studio/_seen.html", kind=kind, item=item_id, mark=mark, news=news)
    flash(news, "success")
    return back_to(url_for("studio.index"))
