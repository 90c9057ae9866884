"""`GET /healthz` for an uptime monitor: does the database answer, how long has the oldest
unsent email waited, how old is the last backup. 200 when all are within their limits
(HEALTH_MAIL_MAX_MINUTES, HEALTH_BACKUP_MAX_HOURS; 0 turns a check off), 503 otherwise. JSON,
no login, nothing secret (no paths, no addresses, no error text), never cached.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, jsonify
from sqlalchemy import func, select, text

from blueprints.shared.backup_names import last_backup_time
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage

log = logging.getLogger(__name__)

UNSENT = ("pending", "sending")


def init_app(app: Flask) -> None:
    """Serve /healthz."""
    app.add_url_rule("/healthz", "healthz", healthz)


def healthz() -> Response:
    """Each check with its figure and limit; 503 when one fails."""
    checks = {"database": _database(), "mail": _mail(), "backup": _backup()}
    healthy = all(check["ok"] for check in checks.values())
    response = jsonify(status="ok" if healthy else "failing", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _database() -> dict[str, Any]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        log.exception("healthz: the database does not answer")
        db.session.rollback()
        return {"ok": False}
    return {"ok": True}


def _mail() -> dict[str, Any]:
    limit = current_app.config["HEALTH_MAIL_MAX_MINUTES"] * 60
    try:
        oldest = db.session.scalar(
            select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(UNSENT))
        )
    except Exception:
        log.exception("healthz: the outbox cannot be read")
        db.session.rollback()
        return {"ok": False, "oldest_unsent_seconds": None, "limit_seconds": limit}
    age = max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else None
    ok = not limit or age is None or age <= limit
    return {"ok": ok, "oldest_unsent_seconds": _round(age), "limit_seconds": limit}


def _backup() -> dict[str, Any]:
    limit = current_app.config["HEALTH_BACKUP_MAX_HOURS"] * 3600
    taken = last_backup_time()
    age = max(0.0, (utcnow() - taken).total_seconds()) if taken is not None else None
    ok = not limit or (age is not None and age <= limit)
    return {"ok": ok, "age_seconds": _round(age), "limit_seconds": limit}


def _round(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds)
