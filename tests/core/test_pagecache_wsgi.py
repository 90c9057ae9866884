"""Cache hits answered before Flask send what Flask's own path sends, and only when that is safe.

A page's second request (from any visitor) is answered by `pagecache_wsgi` without Flask: seen
here as Flask's `request_started` signal not firing. The same request with the layer bypassed
goes through Flask's path; the two answers must match byte for byte but for the visitor's own
tokens and cookie.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, Response, request_started

from blueprints.shared.extensions import db
from blueprints.shared.pagecache_wsgi import CachedPageLayer
from blueprints.shared.seed import seed_demo_content
from harness import make_app, shutdown_app

from .test_page_compression import decoded, without_visitor_values

PAGES = [
    ("/", {}),
    ("/blog/", {}),
    ("/drills/", {}),
    ("/drills/?direction=rotation", {"HX-Request": "true"}),
    ("/programs/", {}),
    ("/contact/", {}),
]
TOKEN = r'name="csrf_token"(?: type="hidden")? value="([^"]+)"'
ENCODINGS = [{}, {"Accept-Encoding": "gzip, br"}, {"Accept-Encoding": "gzip"}]


@pytest.fixture
def csrf_app(database_file) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    # The layer answers only while this process read the content version recently; an hour
    # keeps a slow machine's render-and-compress of the first request from counting as stale.
    app = make_app(database_file, WTF_CSRF_ENABLED=True, PAGE_CACHE_VERSION_SECONDS=3600)
    with app.app_context():
        seed_demo_content()
    yield app
    shutdown_app(app)


@contextmanager
def flask_requests(app: Flask) -> Iterator[list[str]]:
    """The paths Flask itself dispatched while the block ran."""
    seen: list[str] = []

    def started(sender: Flask, **_: object) -> None:
        from flask import request

        seen.append(request.full_path)

    request_started.connect(started, app)
    try:
        yield seen
    finally:
        request_started.disconnect(started, app)


@contextmanager
def layer_bypassed(app: Flask) -> Iterator[None]:
    """Flask's own path only, as before the layer existed."""
    layer = app.wsgi_app
    assert isinstance(layer, CachedPageLayer)
    app.wsgi_app = layer.wsgi_app  # type: ignore[method-assign]
    try:
        yield
    finally:
        app.wsgi_app = layer  # type: ignore[method-assign]


def comparable(response: Response) -> tuple[int, dict[str, str], str]:
    headers = {k: v for k, v in response.headers.items() if k not in ("Set-Cookie",)}
    if "Content-Encoding" in headers:  # a different token compresses to a different length
        headers.pop("Content-Length")
    return response.status_code, headers, without_visitor_values(decoded(response))


def cookie_names(response: Response) -> list[str]:
    return sorted(c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("path, headers", PAGES)
@pytest.mark.parametrize("encoding", ENCODINGS, ids=["identity", "gzip-br", "gzip"])
def test_a_hit_answered_early_is_what_flask_would_send(
    csrf_app: Flask, path: str, headers: dict[str, str], encoding: dict[str, str]
) -> None:
    asked = {**headers, **encoding}
    csrf_app.test_client().get(path, headers=asked)  # fills the cache
    with flask_requests(csrf_app) as dispatched:
        early = csrf_app.test_client().get(path, headers=asked)
    assert dispatched == [], "the second visitor's request still went through Flask"
    with layer_bypassed(csrf_app), flask_requests(csrf_app) as dispatched:
        through_flask = csrf_app.test_client().get(path, headers=asked)
    assert dispatched, "bypassing the layer did not reach Flask"
    assert comparable(early) == comparable(through_flask)
    assert cookie_names(early) == cookie_names(through_flask)


def test_a_first_visit_answered_early_gets_a_working_csrf_token(csrf_app: Flask) -> None:
    csrf_app.test_client().get("/")
    visitor = csrf_app.test_client()
    with flask_requests(csrf_app) as dispatched:
        page = visitor.get("/")
    assert dispatched == []
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = re.search(TOKEN, page.text)
    assert token, "no CSRF token on the page"
    # The footer's theme switch is a POST checked for CSRF: the early token passes ...
    switched = visitor.post("/theme", data={"theme": "dark", "csrf_token": token.group(1)})
    assert switched.status_code == 303
    # ... and a made-up one does not.
    forged = csrf_app.test_client().post("/theme", data={"theme": "dark", "csrf_token": "x.y.z"})
    assert forged.status_code == 400


def test_a_returning_visitor_keeps_their_token_and_gets_no_new_cookie(csrf_app: Flask) -> None:
    visitor = csrf_app.test_client()
    first = visitor.get("/blog/")
    with flask_requests(csrf_app) as dispatched:
        again = visitor.get("/blog/")
    assert dispatched == []
    assert re.findall(TOKEN, first.text) == re.findall(TOKEN, again.text) != []
    assert "Set-Cookie" not in again.headers


def test_a_signed_in_coach_is_answered_by_flask(csrf_app: Flask) -> None:
    csrf_app.test_client().get("/")
    coach = csrf_app.test_client()
    with coach.session_transaction() as session:
        session["_user_id"] = "1"
    with flask_requests(csrf_app) as dispatched:
        coach.get("/")
    assert dispatched == ["/?"]


def test_the_zone_picker_still_remembers_a_zone_from_a_cached_page(csrf_app: Flask) -> None:
    path = "/contact/?tz=America/Chicago"
    assert csrf_app.test_client().get(path).status_code == 200
    again = csrf_app.test_client().get(path)  # cached now; contact's hook must still run
    assert any(c.startswith("tz=America/Chicago") for c in again.headers.getlist("Set-Cookie"))


def test_an_app_wide_hook_it_does_not_know_turns_it_off(database_file) -> None:  # type: ignore[no-untyped-def]
    app = make_app(database_file)
    with app.app_context():
        seed_demo_content()

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-Served-By"] = "flask"
        return response

    try:
        app.test_client().get("/")
        again = app.test_client().get("/")
        assert again.headers.get("X-Served-By") == "flask"
    finally:
        shutdown_app(app)


def test_an_edit_is_not_hidden_by_an_early_answer(csrf_app: Flask) -> None:
    from sqlalchemy import select

    from blueprints.blog.models import Post

    csrf_app.test_client().get("/blog/")
    with csrf_app.app_context():
        article = db.session.scalars(select(Post).where(Post.status == "published")).first()
        article.title = "A title nobody has seen before"
        db.session.commit()
    # The edit was made in this process: its next request re-reads the version (Flask's path).
    assert "A title nobody has seen before" in csrf_app.test_client().get("/blog/").text


def test_over_https_a_hit_carries_hsts(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    client.get("/", base_url="https://localhost")
    with flask_requests(csrf_app) as dispatched:
        secure = client.get("/", base_url="https://localhost")
    assert dispatched == []
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain.headers


def test_an_untrusted_host_is_refused_even_for_a_cached_page(database_file) -> None:  # type: ignore[no-untyped-def]
    app = make_app(database_file, TRUSTED_HOSTS=["strongspine.example"])
    with app.app_context():
        seed_demo_content()
    try:
        client = app.test_client()
        assert client.get("/", base_url="http://strongspine.example").status_code == 200
        assert client.get("/", base_url="http://strongspine.example").status_code == 200
        assert client.get("/", base_url="http://evil.example").status_code == 400
    finally:
        shutdown_app(app)


@pytest.mark.parametrize("payload", ["0" * 40, {"csrf_token": "ab" * 20}, {"note": "x" * 500}])
def test_the_quicker_signing_is_read_by_itsdangerous_and_reads_it(payload: object) -> None:
    """Session cookies and CSRF tokens made by KeptSignerSerializer are itsdangerous' own."""
    import hashlib
    import os

    from itsdangerous import URLSafeTimedSerializer
    from itsdangerous.signer import HMACAlgorithm

    from blueprints.shared.visitor import KeptSignerSerializer, OneCallSHA1HMAC

    key, value = os.urandom(24), os.urandom(100)
    assert OneCallSHA1HMAC().get_signature(key, value) == HMACAlgorithm(hashlib.sha1).get_signature(
        key, value
    )
    ours = KeptSignerSerializer("a secret", salt="wtf-csrf-token")
    library = URLSafeTimedSerializer("a secret", salt="wtf-csrf-token")
    assert library.loads(ours.dumps(payload)) == payload
    assert ours.loads(library.dumps(payload)) == payload
    other = URLSafeTimedSerializer("another secret", salt="wtf-csrf-token")
    with pytest.raises(Exception, match="Signature"):
        other.loads(ours.dumps(payload))


def test_junk_query_strings_cannot_grow_the_cache_past_its_bytes(
    csrf_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blueprints.shared import pagecache

    monkeypatch.setattr(pagecache, "MAX_BYTES", 200_000)
    client = csrf_app.test_client()
    for number in range(40):
        client.get(f"/drills/?junk={number}", headers={"Accept-Encoding": "gzip, br"})
        store = csrf_app.extensions["page_cache"]
        assert store.bytes == sum(entry.measure() for entry in store.entries.values())
        assert store.bytes <= 200_000
    assert 1 < len(store.entries) < 40
    # The newest page is still held and answered early.
    with flask_requests(csrf_app) as dispatched:
        client.get("/drills/?junk=39", headers={"Accept-Encoding": "gzip, br"})
    assert dispatched == []


def test_a_version_read_too_long_ago_sends_the_hit_through_flask(csrf_app: Flask) -> None:
    """Another worker may have changed the content: only Flask's path re-reads the version."""
    client = csrf_app.test_client()
    client.get("/")
    csrf_app.extensions["page_cache"].version_read_at -= 3601
    with flask_requests(csrf_app) as dispatched:
        client.get("/")
        client.get("/")
    assert dispatched == ["/?"], "only the first request after the pause re-reads the version"
