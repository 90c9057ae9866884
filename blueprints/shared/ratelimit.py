"""Per-client rate limits kept in the database, so they hold across gunicorn workers."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.models import RateEvent

KEEP_EVENTS = timedelta(days=1)


def client_fingerprint() -> str:
    """A hash of the client's address: enough to count, never stored in the clear."""
    address = request.remote_addr or "unknown"
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:{address}".encode()).hexdigest()[:32]


def allow(action: str, limit: int, per_seconds: int, identity: str | None = None) -> bool:
    """Count one `action` by this client; False once it has done so `limit` times in the window.

    Runs in its own short transaction, before the caller's write.
    """
    key = f"{action}:{identity or client_fingerprint()}"
    now = utcnow()
    window_start = now - timedelta(seconds=per_seconds)
    with serialized_write("rate-limit") as session:
        session.execute(delete(RateEvent).where(RateEvent.key == key, RateEvent.at < window_start))
        # Nobody's counts are kept longer than a day (the privacy page promises it).
        session.execute(delete(RateEvent).where(RateEvent.at < now - KEEP_EVENTS))
        count = session.scalar(
            select(func.count()).select_from(RateEvent).where(RateEvent.key == key)
        )
        if count >= limit:
            return False
        session.add(RateEvent(key=key, at=now))
    return True


def record(action: str, identity: str | None = None) -> None:
    """Count one `action` by this client (or `identity`) without checking any limit."""
    now = utcnow()
    with serialized_write("rate-limit") as session:
        session.execute(delete(RateEvent).where(RateEvent.at < now - KEEP_EVENTS))
        session.add(RateEvent(key=f"{action}:{identity or client_fingerprint()}", at=now))


def recent(
    action: str, per_seconds: float, identity: str | None = None
) -> tuple[int, datetime | None]:
    """How many `action`s this client (or `identity`) did in the window, and when the last was."""
    key = f"{action}:{identity or client_fingerprint()}"
    since = utcnow() - timedelta(seconds=per_seconds)
    count, last = db.session.execute(
        select(func.count(), func.max(RateEvent.at)).where(
            RateEvent.key == key, RateEvent.at >= since
        )
    ).one()
    return count, last


def forget(action: str, identity: str | None = None) -> None:
    """Drop this client's (or `identity`'s) counts of `action` (after it proved itself)."""
    key = f"{action}:{identity or client_fingerprint()}"
    with serialized_write("rate-limit") as session:
        session.execute(delete(RateEvent).where(RateEvent.key == key))
