"""Cached pages are compressed once per version and encoding, yet each visitor gets their own
working tokens; compressed answers carry their own ETags; a first visit is only given a cookie
when the page has a form that needs one."""

from __future__ import annotations

import gzip
import os
import re
import zlib

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.shared.compression import compress_prefix, join_compressed
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import make_app, shutdown_app

ENCODINGS = {"br": brotli.decompress, "gzip": gzip.decompress}
PUBLIC_PAGES = ["/", "/blog/", "/drills/", "/programs/", "/contact/"]


def decoded(response) -> str:  # type: ignore[no-untyped-def]
    """The body as the browser reads it, whatever the encoding."""
    encoding = response.headers.get("Content-Encoding")
    data = ENCODINGS[encoding](response.data) if encoding else response.data
    return data.decode()


def without_visitor_values(html: str) -> str:
    """The page with this visitor's CSRF token and form stamps blanked out."""
    html = re.sub(r'(csrf_token"? (?:type="hidden" )?value=")[^"]+', r"\1", html)
    return re.sub(r'(form_started" type="hidden" value=")[^"]+', r"\1", html)


@pytest.fixture
def csrf_app(database_file) -> Flask:  # type: ignore[no-untyped-def]
    app = make_app(database_file, WTF_CSRF_ENABLED=True)
    with app.app_context():
        seed_demo_content()
    yield app
    shutdown_app(app)


@pytest.mark.parametrize("tail", [b"", b"</body></html>", os.urandom(70_000)])
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_prefix_compressed_once_joins_any_tail(encoding: str, tail: bytes) -> None:
    prefix = b"<!doctype html><p>" + b"Train the spine in every direction. " * 2000
    once = compress_prefix(prefix, encoding)
    body = join_compressed(once, tail)
    assert ENCODINGS[encoding](body) == prefix + tail
    assert len(body) < len(prefix) / 10 + len(tail) + 64


def test_a_cached_page_is_compressed_once_per_encoding(csrf_app: Flask) -> None:
    visitors = [csrf_app.test_client() for _ in range(4)]
    pages = {}
    for number, visitor in enumerate(visitors):
        for accept, encoding in (("gzip, br", "br"), ("gzip", "gzip"), ("", None)):
            response = visitor.get("/blog/", headers={"Accept-Encoding": accept} if accept else {})
            assert response.headers.get("Content-Encoding") == encoding
            assert {"Accept-Encoding", "Cookie"} <= set(response.vary)
            pages[(number, accept)] = decoded(response)
    store = csrf_app.extensions["page_cache"]
    (entry,) = [e for key, e in store.entries.items() if key.startswith("/blog/?")]
    assert entry.compressions == 2  # br and gzip, once each, for 4 visitors x 2 encodings
    assert len({without_visitor_values(html) for html in pages.values()}) == 1
    tokens = {re.search(r'csrf_token" value="([^"]+)"', html)[1] for html in pages.values()}
    assert len(tokens) == 4  # the bytes are shared, the tokens are each visitor's own


def test_each_visitor_posts_with_the_token_from_their_compressed_page(csrf_app: Flask) -> None:
    ada, bob = csrf_app.test_client(), csrf_app.test_client()
    pages = [decoded(c.get("/", headers={"Accept-Encoding": "br"})) for c in (ada, bob)]
    ada_token, bob_token = (re.search(r'csrf_token" value="([^"]+)"', p)[1] for p in pages)
    stolen = bob.post("/theme", data={"theme": "dark", "csrf_token": ada_token})
    assert stolen.status_code == 400
    own = bob.post("/theme", data={"theme": "dark", "csrf_token": bob_token})
    assert own.status_code == 303 and bob.get_cookie("theme").value == "dark"


@pytest.mark.parametrize("path", PUBLIC_PAGES + ["/blog/first-steps-after-a-flare-up"])
def test_per_visitor_inputs_sit_at_the_end_of_every_cached_page(
    seeded_app: Flask, path: str
) -> None:
    client = seeded_app.test_client()
    if path.startswith("/blog/first"):  # the newest article, whatever its slug
        path = re.search(r'href="(/blog/[a-z0-9-]+)"', client.get("/blog/").text)[1]
    assert client.get(path).status_code == 200
    store = seeded_app.extensions["page_cache"]
    entry = next(e for key, e in store.entries.items() if key.startswith(f"{path}?\npage"))
    # Everything before the tail is shared (compressed once); the tail is a few inputs.
    assert len(entry.tail) < 1_500, entry.tail
    assert set(re.findall(r"</?([a-z]+)", entry.tail)) <= {"input", "body", "html"}
    assert b"</footer>" in entry.prefix and entry.prefix.endswith(b'value="')


def test_a_first_visit_gets_a_cookie_only_where_a_form_needs_it(csrf_app: Flask) -> None:
    partial = csrf_app.test_client().get(
        "/drills/?direction=rotation", headers={"HX-Request": "true", "Accept-Encoding": "br"}
    )
    assert partial.status_code == 200 and "Set-Cookie" not in partial.headers
    visitor = csrf_app.test_client()
    page = visitor.get("/drills/", headers={"Accept-Encoding": "br"})
    assert "Set-Cookie" in page.headers  # the footer's theme switch is a form: it needs CSRF
    again = visitor.get("/drills/", headers={"Accept-Encoding": "br"})
    assert "Set-Cookie" not in again.headers  # a returning visitor is not sent it again


def test_an_edit_is_compressed_anew(seeded_app: Flask) -> None:
    from blueprints.drills.models import Drill

    client = seeded_app.test_client()
    client.get("/drills/", headers={"Accept-Encoding": "br"})
    with seeded_app.app_context():
        drill = db.session.scalars(db.select(Drill).limit(1)).one()
        drill.name = "Renamed while cached"
        db.session.commit()
    html = decoded(client.get("/drills/", headers={"Accept-Encoding": "br"}))
    assert "Renamed while cached" in html


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_compressed_static_files_have_their_own_etag_and_304(
    client: FlaskClient, encoding: str
) -> None:
    url = re.search(r'src="(/static/js/htmx\.min\.js\?v=[^"]+)"', client.get("/").text)[1]

    def get(**headers: str):  # type: ignore[no-untyped-def]
        with client.get(url, headers=headers) as response:  # closes the static file
            response.get_data()
            return response

    identity = get()
    compressed = get(**{"Accept-Encoding": encoding})
    etag = compressed.headers["ETag"]
    assert compressed.headers["Content-Encoding"] == encoding
    assert etag != identity.headers["ETag"] and encoding in etag
    assert ENCODINGS[encoding](compressed.data) == identity.data
    again = get(**{"Accept-Encoding": encoding, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = "gzip" if encoding == "br" else "br"
    elsewhere = get(**{"Accept-Encoding": other, "If-None-Match": etag})
    assert elsewhere.status_code == 200 and elsewhere.headers["Content-Encoding"] == other
    plain = get(**{"If-None-Match": etag})
    assert plain.status_code == 200 and plain.data == identity.data


def test_gzip_stream_checks_its_crc() -> None:
    """The stored tail is covered by the stream's CRC: a changed byte is caught by any reader."""
    body = bytearray(join_compressed(compress_prefix(b"x" * 5000, "gzip"), b"tail bytes"))
    body[-12] ^= 1  # a byte of the stored tail
    with pytest.raises((OSError, zlib.error)):
        gzip.decompress(bytes(body))


def test_session_cookies_and_tokens_stay_flasks_own(csrf_app: Flask) -> None:
    """The kept serializers write what Flask and Flask-WTF read, and read what they wrote, so
    cookies from before an upgrade still work."""
    from flask.sessions import SecureCookieSessionInterface
    from flask_wtf.csrf import validate_csrf

    visitor = csrf_app.test_client()
    html = visitor.get("/").text
    token = re.search(r'csrf_token" value="([^"]+)"', html)[1]
    cookie = visitor.get_cookie("session").value
    flasks_own = SecureCookieSessionInterface().get_signing_serializer(csrf_app)
    raw = flasks_own.loads(cookie)["csrf_token"]
    with csrf_app.test_request_context():
        from flask import session

        session["csrf_token"] = raw
        validate_csrf(token)  # raises if Flask-WTF would refuse it
    older = csrf_app.test_client()
    older.set_cookie("session", flasks_own.dumps({"csrf_token": "f" * 40}))
    page = older.get("/")
    assert "Set-Cookie" not in page.headers  # read as it was: nothing to write back
    older_token = re.search(r'csrf_token" value="([^"]+)"', page.text)[1]
    assert (
        older.post("/theme", data={"theme": "dark", "csrf_token": older_token}).status_code == 303
    )
