"""Erase a person: everything stored under their email, after a confirmation, with a log entry."""

from __future__ import annotations

import hashlib

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import ColumnElement, delete, func, or_, select

from blueprints.blog.models import Comment
from blueprints.contact.models import Booking, Enquiry
from blueprints.newsletter.models import Subscriber
from blueprints.programs.models import Signup
from blueprints.programs.signups import fill_free_places
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.studio import bp
from blueprints.studio.forms import EraseConfirmForm, EraseLookupForm, form_status
from blueprints.studio.models import ErasureLog


def _is(column: ColumnElement[str | None], email: str) -> ColumnElement[bool]:
    return func.lower(column) == email


def _conditions(email: str) -> dict[str, tuple[type, ColumnElement[bool]]]:
    """What belongs to `email`, table by table (bookings go with their enquiries)."""
    enquiry_ids = select(Enquiry.id).where(_is(Enquiry.email, email))
    return {
        "bookings": (Booking, Booking.enquiry_id.in_(enquiry_ids)),
        "enquiries": (Enquiry, _is(Enquiry.email, email)),
        "signups": (Signup, _is(Signup.email, email)),
        "comments": (Comment, _is(Comment.email, email)),
        # Their delivery rows go with it (ON DELETE CASCADE); queued copies are in "emails".
        "newsletter subscriptions": (Subscriber, _is(Subscriber.email, email)),
        "emails": (
            OutboxMessage,
            or_(_is(OutboxMessage.subject_email, email), _is(OutboxMessage.to_addr, email)),
        ),
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
    removed = erase_person(email, current_user.email)
    flash(f"Erased {removed} record(s) about {email}. Only a note that this happened is kept.")
    return redirect(url_for("studio.erase"))


def _recent_log() -> list[ErasureLog]:
    return list(db.session.scalars(select(ErasureLog).order_by(ErasureLog.at.desc()).limit(20)))
