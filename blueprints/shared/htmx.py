"""The one place that decides whether a request wants an htmx partial."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request


def is_htmx_request() -> bool:
    """True for a real htmx request: not a boosted navigation, not a history restore."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def add_vary_hx_request(response: Response) -> Response:
    """Tell caches that this URL answers differently to htmx."""
    response.vary.add("HX-Request")
    return response


def render_page_or_partial(page: str, partial: str, status: int = 200, **context: Any) -> Response:
    """Render the partial for htmx, the full page (which includes the partial) otherwise."""
    template = partial if is_htmx_request() else page
    response = make_response(render_template(template, **context), status)
    return add_vary_hx_request(response)
