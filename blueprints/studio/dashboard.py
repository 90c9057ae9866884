"""The dashboard: red flags first, then her day and week, then what else needs a look."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template
from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import joinedload

from blueprints.blog.models import Comment
from blueprints.booking.models import Booking
from blueprints.contact.models import RED_FLAGS, Enquiry
from blueprints.me.models import RED_FLAGS as LOG_RED_FLAGS
from blueprints.newsletter.sending import last_send
from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.studio import bp
from blueprints.studio.seen import seen_marks
from blueprints.studio.week import flagged_clients, past_sessions, red_flag_enquiries, week_ahead

RECENT_SIGNUP_DAYS = 7
LIST_LENGTH = 8


def _counted(query: Select[Any]) -> ScalarSelect[int]:
    """How many rows `query` would give, as a subquery counted on its index."""
    return query.with_only_columns(func.count(), maintain_column_froms=True).scalar_subquery()


@bp.get("/")
def index() -> str:
    """Red flags, today and the week by day, sessions to mark, then enquiries, signups, mail."""
    now = utcnow()
    # Red-flag enquiries are listed apart, first: the routine list leaves them out.
    new_enquiries = select(Enquiry).where(Enquiry.status == "new", Enquiry.red_flags == "")
    upcoming = select(Booking).where(Booking.status == "confirmed", Booking.starts_at >= now)
    recent_signups = select(Signup).where(
        Signup.status != "cancelled", Signup.created_at >= now - timedelta(days=RECENT_SIGNUP_DAYS)
    )
    # Every count in one statement, each answered from an index.
    counts = db.session.execute(
        select(
            _counted(new_enquiries).label("new_enquiries"),
            _counted(upcoming).label("upcoming"),
            _counted(recent_signups).label("recent_signups"),
            _counted(select(Comment).where(Comment.status == "pending")).label("comments"),
            _counted(select(OutboxMessage).where(OutboxMessage.status == "failed")).label("failed"),
        )
    ).one()
    waitlists = db.session.execute(
        select(Program.id, Program.title, func.count(Signup.id))
        .join(Signup)
        .where(Signup.status == "waitlisted")
        .group_by(Program.id, Program.title)
        .order_by(Program.title)
    ).all()
    alert_enquiries = red_flag_enquiries()
    alert_clients = flagged_clients()
    return render_template(
        "studio/dashboard.html",
        alert_enquiries=alert_enquiries,
        alert_clients=alert_clients,
        enquiry_seen=seen_marks("enquiry", {e.id: None for e in alert_enquiries}),
        client_seen=seen_marks("client", {f.client.id: f.client.flagged_at for f in alert_clients}),
        red_flags=RED_FLAGS,
        log_red_flags=LOG_RED_FLAGS,
        week=week_ahead(now),
        past=past_sessions(now),
        new_enquiries=db.session.scalars(
            new_enquiries.order_by(Enquiry.created_at.desc(), Enquiry.id.desc()).limit(LIST_LENGTH)
        ).all(),
        new_enquiry_count=counts.new_enquiries,
        upcoming=db.session.scalars(
            upcoming.options(joinedload(Booking.enquiry))
            .order_by(Booking.starts_at)
            .limit(LIST_LENGTH)
        ).all(),
        upcoming_count=counts.upcoming,
        recent_signups=db.session.scalars(
            recent_signups.options(joinedload(Signup.program))
            .order_by(Signup.created_at.desc(), Signup.id.desc())
            .limit(LIST_LENGTH)
        ).all(),
        recent_signup_count=counts.recent_signups,
        waitlists=waitlists,
        pending_comment_count=counts.comments,
        failed_mail_count=counts.failed,
        recent_signup_days=RECENT_SIGNUP_DAYS,
        last_newsletter=last_send(),
    )
