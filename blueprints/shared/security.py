"""Security headers on every response, partials and error pages included; hostile addresses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, abort, make_response, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

# The largest id our integer key columns hold on every database (PostgreSQL INTEGER).
LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` that matches only numbers a database id can be: a larger one is a 404, not a
    500 from the driver (OverflowError / "integer out of range")."""

    def __init__(
        self,
        map: Map,  # noqa: A002 - Werkzeug's name
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = LARGEST_ID,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://i.ytimg.com https://i.vimeocdn.com",
        "media-src 'self'",
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# A static file (stylesheet, script, SVG) runs nothing of its own, so its policy lets it do
# nothing should it be opened as a document: stricter than the pages' and far shorter. The
# frame, referrer and permissions headers act on documents only; a first view fetches three
# static files, and over HTTP/1.1 their headers travel uncompressed (~2 KB of the 35 KB budget).
STATIC_FILE_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


def init_app(app: Flask) -> None:
    """Install the id converter (create_app adds `trust_proxies` last)."""
    app.url_map.converters["int"] = DatabaseIdConverter  # before any feature adds its routes


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* from as many proxies as PROXY_FIX_X_* say (none by default).

    The outermost WSGI layer: every layer inside it sees the client's address and scheme.

    Behind nginx (deploy/) each is 1: the client's address (rate limits, logs), https (HSTS,
    secure cookies) come from the proxy's headers; without a proxy nobody can forge them.
    """
    counts = {
        name: int(app.config[f"PROXY_FIX_X_{name.upper()}"])
        for name in ("for", "proto", "host", "port", "prefix")
    }
    if any(counts.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=counts["for"],
            x_proto=counts["proto"],
            x_host=counts["host"],
            x_port=counts["port"],
            x_prefix=counts["prefix"],
        )


def refuse_nul_in_path() -> None:
    """A 404 for a path holding a NUL byte (request_flow runs it before every view)."""
    # No address of ours holds a NUL byte, and PostgreSQL refuses one in any text it is asked to
    # compare (a slug lookup would fail with a 500): answer what it is, a page that is not here.
    if "\x00" in request.path:
        abort(404)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
STATIC_HEADERS_POLICY = ("Content-Security-Policy", STATIC_FILE_SECURITY_POLICY)


def add_security_headers(response: Response) -> Response:
    """Each security header the view did not set itself (HSTS on https)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - Headers, not a dict
    if request.endpoint == "static":
        # Static files need only these (the pages' policy means nothing to a stylesheet).
        wanted = [("X-Content-Type-Options", "nosniff"), STATIC_HEADERS_POLICY]
    else:
        wanted = list(SECURITY_HEADERS)
    if request.is_secure:
        wanted.append(HSTS)
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def no_store_response(response: Response) -> Response:
    """Keep a private page out of every cache (the browser's back button and shared proxies)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def no_store(view: Callable[..., Any]) -> Callable[..., Response]:
    """Decorate a view whose page is private (a signed link's page): `Cache-Control: no-store`."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        return no_store_response(make_response(view(*args, **kwargs)))

    return wrapped
