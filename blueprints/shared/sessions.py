"""Server-side sessions: the one place that decides whether a signed-in browser is still signed in.

Flask's session cookie is signed but lives only in the browser, so a copied cookie would stay
valid after logout or a password change. Here the cookie carries only a random token; the
`user_session` row it names must exist, be unexpired and unrevoked. Ending the row ends every
copy of the cookie.

Any blueprint can use it for any kind of sign-in: `kind` names who signs in ("studio" for the
coach's login, "client" for a visitor), `subject_id` which one.

    token = start("client", client.id)       # after checking who they are
    client_id = current("client")            # None unless that session is still valid
    end_current("client")                    # log out this browser
    end_all("client", client.id)             # every browser (new password, "sign out everywhere")
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context, session
from sqlalchemy import delete, select, update

from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.models import UserSession

# How often last_seen_at is written for one session (not on every request).
TOUCH_EVERY = timedelta(minutes=5)
# Ended and expired rows are kept this long (a "signed in from ..." list), then deleted.
KEEP_ENDED = timedelta(days=30)


def _cookie_key(kind: str) -> str:
    return f"_sid_{kind}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def _idle_limit() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])


def start(kind: str, subject_id: int) -> str:
    """A new session for `subject_id` of `kind`, remembered in this browser's cookie; its token.

    Call it after `session.clear()` on login, so nothing from before survives (fixation).
    Commits its own row.
    """
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(UserSession.expires_at < now - KEEP_ENDED))
    db.session.add(
        UserSession(
            id=_hash(token),
            subject_kind=kind,
            subject_id=subject_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + _lifetime(),
        )
    )
    db.session.commit()
    session[_cookie_key(kind)] = token
    g.pop(f"_session_{kind}", None)
    return token


def current_row(kind: str) -> UserSession | None:
    """This browser's valid session of `kind`, or None (no cookie, unknown, ended, expired)."""
    if not has_request_context():
        return None
    cache_key = f"_session_{kind}"
    if cache_key in g:
        return g.get(cache_key)
    row = _valid_row(session.get(_cookie_key(kind)), kind)
    setattr(g, cache_key, row)
    return row


def current(kind: str) -> int | None:
    """Whose valid session of `kind` this browser holds (the subject id), or None."""
    row = current_row(kind)
    return row.subject_id if row is not None else None


def _valid_row(token: object, kind: str) -> UserSession | None:
    if not isinstance(token, str) or not token:
        return None
    row = db.session.get(UserSession, _hash(token))
    now = utcnow()
    if (
        row is None
        or row.subject_kind != kind
        or row.revoked_at is not None
        or row.expires_at <= now
        or row.last_seen_at + _idle_limit() <= now
    ):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY and not (
        db.session.new or db.session.dirty or db.session.deleted
    ):
        # Its own short write, so the idle limit counts from the last real use; a transaction
        # of its own that takes the write lock first, since a GET's read cannot wait for it.
        with serialized_write("session-touch") as write:
            write.execute(
                update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
            )
    return row


def end_current(kind: str) -> None:
    """End this browser's session of `kind` on the server and forget it in the cookie."""
    token = session.pop(_cookie_key(kind), None)
    g.pop(f"_session_{kind}", None)
    if isinstance(token, str) and token:
        _revoke(UserSession.id == _hash(token))


def end_all(kind: str, subject_id: int) -> int:
    """End every session of this subject, in every browser; how many were still open."""
    if has_request_context():
        g.pop(f"_session_{kind}", None)
    return _revoke(UserSession.subject_kind == kind, UserSession.subject_id == subject_id)


def open_sessions(kind: str, subject_id: int) -> list[UserSession]:
    """This subject's sessions that still work, newest first (for a "where you are signed in")."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.subject_kind == kind,
                UserSession.subject_id == subject_id,
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
                UserSession.last_seen_at > now - _idle_limit(),
            )
            .order_by(UserSession.created_at.desc())
        )
    )


def _revoke(*conditions: object) -> int:
    now: datetime = utcnow()
    result = db.session.execute(
        update(UserSession)
        .where(*conditions, UserSession.revoked_at.is_(None))  # type: ignore[arg-type]
        .values(revoked_at=now)
    )
    db.session.commit()
    return result.rowcount or 0
