"""Per-client rate limits kept in the database, so they hold across gunicorn workers."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
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
