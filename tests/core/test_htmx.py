"""The one htmx helper: only real htmx requests get partials, and caches are told so."""

from __future__ import annotations

import pytest
from flask import Flask

from blueprints.shared.htmx import is_htmx_request, render_page_or_partial


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


def test_page_or_partial_switches_and_varies(app: Flask) -> None:
    with app.test_request_context("/", headers={"HX-Request": "true"}):
        partial = render_page_or_partial(
            "errors/error.html", "errors/_error.html", 404, code=404, message="m"
        )
    with app.test_request_context("/"):
        page = render_page_or_partial(
            "errors/error.html", "errors/_error.html", 404, code=404, message="m"
        )
    assert "<html" not in partial.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    for response in (partial, page):
        assert "HX-Request" in response.vary
        assert response.status_code == 404


def test_every_page_carries_the_csrf_token_for_htmx(database_file) -> None:  # type: ignore[no-untyped-def]
    from harness import make_app, shutdown_app

    app = make_app(database_file, WTF_CSRF_ENABLED=True)
    try:
        html = app.test_client().get("/").get_data(as_text=True)
        assert 'hx-headers=\'{"X-CSRFToken": "' in html
    finally:
        shutdown_app(app)
