"""The one place that decides whether a request wants an htmx partial, and says so to caches.

Any response whose view asked `is_htmx_request()` varies on the HX-Request header;
`vary_on_hx_request` (a step of request_flow.AFTER_VIEW) adds `Vary: HX-Request` to it, so no
view has to remember.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, g, make_response, render_template, request

# The statuses of a form the server refused (htmx swaps these in, base.html's htmx-config).
REFUSED_FORM = frozenset({400, 409, 422, 429})


def is_htmx_request() -> bool:
    """True for a real htmx request: not a boosted navigation, not a history restore."""
    g.varies_on_hx_request = True
    return wants_partial(request.headers)


def wants_partial(headers: Mapping[str, str]) -> bool:
    """`is_htmx_request` for any request's headers."""
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(page: str, partial: str, status: int = 200, **context: Any) -> Response:
    """Render the partial for htmx, the full page (which includes the partial) otherwise; a
    refused form's page has a title starting "Error:" (base.html)."""
    template = partial if is_htmx_request() else page
    context.setdefault("error_title", status in REFUSED_FORM)
    return make_response(render_template(template, **context), status)


def vary_on_hx_request(response: Response) -> Response:
    """`Vary: HX-Request` on a response whose view asked `is_htmx_request()`."""
    if g.get("varies_on_hx_request") and "HX-Request" not in response.headers.get("Vary", ""):
        response.vary.add("HX-Request")
    return response
