"""Cancelling a program place or a waiting-list entry: the studio says first who is emailed and
who gets the place next, and only the confirmation's own button does it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from blueprints.programs.models import Signup
from blueprints.programs.signups import cancel_signup
from blueprints.shared.extensions import db
from blueprints.studio import bp


class ConfirmForm(FlaskForm):
    """Just the CSRF token, sent by the confirmation page's button."""


def next_in_line(signup: Signup) -> Signup | None:
    """Who would move up from the waiting list if this place were cancelled now, if anyone."""
    program = signup.program
    if signup.status != "confirmed" or program.capacity is None:
        return None
    holding = db.session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(Signup.program_id == program.id, Signup.status == "confirmed")
    )
    if holding - 1 >= program.capacity:
        return None  # over capacity already: the freed place is not a free place
    return db.session.scalar(
        select(Signup)
        .where(Signup.program_id == program.id, Signup.status == "waitlisted")
        .order_by(Signup.waitlist_position, Signup.id)
        .limit(1)
    )


@bp.route("/programs/signups/<int:signup_id>/cancel", methods=["GET", "POST"])
def programs_cancel_signup(signup_id: int) -> ResponseReturnValue:
    """Ask (who is emailed, who moves up), then cancel the place and promote the next person."""
    signup = db.get_or_404(Signup, signup_id)
    if signup.status == "cancelled":
        abort(409, description="This place was already cancelled.")
    form = ConfirmForm()
    back = url_for("studio.programs_signups", program_id=signup.program_id)
    if request.form.get("confirmed") != "yes" or not form.validate():
        return render_template(
            "studio/signup_cancel.html",
            signup=signup,
            next_person=next_in_line(signup),
            back=back,
        )
    name, email = signup.name, signup.email
    # The coach did it: no note to herself, but the person is told.
    promoted = cancel_signup(signup, notify_coach=False, by_coach=True)
    message = f"Cancelled the place of {name}; {email} has been emailed."
    if promoted is not None:
        message += (
            f" {promoted.name} moved up from the waiting list and {promoted.email} "
            "has been emailed."
        )
    flash(message, "success")
    return redirect(back)
