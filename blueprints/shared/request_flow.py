"""The order every request goes through, stated once: the checks before any view runs.

Registered before Flask-WTF's CSRF check (create_app calls `init_app` first), so a form another
site posts is refused as cross-origin (403) before its missing token is looked at.
"""

from __future__ import annotations

from flask import Flask

from blueprints.shared import origin_check, security

# Each returns None to let the request through, or the answer that ends it.
BEFORE_VIEW = (
    security.refuse_nul_in_path,
    origin_check.refuse_cross_origin,
)


def init_app(app: Flask) -> None:
    """Register the checks, in BEFORE_VIEW's order."""
    for check in BEFORE_VIEW:
        app.before_request(check)
