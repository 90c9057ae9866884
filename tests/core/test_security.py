"""Headers that protect visitors, on every kind of response; pages left for nginx to compress."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient


def _assert_protective_headers(headers) -> None:  # type: ignore[no-untyped-def]
    csp = headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/", {}, 200),
        ("/drills/", {"HX-Request": "true"}, 200),
        ("/missing", {}, 404),
        ("/missing", {"HX-Request": "true"}, 404),
        ("/robots.txt", {}, 200),
    ],
)
def test_security_headers_on_pages_partials_and_errors(
    seeded_client: FlaskClient, path: str, headers: dict[str, str], status: int
) -> None:
    response = seeded_client.get(path, headers=headers)
    assert response.status_code == status
    _assert_protective_headers(response.headers)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def test_hsts_only_over_https(client: FlaskClient) -> None:
    response = client.get("/", base_url="https://coach.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient) -> None:
    client.get("/studio/login")  # its CSRF token puts a session cookie (public pages set none)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


@pytest.mark.parametrize("accept", ["gzip, deflate, br, zstd", "br;q=0, gzip;q=0", ""])
def test_pages_are_sent_whole_for_the_proxy_to_compress(
    seeded_client: FlaskClient, accept: str
) -> None:
    # nginx (deploy/) compresses with gzip and brotli; the app sends the page as it is, and says
    # a cache must keep the encodings apart.
    response = seeded_client.get("/", headers={"Accept-Encoding": accept} if accept else {})
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"<!doctype html>")
    assert "Accept-Encoding" in response.vary


@pytest.mark.parametrize("path", ["/static/js/htmx.min.js", "/static/css/site.css"])
def test_versioned_static_files_are_immutable_and_lean(client: FlaskClient, path: str) -> None:
    html = client.get("/").get_data(as_text=True)
    url = re.search(rf'"({re.escape(path)}\?v=[0-9a-f]+)"', html)
    assert url, f"{path} is not linked with a version"
    with client.get(url[1], headers={"Accept-Encoding": "gzip, br"}) as response:
        assert "Content-Encoding" not in response.headers  # nginx serves and compresses them
        assert response.cache_control.max_age == 31536000
        assert response.cache_control.immutable
        assert not response.cache_control.no_cache
        # Only the headers a file needs: it can run nothing, and is never sniffed.
        assert (
            response.headers["Content-Security-Policy"]
            == "default-src 'none'; frame-ancestors 'none'"
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        for idle in ("Content-Disposition", "Expires", "Last-Modified", "X-Frame-Options"):
            assert idle not in response.headers


def test_favicon_is_inlined_in_the_page(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="data:image/svg\+xml,([^"]+)">', html)
    assert icon, "the favicon is not inlined: a first view would spend a request on it"
    svg = (Path(__file__).resolve().parents[2] / "static/img/favicon.svg").read_text().strip()
    assert unquote(icon[1]) == svg


def test_trusted_hosts_reject_other_hosts(database_file) -> None:  # type: ignore[no-untyped-def]
    from harness import make_app, shutdown_app

    app = make_app(database_file, TRUSTED_HOSTS=["coach.example"])
    try:
        client = app.test_client()
        assert client.get("/", base_url="http://coach.example").status_code == 200
        assert client.get("/", base_url="http://evil.example").status_code == 400
    finally:
        shutdown_app(app)


REFERRER_POLICY = "strict-origin-when-cross-origin"


def test_static_files_carry_the_referrer_policy(client: FlaskClient) -> None:
    """N8: the app's static route answered without one (a file opened as a document links out)."""
    html = client.get("/").get_data(as_text=True)
    versioned = re.search(r'"(/static/css/site\.css\?v=[0-9a-f]+)"', html)
    assert versioned
    plain = client.get("/static/css/site.css")
    answers = [
        client.get(versioned[1]),
        plain,
        client.get("/static/css/site.css", headers={"If-None-Match": plain.headers["ETag"]}),
        client.get("/static/no-such-file.css"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 304, 404]
    for answer in answers:
        assert answer.headers.get("Referrer-Policy") == REFERRER_POLICY, answer.request.url
        answer.close()


def test_every_page_without_arguments_carries_the_referrer_policy(
    seeded_client: FlaskClient,
) -> None:
    app = seeded_client.application
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
    )
    assert len(paths) > 20
    for path in paths:
        response = seeded_client.get(path)
        # /healthz answers 503 by design while a check fails (no backup yet here).
        assert response.status_code < 500 or path == "/healthz", path
        assert response.headers.get("Referrer-Policy") == REFERRER_POLICY, path
        response.close()
