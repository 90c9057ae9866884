"""The one htmx helper: only real htmx requests get partials, and caches are told so."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.shared.htmx import is_htmx_request


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "false"}, False),
    ],
)
def test_is_htmx_request(app: Flask, headers: dict[str, str], expected: bool) -> None:
    with app.test_request_context("/", headers=headers):
        assert is_htmx_request() is expected


def test_page_or_partial_switches_and_varies(client: FlaskClient) -> None:
    partial = client.get("/no-such-page", headers={"HX-Request": "true"})
    page = client.get("/no-such-page")
    assert "<html" not in partial.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    for response in (partial, page):
        assert "HX-Request" in response.vary
        assert response.status_code == 404


def test_a_response_that_never_asked_does_not_vary(app: Flask) -> None:
    with app.test_request_context("/"):
        response = app.make_response("plain")
        response = app.process_response(response)
    assert "HX-Request" not in response.vary


LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')


@dataclass(frozen=True)
class Answer:
    """What a test needs of a response once it is closed."""

    status: int
    is_page: bool
    vary: frozenset[str]


def answer_to(client: FlaskClient, url: str, **headers: str) -> tuple[Answer, str]:
    """The answer to a GET of `url`, and its text when it is HTML."""
    # Closed before returning: a streamed download would hold its app context open.
    with client.get(url, headers=headers) as response:
        text = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        answer = Answer(response.status_code, "<html" in text, frozenset(response.vary))
    return answer, text


def crawl(client: FlaskClient, start: list[str], limit: int = 400) -> dict[str, Answer]:
    """Every same-site GET address reachable from `start` by links and hx-get attributes, with
    the answer a plain request got."""
    seen: dict[str, Answer] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = html.unescape(queue.pop(0))
        if url in seen or url.startswith(("/static/", "/studio/logout")):
            continue
        seen[url], text = answer_to(client, url)
        queue.extend(LINK.findall(text))
    return seen


def test_every_route_that_answers_htmx_differently_says_so(seeded_app: Flask) -> None:
    """Crawl the public site and the studio; wherever htmx gets another answer, both vary."""
    from harness.coach import coach_client

    client = coach_client(seeded_app)
    plain_answers = crawl(
        client, ["/", "/studio/", "/drills/?direction=rotation", "/blog/search?q=back"]
    )
    differing = []
    for url, plain in sorted(plain_answers.items()):
        htmx, _ = answer_to(client, url, **{"HX-Request": "true"})
        if plain.is_page != htmx.is_page or plain.status != htmx.status:
            differing.append(url)
            assert "HX-Request" in plain.vary, url
            assert "HX-Request" in htmx.vary, url
    assert len(plain_answers) > 60  # the crawl reached the site, not just the home page
    assert any(url.startswith("/drills/?") for url in differing)
    assert any(url.startswith("/studio/") for url in differing)
    assert any(url.startswith("/blog/search") for url in differing), differing


def test_the_studio_and_me_carry_the_csrf_token_for_htmx_and_public_pages_none(
    database_file,
) -> None:  # type: ignore[no-untyped-def]
    """The signed-in areas put it on <body hx-headers> for every htmx request; public pages are
    the same bytes for everyone, so they carry no token (origin_check guards their forms)."""
    from harness import make_app, shutdown_app

    app = make_app(database_file, WTF_CSRF_ENABLED=True)
    try:
        client = app.test_client()
        for path in ("/studio/login", "/me/"):
            assert 'hx-headers=\'{"X-CSRFToken": "' in client.get(path).text, path
        for path in ("/", "/privacy", "/drills/"):
            assert "csrf" not in client.get(path).text.lower(), path
        answer = client.post("/theme", data={"theme": "dark"})
        assert answer.status_code == 303  # the public theme switch needs no token
    finally:
        shutdown_app(app)
