"""Brotli or gzip for text responses, so a first visit stays small on a phone connection."""

from __future__ import annotations

import gzip
from functools import lru_cache

import brotli
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
# Brotli's densest setting costs ~0.15 s for htmx, paid once per process for a versioned static
# file (about 10% smaller than gzip); a page is made per request, so it gets a quick setting
# that still beats gzip's default (~1.5 ms for an article).
BROTLI_STATIC_QUALITY = 11
BROTLI_PAGE_QUALITY = 5
GZIP_LEVEL = 6


def init_app(app: Flask) -> None:
    """Compress eligible responses after every other hook has run."""
    app.after_request(_compress)


def compress(data: bytes, encoding: str, immutable: bool = False) -> bytes:
    """`data` in `encoding` ("br" or "gzip"); an immutable file is packed as tightly as can be."""
    if encoding == "br":
        quality = BROTLI_STATIC_QUALITY if immutable else BROTLI_PAGE_QUALITY
        return brotli.compress(data, quality=quality)
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


@lru_cache(maxsize=256)
def _compress_cached(data: bytes, encoding: str) -> bytes:
    return compress(data, encoding, immutable=True)


def _compress(response: Response) -> Response:
    encoding = request.accept_encodings.best_match(["br", "gzip"])
    if (
        encoding is None
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
    if request.endpoint == "static" and request.args.get("v"):
        compressed = _compress_cached(data, encoding)
    else:
        compressed = compress(data, encoding)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response
