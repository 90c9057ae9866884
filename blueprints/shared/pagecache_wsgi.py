"""Cached pages answered before Flask: the page cache's hits as a WSGI layer.

A cache hit costs little (fill in a token, join the compressed prefix); Flask's dispatch around
it (request context, URL matching, eleven hooks, a Response object) cost three times as much.
This layer looks the request up in the same store, with the same key, and answers a hit itself
with the bytes and headers Flask's path would send (tests/core/test_pagecache_wsgi.py compares
the two). Anything it is not sure of goes to Flask, which also fills the cache:

- not a GET, an untrusted Host, a NUL in the path, a conditional or ranged request;
- a page not cached yet, of an older content version, expired, or whose version this process
  has not re-read within PAGE_CACHE_VERSION_SECONDS;
- an entry not marked `early` (pagecache.cached_page marks it when every hook Flask would run
  is one listed in pagecache.KNOWN_APP_HOOKS or its blueprint's hooks are idle for that URL);
- a session holding anything personal (signed in, a message to flash).

The session cookie is read and, for a first visit given a CSRF token, written by Flask's own
session interface, so the cookie is the one Flask would set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.http import dump_cookie
from werkzeug.wsgi import get_host

from blueprints.shared.compression import accepted_encoding
from blueprints.shared.pagecache import (
    cache_key,
    expired,
    is_personal,
    personal_body,
    version_is_recent,
)
from blueprints.shared.security import HSTS

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_NOT_EARLY = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")


def init_app(app: Flask) -> None:
    """Put the layer in front of Flask (inside any proxy-header layer added after it)."""
    app.wsgi_app = CachedPageLayer(app, app.wsgi_app)  # type: ignore[method-assign]


class CachedPageLayer:
    """WSGI middleware: a page-cache hit answered here, anything else passed to `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer a cache hit, or let Flask answer."""
        if environ.get("REQUEST_METHOD") == "GET":
            try:
                answer = self._hit(environ)
            except Exception:  # Flask answers instead, with its own error handling if need be
                self.app.logger.exception(
                    "page cache: no early answer for %s", environ.get("PATH_INFO")
                )
                answer = None
            if answer is not None:
                headers, body = answer
                start_response("200 OK", headers)
                return [body]
        return self.wsgi_app(environ, start_response)

    def _hit(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        app = self.app
        store = app.extensions.get("page_cache")
        if store is None or not version_is_recent(app, store, time.monotonic()):
            return None
        if any(name in environ for name in _NOT_EARLY):
            return None
        req = app.request_class(environ)
        if not _host_trusted(app, environ) or "\x00" in req.path:
            return None
        try:
            vary = store.vary_by_path[req.path]
        except KeyError:
            return None  # never cached: Flask renders it (and caches it if it may)
        entry = store.get(cache_key(app, req, vary))
        if entry is None or not entry.early or entry.version != store.version or expired(entry):
            return None
        interface = app.session_interface
        session = interface.open_session(app, req)
        if session is None or is_personal(session, app):
            return None
        body, encoding = personal_body(app, store, entry, session, accepted_encoding(req))
        headers = list(entry.headers)
        if encoding is not None:
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        if req.is_secure:
            headers.append(HSTS)
        collected = _CookieHeaders()
        interface.save_session(app, session, collected)  # type: ignore[arg-type]
        return headers + collected.headers, body


def _host_trusted(app: Flask, environ: dict[str, Any]) -> bool:
    """Flask's TRUSTED_HOSTS check (a 400 there), remembered per Host header and server."""
    trusted = app.config["TRUSTED_HOSTS"]
    if trusted is None:
        return True
    server = tuple(environ.get(name) for name in _HOST_FROM)
    return _host_is_trusted(server, tuple(trusted))


_HOST_FROM = ("HTTP_HOST", "wsgi.url_scheme", "SERVER_NAME", "SERVER_PORT")


@lru_cache(maxsize=64)
def _host_is_trusted(server: tuple[Any, ...], trusted: tuple[str, ...]) -> bool:
    try:
        get_host(dict(zip(_HOST_FROM, server, strict=True)), list(trusted))
    except SecurityError:
        return False
    return True


class _CookieHeaders:
    """What Flask's session interface sets on a response: its cookie headers, collected.

    The session interface calls `set_cookie`/`delete_cookie` as on a Response and adds "Cookie"
    to `vary` (the cached page's Vary names it already)."""

    def __init__(self) -> None:
        self.headers: list[tuple[str, str]] = []
        self.vary: set[str] = set()

    def set_cookie(self, key: str, value: str = "", **options: Any) -> None:
        """As werkzeug's Response.set_cookie."""
        self.headers.append(("Set-Cookie", dump_cookie(key, value, **options)))

    def delete_cookie(self, key: str, **options: Any) -> None:
        """As werkzeug's Response.delete_cookie: an empty value that expired long ago."""
        self.set_cookie(key, expires=0, max_age=0, **options)
