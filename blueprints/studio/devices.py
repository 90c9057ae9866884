"""The coach's known browsers: a long-lived signed cookie that a successful login leaves behind.

A browser holding a valid device cookie for an account is never refused by the account-wide
login ceiling (blueprints/studio/throttle.py), so strangers' guesses cannot lock the coach out
of her own browser. The cookie carries a random token signed for this purpose; the server keeps
only its SHA-256, as a `user_session` row of the kind "studio-device" (the shared server-side
store, so no table of its own), which "sign out everywhere" revokes.

Flask-Login's "remember me" cookie was considered and not used: it signs the user in (we only
want to recognise the browser at the login form), and it cannot be revoked on the server.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Response, current_app, request
from sqlalchemy import select, update

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import UserSession
from blueprints.shared.signing import InvalidLink, sign, unsign

COOKIE_NAME = "studio_device"
DEVICE_KIND = "studio-device"
PURPOSE = "studio-device"
LIFETIME = timedelta(days=365)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember(response: Response, user_id: int) -> None:
    """Record this browser as one of `user_id`'s devices and leave the signed cookie on it.

    Commits its own row. A browser that already holds a valid cookie for this user keeps it.
    """
    if device_user_id() == user_id:
        return
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            id=_hash(token),
            subject_kind=DEVICE_KIND,
            subject_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + LIFETIME,
        )
    )
    db.session.commit()
    response.set_cookie(
        COOKIE_NAME,
        sign(PURPOSE, token),
        max_age=int(LIFETIME.total_seconds()),
        path="/studio/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def device_user_id() -> int | None:
    """Whose known device this browser is (a valid, unrevoked device cookie), or None."""
    cookie = request.cookies.get(COOKIE_NAME)
    if not cookie:
        return None
    try:
        token = unsign(PURPOSE, cookie, max_age_seconds=int(LIFETIME.total_seconds()))
    except InvalidLink:
        return None
    if not isinstance(token, str):
        return None
    row = db.session.scalar(
        select(UserSession).where(
            UserSession.id == _hash(token),
            UserSession.subject_kind == DEVICE_KIND,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utcnow(),
        )
    )
    return row.subject_id if row is not None else None


def device_key() -> str | None:
    """A stable, non-secret name for this browser's device cookie (to count its own failures)."""
    cookie = request.cookies.get(COOKIE_NAME)
    return _hash(cookie)[:32] if cookie else None


def forget_all(user_id: int) -> int:
    """Revoke every device of `user_id` (sign out everywhere); how many were still valid."""
    result = db.session.execute(
        update(UserSession)
        .where(
            UserSession.subject_kind == DEVICE_KIND,
            UserSession.subject_id == user_id,
            UserSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    db.session.commit()
    return result.rowcount or 0


def forget_here(response: Response) -> None:
    """Delete the device cookie from this browser."""
    response.delete_cookie(COOKIE_NAME, path="/studio/")
