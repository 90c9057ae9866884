"""An unhandled error emails the site's admin (ADMIN_EMAIL, the coach unless set) through the
outbox: the request line and the traceback, never the form, the cookies or other headers; at
most one email per kind (exception type and endpoint) per hour across every process, counted
in the database like the rate limits. Hooked on Flask's `got_request_exception` signal, so the
500 page is answered as before.

Why not a library: Sentry's SDK and the like need a service to send to; logging's SMTPHandler
sends from the request, with no limit, and loses the email if the SMTP server is down. The
outbox already retries.
"""

from __future__ import annotations

import hashlib
import logging
import traceback

from flask import Flask, current_app, got_request_exception, request

from blueprints.shared.extensions import db
from blueprints.shared.outbox import queue_email
from blueprints.shared.ratelimit import allow

log = logging.getLogger(__name__)

ALERTS_PER_KIND = 1
ALERT_WINDOW_SECONDS = 3600


def init_app(app: Flask) -> None:
    """Email the admin about unhandled errors in this app's requests."""
    got_request_exception.connect(_alert, app, weak=False)


def error_kind(error: BaseException) -> str:
    """What counts as the same error: its type and the endpoint it happened in."""
    return f"{type(error).__module__}.{type(error).__qualname__} in {request.endpoint or '?'}"


def _alert(sender: Flask, exception: BaseException, **_extra: object) -> None:
    try:
        db.session.rollback()  # whatever the request left half done is not ours to keep
        kind = error_kind(exception)
        key = hashlib.sha256(kind.encode()).hexdigest()[:32]
        if not allow("error-alert", ALERTS_PER_KIND, ALERT_WINDOW_SECONDS, key):
            return
        protocol = request.environ.get("SERVER_PROTOCOL", "HTTP/1.1")
        queue_email(
            "error-alert",
            current_app.config["ADMIN_EMAIL"],
            f"{current_app.config['SITE_NAME']}: {type(exception).__name__} at {request.path}",
            "error_alert",
            error_kind=kind,
            request_line=f"{request.method} {request.full_path.rstrip('?')} {protocol}",
            trace="".join(traceback.format_exception(exception)),
            per_hour=ALERTS_PER_KIND,
        )
        db.session.commit()
    except Exception:  # the alert must never make the error worse (a database that is down)
        log.exception("could not queue the error alert")
        db.session.rollback()
