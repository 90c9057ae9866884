"""The colour theme switch, the page cache's per-visitor theme, and the printable view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from blueprints.shared.validators import same_site_path
from harness import make_app, shutdown_app

DRILL = "/drills/jefferson-curl"


def html_theme(html: str) -> str:
    """The theme the server wrote on <html>."""
    match = re.search(r'<html lang="en" data-theme="([^"]*)"', html)
    assert match, "no data-theme on <html>"
    return match.group(1)


def pressed(html: str) -> dict[str, str]:
    """The switch's buttons: {theme: aria-pressed}."""
    buttons = re.findall(r'name="theme" value="(\w+)" aria-pressed="([^"]*)"', html)
    return dict(buttons)


def page(client: FlaskClient, path: str = DRILL) -> str:
    """A page's HTML, asserting it came back whole."""
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_first_visit_follows_the_system(seeded_client: FlaskClient) -> None:
    html = page(seeded_client)
    assert html_theme(html) == "system"
    assert pressed(html) == {"light": "false", "dark": "false", "system": "true"}


@pytest.mark.parametrize("theme", ["light", "dark", "system"])
def test_the_switch_remembers_the_choice_and_goes_back(
    seeded_client: FlaskClient, theme: str
) -> None:
    response = seeded_client.post("/theme", data={"theme": theme, "next": f"{DRILL}?print=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{DRILL}?print=1"
    html = page(seeded_client)
    assert html_theme(html) == theme
    assert pressed(html)[theme] == "true"
    assert list(pressed(html).values()).count("true") == 1


def test_the_cookie_lasts_a_year_and_scripts_cannot_read_it(seeded_client: FlaskClient) -> None:
    response = seeded_client.post("/theme", data={"theme": "dark", "next": "/"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("theme=dark;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_choosing_the_system_again_forgets_the_cookie(seeded_client: FlaskClient) -> None:
    seeded_client.post("/theme", data={"theme": "dark", "next": "/"})
    seeded_client.post("/theme", data={"theme": "system", "next": "/"})
    assert seeded_client.get_cookie("theme") is None
    assert html_theme(page(seeded_client)) == "system"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " /blog/",
        "javascript:alert(1)",
        "blog/",
        "",
    ],
)
def test_the_switch_never_redirects_off_the_site(seeded_client: FlaskClient, target: str) -> None:
    response = seeded_client.post("/theme", data={"theme": "dark", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_page_answering_a_post_sends_the_switch_home_not_to_the_post_address(
    seeded_client: FlaskClient,
) -> None:
    refused = seeded_client.post("/programs/back-basics-group-course/signup", data={})
    assert refused.status_code == 422 and "<html" in refused.get_data(as_text=True)
    switch = refused.get_data(as_text=True).split('class="theme-switch"')[1].split("</form>")[0]
    assert 'name="next"' not in switch  # a GET of the signup address would be a 405
    back = seeded_client.post("/theme", data={"theme": "dark"})
    assert back.headers["Location"] == "/"
    assert 'name="next" value="/drills/?direction=rotation"' in page(
        seeded_client, "/drills/?direction=rotation"
    )


@pytest.mark.parametrize("theme", ["", "sepia", "DARK", "dark "])
def test_an_unknown_theme_is_refused_and_nothing_is_set(
    seeded_client: FlaskClient, theme: str
) -> None:
    response = seeded_client.post("/theme", data={"theme": theme, "next": "/"})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "theme=" not in response.headers["Set-Cookie"]


def test_a_forged_cookie_value_falls_back_to_the_system(seeded_client: FlaskClient) -> None:
    seeded_client.set_cookie("theme", '"><script>alert(1)</script>')
    html = page(seeded_client)
    assert html_theme(html) == "system"
    assert "<script>alert" not in html


def test_the_switch_refuses_another_sites_post(database_file: Path) -> None:
    app = make_app(database_file, WTF_CSRF_ENABLED=True)
    try:
        client = app.test_client()
        html = page(client, "/privacy")
        assert "csrf_token" not in html  # the page is the same for everyone
        foreign = {"Origin": "https://other.example", "Sec-Fetch-Site": "cross-site"}
        form = {"theme": "dark", "next": "/privacy"}
        refused = client.post("/theme", data=form, headers=foreign)
        assert refused.status_code == 403 and client.get_cookie("theme") is None
        own = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
        done = client.post("/theme", data=form, headers=own)
        assert done.status_code == 303 and client.get_cookie("theme").value == "dark"
    finally:
        shutdown_app(app)


def test_each_visitor_gets_their_own_theme_and_caches_keep_them_apart(seeded_app: Flask) -> None:
    dark, light, unset = (seeded_app.test_client() for _ in range(3))
    dark.set_cookie("theme", "dark")
    light.set_cookie("theme", "light")
    first = dark.get(DRILL)
    pages = {
        "dark": first.get_data(as_text=True),
        "light": page(light),
        "system": page(unset),
        "dark again": page(dark),
    }
    for visitor, html in pages.items():
        theme = visitor.split()[0]
        assert html_theme(html) == theme, visitor
        assert pressed(html) == {t: str(t == theme).lower() for t in ("light", "dark", "system")}
    # A shared cache keeps a copy per cookie (nginx keys on $cookie_theme).
    assert "Cookie" in first.headers["Vary"] and "public" in first.headers["Cache-Control"]


def test_the_print_view_shows_the_print_sheet_on_screen(seeded_client: FlaskClient) -> None:
    html = page(seeded_client)
    assert '<html lang="en" data-theme="system">' in html
    assert f'<a href="{DRILL}?print=1" data-print>Print this drill</a>' in html
    printable = page(seeded_client, f"{DRILL}?print=1")
    assert '<html lang="en" data-theme="system" class="print-view">' in printable
    assert '<meta name="robots" content="noindex">' in printable
    assert "This is the page as it prints" in printable


def test_the_printed_address_comes_from_site_url(database_file: Path) -> None:
    app = make_app(database_file, SITE_URL="https://strongspine.example")
    try:
        with app.app_context():
            seed_demo_content()
            db.session.remove()
        html = page(app.test_client(), f"{DRILL}?print=1")
        address = f'<p class="print-address wrap">https://strongspine.example{DRILL}</p>'
        assert address in html
    finally:
        shutdown_app(app)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/drills/?direction=rotation", "/drills/?direction=rotation"),
        ("/", "/"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("/\t/evil.example", None),
        ("/a b", None),
        ("http://evil.example/", None),
        ("/x\x7f", None),
        (None, None),
    ],
)
def test_same_site_path(target: str | None, expected: str | None) -> None:
    assert same_site_path(target) == expected
