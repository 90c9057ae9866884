"""gzip for text responses, so a first visit stays small on a phone connection."""

from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Flask, Response, request

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "text/xml",
    "image/svg+xml",
    "text/calendar",
    "text/csv",
}
MIN_SIZE = 500


def init_app(app: Flask) -> None:
    """Compress eligible responses after every other hook has run."""
    app.after_request(_compress)


@lru_cache(maxsize=256)
def _gzip_cached(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _compress(response: Response) -> Response:
    accepted = request.headers.get("Accept-Encoding", "")
    if (
        "gzip" not in accepted.lower()
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or response.is_streamed
        and not response.direct_passthrough
    ):
        return response
    response.direct_passthrough = False  # read static files into memory to compress them
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    # Versioned static files are immutable: compress each once per process.
    compressed = (
        _gzip_cached(data)
        if request.endpoint == "static" and request.args.get("v")
        else gzip.compress(data, compresslevel=6, mtime=0)
    )
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
