"""The dashboard: what needs the coach's attention now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from blueprints.blog.models import Comment
from blueprints.contact.models import Booking, Enquiry
from blueprints.newsletter.sending import last_send
from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.studio import bp

RECENT_SIGNUP_DAYS = 7
LIST_LENGTH = 8


def _count(query: Select[Any]) -> int:
    """How many rows `query` would give, counted on its index (no subquery of whole rows)."""
    return db.session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True)) or 0


@bp.get("/")
def index() -> str:
    """New enquiries, the next consultations, new signups and waitlists, comments, failed mail."""
    now = utcnow()
    new_enquiries = select(Enquiry).where(Enquiry.status == "new")
    upcoming = select(Booking).where(Booking.status == "confirmed", Booking.starts_at >= now)
    recent_signups = select(Signup).where(
        Signup.status != "cancelled", Signup.created_at >= now - timedelta(days=RECENT_SIGNUP_DAYS)
    )
    pending_comments = select(Comment).where(Comment.status == "pending")
    failed_mail = select(OutboxMessage).where(OutboxMessage.status == "failed")
    waitlists = db.session.execute(
        select(Program, func.count(Signup.id))
        .join(Signup)
        .where(Signup.status == "waitlisted")
        .group_by(Program.id)
        .order_by(Program.title)
    ).all()
    return render_template(
        "studio/dashboard.html",
        new_enquiries=db.session.scalars(
            new_enquiries.order_by(Enquiry.created_at.desc()).limit(LIST_LENGTH)
        ).all(),
        new_enquiry_count=_count(new_enquiries),
        upcoming=db.session.scalars(
            upcoming.options(joinedload(Booking.enquiry))
            .order_by(Booking.starts_at)
            .limit(LIST_LENGTH)
        ).all(),
        upcoming_count=_count(upcoming),
        recent_signups=db.session.scalars(
            recent_signups.options(joinedload(Signup.program))
            .order_by(Signup.created_at.desc())
            .limit(LIST_LENGTH)
        ).all(),
        recent_signup_count=_count(recent_signups),
        waitlists=waitlists,
        pending_comment_count=_count(pending_comments),
        failed_mail_count=_count(failed_mail),
        recent_signup_days=RECENT_SIGNUP_DAYS,
        last_newsletter=last_send(),
    )
