"""Cross-origin protection for every unsafe request, read from the browser's Fetch Metadata.

The check Go's `net/http.CrossOriginProtection` makes (and OWASP's Fetch Metadata defence):

- `Sec-Fetch-Site` present: only `same-origin` (our own pages) and `none` (the visitor typed or
  bookmarked it) may change anything; `same-site`, `cross-site` are refused.
- no `Sec-Fetch-Site` (older browsers): an `Origin` header must be the site's own origin, taken
  from SITE_URL, never from the request's Host header.
- neither header: not a browser acting for another site (curl, mail programs posting the
  RFC 8058 unsubscribe, the test client), so allowed, as Go allows it.

It protects the anonymous forms, whose pages are the same bytes for every visitor and carry no
CSRF token; the studio and /me/ keep Flask-WTF's tokens as well. Why our own code: Flask-WTF,
Flask-SeaSurf and Flask-Talisman all check per-visitor tokens (the very bytes that kept public
pages out of shared caches), and no kept Flask extension makes this header check; it is the
twenty lines below.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
REFUSED_MESSAGE = (
    "Refused: this form was sent from another website. "
    "Please use the form on this site's own page.\n"
)


def refuse_cross_origin() -> Response | None:
    """A 403 for an unsafe request another site's page made the browser send; None otherwise."""
    if request.method in SAFE_METHODS:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        allowed = fetch_site in ALLOWED_FETCH_SITES
    else:
        origin = request.headers.get("Origin")
        allowed = origin is None or origin == site_origin()
    if allowed:
        return None
    return Response(REFUSED_MESSAGE, status=403, mimetype="text/plain")


def site_origin() -> str:
    """SITE_URL's origin, as a browser writes it in `Origin`: scheme://host[:port]."""
    parts = urlsplit(current_app.config["SITE_URL"])
    return f"{parts.scheme}://{parts.netloc}".lower()
