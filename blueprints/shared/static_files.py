"""Static files: a year in the cache for versioned URLs, and none of send_file's idle headers."""

from __future__ import annotations

from flask import Response, request

STATIC_MAX_AGE = 365 * 24 * 3600
# Set by send_file for every file and idle here, where each costs bytes on every first view
# (HTTP/1.1 headers travel uncompressed): the name is in the URL already, and a versioned URL is
# never revalidated (immutable) while an unversioned one keeps its ETag.
IDLE_HEADERS = ("Content-Disposition", "Expires", "Last-Modified")


def static_headers(response: Response) -> Response:
    """Versioned static files cached for a year; the idle headers dropped."""
    if request.endpoint != "static":
        return response
    for name in IDLE_HEADERS:
        response.headers.pop(name, None)
    if request.args.get("v") and response.status_code == 200:
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
    return response
