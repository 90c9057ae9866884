"""The emails a signup causes, queued in the outbox inside the signup's own transaction."""

from __future__ import annotations

from flask import current_app

from blueprints.programs.models import Program, Signup
from blueprints.shared.outbox import queue_email
from blueprints.shared.urls import absolute_url


def queue_signup_emails(program: Program, signup: Signup, cancel_url: str) -> None:
    """The confirmation or waitlist notice to the person, and a note to the coach."""
    if signup.status == "waitlisted":
        kind, template = "program-waitlisted", "signup_waitlisted"
        subject = f"You're on the waitlist for {program.title} (number {signup.waitlist_position})"
    else:
        kind, template = "program-confirmed", "signup_confirmed"
        subject = f"Your place on {program.title} is confirmed"
    queue_email(
        kind, signup.email, subject, template, program=program, signup=signup, cancel_url=cancel_url
    )
    status = f"waitlist #{signup.waitlist_position}" if signup.status == "waitlisted" else "place"
    queue_email(
        "program-signup-coach",
        current_app.config["COACH_EMAIL"],
        f"New signup ({status}): {signup.name}, {program.title}",
        "signup_coach",
        reply_to=signup.email,
        about=signup.email,
        program=program,
        signup=signup,
    )


def queue_already_signed_up(program: Program, signup: Signup, cancel_url: str) -> None:
    """Someone signed this address up again: tell its owner, and nobody else, where they stand.

    The coach gets a note too, as for a new signup: both answers then take the same work (two
    emails), so their time tells a stranger nothing either (N5).
    """
    queue_email(
        "program-already-signed-up",
        signup.email,
        f"You are already signed up for {program.title}",
        "signup_already",
        program=program,
        signup=signup,
        cancel_url=cancel_url,
    )
    queue_email(
        "program-signup-again-coach",
        current_app.config["COACH_EMAIL"],
        f"Signed up again (nothing changed): {signup.name}, {program.title}",
        "signup_again_coach",
        reply_to=signup.email,
        about=signup.email,
        program=program,
        signup=signup,
    )


def queue_promotion_email(program: Program, signup: Signup, cancel_url: str) -> None:
    """Tell a waitlisted person that a place opened up and is now theirs."""
    queue_email(
        "program-promoted",
        signup.email,
        f"A place opened up: you're in for {program.title}",
        "signup_promoted",
        program=program,
        signup=signup,
        cancel_url=cancel_url,
    )


def queue_cancellation_notice(
    program: Program, cancelled: Signup, promoted: list[Signup], *, was_waitlisted: bool
) -> None:
    """Tell the coach who left, and who moved up from the waitlist."""
    queue_email(
        "program-cancelled-coach",
        current_app.config["COACH_EMAIL"],
        f"Cancelled: {cancelled.name}, {program.title}",
        "signup_cancelled_coach",
        reply_to=cancelled.email,
        about=cancelled.email,
        program=program,
        signup=cancelled,
        promoted=promoted,
        was_waitlisted=was_waitlisted,
    )


def queue_cancelled_by_coach(program: Program, signup: Signup, *, was_waitlisted: bool) -> None:
    """Tell the person that the coach cancelled their place (or waitlist entry)."""
    config = current_app.config
    what = "waitlist place" if was_waitlisted else "place"
    queue_email(
        "program-cancelled-by-coach",
        signup.email,
        f"Your {what} on {program.title} has been cancelled",
        "signup_cancelled_by_coach",
        reply_to=config["COACH_EMAIL"],
        program=program,
        signup=signup,
        what=what,
        signup_again_url=absolute_url("programs.detail", slug=program.slug),
    )
