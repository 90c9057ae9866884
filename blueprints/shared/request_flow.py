"""The order every request goes through, stated once: the checks before the view, the steps after.

`init_app` runs before Flask-WTF's own (create_app calls it first), so a form another site posts
is refused as cross-origin (403) before its missing token is looked at. After the view (and any
blueprint's own after-request hook, which Flask runs first), AFTER_VIEW's steps run in the order
written; the session cookie is saved after all of them.
"""

from __future__ import annotations

from flask import Flask, Response

from blueprints.shared import htmx, http_cache, origin_check, security, static_files

# Each returns None to let the request through, or the answer that ends it.
BEFORE_VIEW = (
    security.refuse_nul_in_path,
    origin_check.refuse_cross_origin,
)

# Each takes the response and returns it. The cache headers come once Vary is complete and the
# body final (the ETag hashes it); the security headers last, on every answer including a 304.
AFTER_VIEW = (
    htmx.vary_on_hx_request,
    static_files.static_headers,
    http_cache.cache_headers,
    security.add_security_headers,
)


def init_app(app: Flask) -> None:
    """Register the checks, in BEFORE_VIEW's order, and one hook running AFTER_VIEW's steps."""
    for check in BEFORE_VIEW:
        app.before_request(check)
    app.after_request(after_view)


def after_view(response: Response) -> Response:
    """Run AFTER_VIEW's steps on `response`, in order."""
    for step in AFTER_VIEW:
        response = step(response)
    return response
