"""Signing up, the waitlist and cancelling.

Every decision that depends on how many places are taken runs inside
`serialized_write(f"program:{id}")`, so two people can never both take the last place; the unique
constraints on (program, email) and (program, waitlist position) are the database's backstop.
Waitlist positions always run 1..N without gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blueprints.programs import emails
from blueprints.programs.models import Program, Signup
from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.signing import InvalidLink, sign, unsign
from blueprints.shared.urls import absolute_url

CANCEL_PURPOSE = "program-signup-cancel"
# Long enough for any program plus the year its records are kept (see the privacy page).
CANCEL_LINK_MAX_AGE = 400 * 24 * 3600

OutcomeKind = Literal["confirmed", "waitlisted", "already_signed_up", "closed"]


@dataclass(frozen=True)
class SignupDetails:
    """What a person typed into the form, already validated and normalised."""

    name: str
    email: str
    phone: str
    goals: str
    history: str


@dataclass(frozen=True)
class SignupOutcome:
    """What happened to a signup attempt, and the signup it concerns (if any)."""

    kind: OutcomeKind
    signup: Signup | None = None


class SignupConflict(Exception):
    """The database refused the write (a constraint fired); nothing was stored."""


def lock_name(program_id: int) -> str:
    """The serialized_write lock that guards one program's places and waitlist."""
    return f"program:{program_id}"


def confirmed_count(program_id: int) -> int:
    """How many people hold a place on the program."""
    return db.session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(Signup.program_id == program_id, Signup.status == "confirmed")
    )


def confirmed_counts() -> dict[int, int]:
    """Places taken, per program id (one query, for the list page)."""
    rows = db.session.execute(
        select(Signup.program_id, func.count())
        .where(Signup.status == "confirmed")
        .group_by(Signup.program_id)
    )
    return {program_id: count for program_id, count in rows}


def places_left(program: Program, taken: int | None = None) -> int | None:
    """Free places, or None for a program without a capacity."""
    if program.capacity is None:
        return None
    if taken is None:
        taken = confirmed_count(program.id)
    return max(program.capacity - taken, 0)


def active_signup_for(program_id: int, email: str) -> Signup | None:
    """The person's confirmed or waitlisted signup on this program, matched case-insensitively."""
    return db.session.scalar(
        select(Signup).where(
            Signup.program_id == program_id,
            func.lower(Signup.email) == email.lower(),
            Signup.status != "cancelled",
        )
    )


def sign_up(program_id: int, details: SignupDetails) -> SignupOutcome:
    """Give the person a place, or the next waitlist position; queue their email and the coach's."""
    try:
        with serialized_write(lock_name(program_id)) as session:
            return _sign_up_locked(session, program_id, details)
    except IntegrityError as error:
        # Only a writer that bypassed the lock can get here; answer as the lock would have.
        existing = active_signup_for(program_id, details.email)
        if existing is not None:
            return SignupOutcome("already_signed_up", existing)
        raise SignupConflict("the signup could not be stored") from error


def _sign_up_locked(session: Session, program_id: int, details: SignupDetails) -> SignupOutcome:
    program = session.get(Program, program_id, populate_existing=True)
    if program is None or not program.is_open:
        return SignupOutcome("closed")
    signup = session.scalar(
        select(Signup).where(
            Signup.program_id == program_id, func.lower(Signup.email) == details.email.lower()
        )
    )
    if signup is not None and signup.status != "cancelled":
        # Only the address's owner learns that it is signed up (and where on the waitlist).
        emails.queue_already_signed_up(program, signup, cancel_url(signup))
        return SignupOutcome("already_signed_up", signup)
    # People already waiting go first if places were freed without promoting them (capacity raised).
    _promote_into_free_places(session, program)
    # Decide before touching the row, so an autoflush cannot count this person twice.
    full = places_left(program) == 0
    position = _waitlist_length(session, program_id) + 1 if full else None
    if signup is None:  # a cancelled signup is reused: one row per person and program
        signup = Signup(program_id=program_id)
        session.add(signup)
    signup.name = details.name
    signup.email = details.email.lower()
    signup.phone = details.phone
    signup.goals = details.goals
    signup.history = details.history
    signup.consent_health_data = True
    signup.created_at = utcnow()
    signup.cancelled_at = None
    signup.status = "waitlisted" if full else "confirmed"
    signup.waitlist_position = position
    session.flush()
    emails.queue_signup_emails(program, signup, cancel_url(signup))
    return SignupOutcome(signup.status, signup)  # type: ignore[arg-type]


def cancel_signup(
    signup: Signup, *, notify_coach: bool = True, by_coach: bool = False
) -> Signup | None:
    """Cancel a place or waitlist entry; returns the person promoted into the freed place, if any.

    Safe to call twice: a signup that is already cancelled changes nothing and promotes no one.
    The promoted person is emailed once, in the same transaction; so is the person whose place
    the coach cancelled (`by_coach`), who did not ask for it.
    """
    program_id, signup_id = signup.program_id, signup.id
    with serialized_write(lock_name(program_id)) as session:
        current = session.get(Signup, signup_id, populate_existing=True)
        if current is None or current.status == "cancelled":
            return None
        vacated = current.waitlist_position if current.status == "waitlisted" else None
        current.status = "cancelled"
        current.waitlist_position = None
        current.cancelled_at = utcnow()
        session.flush()
        if vacated is not None:
            _close_waitlist_gap(session, program_id, vacated)
        program = current.program
        if by_coach:
            emails.queue_cancelled_by_coach(program, current, was_waitlisted=vacated is not None)
        promoted = _promote_into_free_places(session, program)
        if notify_coach:
            emails.queue_cancellation_notice(
                program, current, promoted, was_waitlisted=vacated is not None
            )
        return promoted[0] if promoted else None


def fill_free_places(program_id: int) -> list[Signup]:
    """Promote waitlisted people into any free places (after the coach raises the capacity)."""
    with serialized_write(lock_name(program_id)) as session:
        program = session.get(Program, program_id, populate_existing=True)
        return _promote_into_free_places(session, program) if program is not None else []


def _promote_into_free_places(session: Session, program: Program) -> list[Signup]:
    promoted: list[Signup] = []
    while places_left(program) != 0:
        first = session.scalar(
            select(Signup).where(
                Signup.program_id == program.id,
                Signup.status == "waitlisted",
                Signup.waitlist_position == 1,
            )
        )
        if first is None:
            break
        first.status = "confirmed"
        first.waitlist_position = None
        session.flush()
        _close_waitlist_gap(session, program.id, 1)
        emails.queue_promotion_email(program, first, cancel_url(first))
        promoted.append(first)
    return promoted


def _waitlist_length(session: Session, program_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(Signup.program_id == program_id, Signup.status == "waitlisted")
    )


def _close_waitlist_gap(session: Session, program_id: int, vacated: int) -> None:
    """Move everyone behind `vacated` up one place.

    Done in two steps through negative numbers because the unique (program, position)
    constraint is checked row by row during an UPDATE, in no particular order.
    """
    behind = (
        Signup.program_id == program_id,
        Signup.status == "waitlisted",
        Signup.waitlist_position > vacated,
    )
    session.execute(
        update(Signup).where(*behind).values(waitlist_position=1 - Signup.waitlist_position),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Signup)
        .where(Signup.program_id == program_id, Signup.waitlist_position < 0)
        .values(waitlist_position=-Signup.waitlist_position),
        execution_options={"synchronize_session": False},
    )
    for row in session.identity_map.values():
        if isinstance(row, Signup) and row.program_id == program_id:
            session.expire(row, ["waitlist_position"])


def cancel_token(signup: Signup) -> str:
    """A token naming this signup (and when it was made, so a reused row's old links die)."""
    return sign(CANCEL_PURPOSE, [signup.id, signup.created_at.isoformat()])


def cancel_url(signup: Signup) -> str:
    """The absolute cancel link put in every email to the person."""
    return absolute_url("programs.cancel", token=cancel_token(signup))


def signup_from_cancel_token(token: str) -> Signup | None:
    """The signup a cancel link names; InvalidLink if forged, expired or for an older signup.

    None when the signup no longer exists (for example after the person's data was erased).
    """
    value = unsign(CANCEL_PURPOSE, token, max_age_seconds=CANCEL_LINK_MAX_AGE)
    try:
        signup_id, created = int(value[0]), str(value[1])
    except (TypeError, ValueError, IndexError, KeyError) as error:
        raise InvalidLink("This link is not valid.") from error
    signup = db.session.get(Signup, signup_id)
    if signup is None:
        return None
    if signup.created_at.isoformat() != created:
        raise InvalidLink("This link belongs to an earlier signup that was already cancelled.")
    return signup
