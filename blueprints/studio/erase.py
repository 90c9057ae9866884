"""Erase a person: everything stored under their email, after a confirmation, with a log entry."""

from __future__ import annotations

import hashlib
import re

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, delete, func, or_, select

from blueprints.blog.models import Comment
from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.me.auth import CLIENT_KIND
from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, SessionLog, SignInLink
from blueprints.newsletter.models import Subscriber
from blueprints.programs.models import Signup
from blueprints.programs.signups import fill_free_places
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage, UserSession
from blueprints.studio import bp
from blueprints.studio.forms import EraseConfirmForm, EraseLookupForm, form_status
from blueprints.studio.models import ErasureLog


def _is(column: ColumnElement[str | None], email: str) -> ColumnElement[bool]:
    return func.lower(column) == email


def _outbox_mentions(email: str) -> ColumnElement[bool]:
    """Emails to, about, or naming `email` anywhere (a coach's notice lists the people promoted)."""
    texts = (OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html)
    candidates = db.session.execute(
        select(OutboxMessage.id, *texts).where(
            or_(*(func.lower(column).contains(email, autoescape=True) for column in texts))
        )
    ).all()
    # The database found the text anywhere; keep only whole addresses (erasing jo@x.org must
    # not take the emails about mary.jo@x.org).
    whole = re.compile(rf"(?<![\w.+-]){re.escape(email)}(?![\w-])", re.IGNORECASE)
    naming = [row.id for row in candidates if any(whole.search(text or "") for text in row[1:])]
    return or_(
        _is(OutboxMessage.subject_email, email),
        _is(OutboxMessage.to_addr, email),
        _is(OutboxMessage.reply_to, email),
        OutboxMessage.id.in_(naming),
    )


def _conditions(email: str) -> dict[str, tuple[type, ColumnElement[bool]]]:
    """What belongs to `email`, table by table, in the order they are deleted (logs before
    their sessions, plans before their client, bookings before their enquiries)."""
    enquiry_ids = select(Enquiry.id).where(_is(Enquiry.email, email))
    client_ids = select(Client.id).where(_is(Client.email, email))
    session_ids = select(SessionLog.id).where(SessionLog.client_id.in_(client_ids))
    plan_ids = select(Plan.id).where(Plan.client_id.in_(client_ids))
    return {
        "drill logs": (DrillLog, DrillLog.session_id.in_(session_ids)),
        "sessions logged": (SessionLog, SessionLog.client_id.in_(client_ids)),
        "plan drills": (PlanDrill, PlanDrill.plan_id.in_(plan_ids)),
        "plans": (Plan, Plan.client_id.in_(client_ids)),
        "sign-in links": (SignInLink, SignInLink.client_id.in_(client_ids)),
        "client sign-ins": (
            UserSession,
            and_(UserSession.subject_kind == CLIENT_KIND, UserSession.subject_id.in_(client_ids)),
        ),
        "client account": (Client, _is(Client.email, email)),
        "bookings": (Booking, Booking.enquiry_id.in_(enquiry_ids)),
        "enquiries": (Enquiry, _is(Enquiry.email, email)),
        "signups": (Signup, _is(Signup.email, email)),
        "comments": (Comment, _is(Comment.email, email)),
        # Their delivery rows go with it (ON DELETE CASCADE); queued copies are in "emails".
        "newsletter subscriptions": (Subscriber, _is(Subscriber.email, email)),
        "emails": (OutboxMessage, _outbox_mentions(email)),
    }


def records_about(email: str) -> dict[str, int]:
    """How many rows of each kind are stored about `email`."""
    return {
        kind: db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        for kind, (model, condition) in _conditions(email.lower()).items()
    }


def erase_person(email: str, erased_by: str) -> int:
    """Delete everything stored about `email` in one transaction and log it; returns the count."""
    email = email.strip().lower()
    with serialized_write("erase-person") as session:
        counts = records_about(email)
        freed_programs = set(
            session.scalars(
                select(Signup.program_id).where(
                    _is(Signup.email, email), Signup.status == "confirmed"
                )
            )
        )
        for model, condition in _conditions(email).values():  # bookings before their enquiries
            session.execute(delete(model).where(condition))
        removed = sum(counts.values())
        session.add(
            ErasureLog(
                email_sha256=hashlib.sha256(email.encode()).hexdigest(),
                rows_removed=removed,
                erased_by=erased_by,
            )
        )
    for program_id in freed_programs:  # the place they held goes to the first person waiting
        fill_free_places(program_id)
    return removed


@bp.route("/erase", methods=["GET", "POST"])
def erase() -> ResponseReturnValue:
    """Step one: whose data? Shows what would be removed; removes nothing."""
    form = EraseLookupForm()
    if not form.validate_on_submit():
        return render_template("studio/erase.html", form=form, log=_recent_log()), form_status(form)
    email = form.email.data.strip().lower()
    counts = records_about(email)
    if not any(counts.values()):
        form.email.errors.append("Nothing is stored under this email address.")
        return render_template("studio/erase.html", form=form, log=_recent_log()), 422
    confirm = EraseConfirmForm(formdata=None, email=email)
    return render_template("studio/erase_confirm.html", form=confirm, email=email, counts=counts)


@bp.post("/erase/confirm")
def erase_confirm() -> ResponseReturnValue:
    """Step two: the coach confirmed; delete and log."""
    form = EraseConfirmForm()
    email = (form.email.data or "").strip().lower()
    if not form.validate():
        counts = records_about(email) if email else {}
        return render_template(
            "studio/erase_confirm.html", form=form, email=email, counts=counts
        ), 422
    erase_person(email, current_user.email)
    flash(f"Erased everything the site held about {email}. Only a note that this happened is kept.")
    return redirect(url_for("studio.erase"))


def _recent_log() -> list[ErasureLog]:
    return list(db.session.scalars(select(ErasureLog).order_by(ErasureLog.at.desc()).limit(20)))
