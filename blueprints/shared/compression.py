"""Compression: brotli for browsers that accept it, gzip for the rest, each done as few times as
it can be.

- Cached public pages are compressed once per page version and encoding by the page cache,
  with `compress_prefix` and `join_compressed` below: the part every visitor shares is
  compressed once; the few per-visitor bytes at its end (CSRF token, form stamp) follow it
  uncompressed in the same stream (a stored deflate block; an uncompressed brotli meta-block).
- Versioned static files are immutable: compressed once per process, at the best setting.
- Anything else (studio pages, uncached answers) is compressed per response, quickly.

A compressed answer carries its own ETag (the identity one plus the encoding), so a cache never
hands gzip bytes to a client that asked for identity, and a 304 answers only the same encoding.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

import brotli
from flask import Flask, Request, Response, request
from werkzeug.http import parse_accept_header

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
# Per response: fast settings. Once per page version or static file: the best that stays quick.
PER_RESPONSE = {"br": 5, "gzip": 6}
# Brotli 11 costs ~0.15 s for htmx but is ~10% smaller than gzip: paid once per process for a
# versioned static file, once per version for a cached page.
ONCE = {"br": 11, "gzip": 9}
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, mtime 0, OS unknown
BROTLI_LAST_EMPTY = b"\x03"  # ISLAST=1, ISLASTEMPTY=1


def init_app(app: Flask) -> None:
    """Compress eligible responses after every other hook has run."""
    app.after_request(_compress)


def accepted_encoding(req: Request) -> str | None:
    """The encoding to send: "br" when the client accepts it, else "gzip", else None."""
    return encoding_for(req.headers.get("Accept-Encoding"))


@lru_cache(maxsize=128)  # a handful of browsers' headers make nearly every request's
def encoding_for(header: str | None) -> str | None:
    """`accepted_encoding` for an Accept-Encoding header's value."""
    if not header:
        return None
    accepted = parse_accept_header(header)
    for encoding in ("br", "gzip"):
        if accepted.quality(encoding) > 0 and (encoding in header or "*" in header):
            return encoding
    return None


def compress(data: bytes, encoding: str, quality: int) -> bytes:
    """`data` whole in one encoding."""
    if encoding == "br":
        return brotli.compress(data, quality=quality, mode=brotli.MODE_TEXT)  # type: ignore[no-any-return]
    return gzip.compress(data, compresslevel=quality, mtime=0)


@dataclass(frozen=True)
class CompressedPrefix:
    """The shared start of a body, compressed once, ready to be followed by any tail."""

    encoding: str
    data: bytes  # an unfinished stream that ends on a byte boundary
    crc: int  # gzip: CRC-32 of the prefix, continued over the tail
    size: int


def compress_prefix(prefix: bytes, encoding: str) -> CompressedPrefix:
    """Compress `prefix` as the start of a stream that per-visitor bytes will finish."""
    if encoding == "br":
        compressor = brotli.Compressor(quality=ONCE["br"], mode=brotli.MODE_TEXT)
        data = compressor.process(prefix) + compressor.flush()
        return CompressedPrefix("br", data, 0, len(prefix))
    deflate = zlib.compressobj(ONCE["gzip"], zlib.DEFLATED, -zlib.MAX_WBITS)
    data = GZIP_HEADER + deflate.compress(prefix) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return CompressedPrefix("gzip", data, zlib.crc32(prefix), len(prefix))


def join_compressed(prefix: CompressedPrefix, tail: bytes) -> bytes:
    """The whole compressed body: the prefix as compressed once, then `tail` stored as it is.

    Both formats allow an uncompressed block after compressed ones (RFC 1951 3.2.4 stored
    blocks, RFC 7932 9.2 ISUNCOMPRESSED meta-blocks); the tail is a few hundred random bytes
    (tokens) that would hardly compress anyway.
    """
    if prefix.encoding == "br":
        return prefix.data + _brotli_uncompressed(tail) + BROTLI_LAST_EMPTY
    blocks = [prefix.data]
    for start in range(0, len(tail), 0xFFFF):
        chunk = tail[start : start + 0xFFFF]
        blocks += [b"\x00", struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF), chunk]
    blocks.append(b"\x01\x00\x00\xff\xff")  # an empty final stored block ends the stream
    crc = zlib.crc32(tail, prefix.crc)
    blocks.append(struct.pack("<II", crc, (prefix.size + len(tail)) & 0xFFFFFFFF))
    return b"".join(blocks)


def _brotli_uncompressed(data: bytes) -> bytes:
    """Uncompressed brotli meta-blocks holding `data` (each header ends on a byte boundary)."""
    blocks = []
    for start in range(0, len(data), 1 << 16):
        chunk = data[start : start + (1 << 16)]
        # ISLAST=0, MNIBBLES=4 (code 0), MLEN-1 in 16 bits, ISUNCOMPRESSED=1: 20 bits, padded.
        header = ((len(chunk) - 1) << 3) | (1 << 19)
        blocks += [header.to_bytes(3, "little"), chunk]
    return b"".join(blocks)


@lru_cache(maxsize=256)
def _compressed_once(data: bytes, encoding: str) -> bytes:
    return compress(data, encoding, ONCE[encoding])


def _compress(response: Response) -> Response:
    if getattr(response, "encoded_by_page_cache", False):  # encoded (or not) as asked already
        return response
    if (
        response.status_code < 200
        or response.status_code in (204, 206, 304)
        or response.mimetype not in COMPRESSIBLE
        or response.is_streamed
        and not response.direct_passthrough
        or "Content-Encoding" in response.headers  # the page cache compressed it already
    ):
        return response
    if "Accept-Encoding" not in response.headers.get("Vary", ""):
        response.vary.add("Accept-Encoding")
    encoding = accepted_encoding(request)
    if encoding is None:
        return response
    response.direct_passthrough = False  # read static files into memory to compress them
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    # Versioned static files are immutable: compress each once per process.
    if request.endpoint == "static" and request.args.get("v"):
        compressed = _compressed_once(data, encoding)
    else:
        compressed = compress(data, encoding, PER_RESPONSE[encoding])
    response.set_data(compressed)
    response.headers["Content-Encoding"] = encoding
    return _etag_per_encoding(response, encoding)


def _etag_per_encoding(response: Response, encoding: str) -> Response:
    """The identity ETag names other bytes: mark it with the encoding; answer 304 to it."""
    etag, weak = response.get_etag()
    if etag is None:
        return response
    response.set_etag(f"{etag}-{encoding}", weak=weak)
    if request.method in ("GET", "HEAD") and request.if_none_match.contains_weak(
        f"{etag}-{encoding}"
    ):
        response.status_code = 304
        response.set_data(b"")
        del response.headers["Content-Encoding"]
        response.headers.pop("Content-Length", None)
    return response
