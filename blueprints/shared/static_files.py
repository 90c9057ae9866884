"""Static files: a year in the cache for versioned URLs, and none of send_file's idle headers.

`versioned_file` gives the same year to the app's own versioned files (a drill's
demonstration, the coach's portrait): an address whose ?v= names the current version never
changes its bytes, so it is `immutable`; any other ?v= (an old one, a guess) is revalidated.
"""

from __future__ import annotations

from flask import Response, request

STATIC_MAX_AGE = 365 * 24 * 3600
# Set by send_file for every file and idle here, where each costs bytes on every first view
# (HTTP/1.1 headers travel uncompressed): the name is in the URL already, and a versioned URL is
# never revalidated (immutable) while an unversioned one keeps its ETag.
IDLE_HEADERS = ("Content-Disposition", "Expires", "Last-Modified")


def versioned_file(response: Response, version: str) -> Response:
    """Cache a file served under ?v=<version>: a year and immutable when `v` is `version`, else
    revalidated on every use (with the ETag added here)."""
    response.add_etag()
    if request.args.get("v") == version and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.versioned_file = True  # type: ignore[attr-defined] # read by http_cache
    else:  # not `public`: the edge (deploy/nginx) would make a public ?v= answer year-long
        response.cache_control.no_cache = True
        response.cache_control.max_age = 0
    return response.make_conditional(request)


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
