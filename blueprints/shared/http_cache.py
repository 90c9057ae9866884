"""HTTP caching: a public page says it is the same for every visitor; a personal one says never.

A view decorated with `public_page` renders the same bytes for every visitor (no CSRF token, no
per-visitor stamp, no cookie set; the theme and time-zone cookies choose among a few copies). Its
200 answers to GET and HEAD get

- `Cache-Control: public, max-age=PUBLIC_MAX_AGE_SECONDS, stale-while-revalidate=...`, so the
  deployment's nginx (deploy/) and browsers may keep it for a few seconds;
- an `ETag` (werkzeug's, a hash of the body) and a 304 to a matching `If-None-Match`;
- `Vary: Cookie, Accept-Encoding` (nginx compresses; the theme, zone and hours cookies),
  `HX-Request` where the htmx helper says the view looked at it, and `Accept-Language` where a
  page showed times without the hours cookie (blueprints/shared/hours.py).

Any response to a visitor who sends a session cookie (a signed-in coach or client, a message
waiting to be shown) or that sets a cookie gets `Cache-Control: private, no-store` instead,
whatever the view is: nothing personal is ever kept by a shared cache. Pages that are neither
say nothing, as before (they are not cached by nginx either: it stores only what says `public`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, make_response, request, session

from blueprints.shared.hours import used_language

PRIVATE = "private, no-store"


def public_page(view: Callable[..., Any]) -> Callable[..., Response]:
    """Decorate a GET view whose page is the same for every visitor: a shared cache may keep it."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.public_page = True  # type: ignore[attr-defined] # read by cache_headers
        return response

    return wrapped


def cache_headers(response: Response) -> Response:
    """Say who may keep this response: everyone for a while (public pages), or nobody."""
    if request.endpoint == "static":
        return response  # static_files gives versioned files a year, whoever asks
    if getattr(response, "versioned_file", False) and "Set-Cookie" not in response.headers:
        return response  # the same bytes for everyone at that address (static_files)
    if _personal(response):
        if "no-store" not in (response.headers.get("Cache-Control") or ""):
            response.headers["Cache-Control"] = PRIVATE
        return response
    if (
        getattr(response, "public_page", False)
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
    ):
        max_age = int(current_app.config["PUBLIC_MAX_AGE_SECONDS"])
        response.headers["Cache-Control"] = (
            f"public, max-age={max_age}, stale-while-revalidate={max_age}"
        )
        response.vary.update(("Cookie", "Accept-Encoding"))
        if used_language():  # no hours cookie: the clock came from the visitor's language
            response.vary.add("Accept-Language")
        response.add_etag()
        response.make_conditional(request)
    return response


def _personal(response: Response) -> bool:
    """Does this response belong to one visitor: their session, or a cookie set for them?"""
    return (
        current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        or session.modified  # Flask sets the session cookie after the hooks run
        or "Set-Cookie" in response.headers
    )
