"""Error pages in the site's own style; the 500 handler rolls the session back."""

from __future__ import annotations

from flask import Response
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from blueprints.shared.extensions import db
from blueprints.shared.htmx import render_page_or_partial
from blueprints.site import bp

MESSAGES = {
    400: "That request could not be understood.",
    403: "You are not allowed to do that.",
    404: "There is no page at this address.",
    405: "That page does not take this kind of request.",
    413: "That upload is too large.",
    429: "Too many attempts in a short time. Please wait a little and try again.",
}


def _error_page(code: int, message: str) -> Response:
    if request_ctx.url_adapter is None:
        # The host was refused (TRUSTED_HOSTS): no URLs can be built, so no layout.
        return Response(message, status=code, mimetype="text/plain")
    return render_page_or_partial(
        "errors/error.html", "errors/_error.html", code, code=code, message=message
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    """Any 4xx/5xx raised with abort()."""
    code = error.code or 500
    message = MESSAGES.get(code) or error.description or "Something went wrong."
    if code in (400, 429) and error.description and not error.description.startswith("The "):
        message = error.description
    return _error_page(code, message)


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
    """A form posted without a valid token (usually an old tab)."""
    return _error_page(400, "This form has expired. Please reload the page and submit it again.")


@bp.app_errorhandler(500)
def server_error(error: Exception):  # type: ignore[no-untyped-def]
    """Undo whatever half-finished work the request left, then apologise."""
    db.session.rollback()
    return _error_page(500, "Something went wrong on our side. Nothing you sent was lost.")
