"""The studio's door: every route refuses a visitor, login is careful, logout forgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from blueprints.drills.models import Drill, DrillEquipment
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage, RateEvent
from blueprints.studio.auth import LOGIN_FAILED, TOO_MANY_ATTEMPTS
from blueprints.studio.models import User
from harness import make_app, shutdown_app
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach, csrf_token_from, log_in
from harness.studio import add_comment, add_enquiry, add_post, add_program, add_signup

SECRET = "zq-private-marker"


def _add_private_rows(app: Flask) -> None:
    """One row of everything the studio shows, each carrying a marker no visitor may see."""
    with app.app_context():
        post = add_post(title=f"Draft {SECRET}", status="draft")
        add_comment(post, f"reader-{SECRET}@example.com", body=f"comment {SECRET}")
        add_enquiry(email=f"{SECRET}@example.com", name=f"Name {SECRET}", message=SECRET)
        add_signup(add_program(title=f"Program {SECRET}"), f"signup-{SECRET}@example.com")
        drill = Drill(
            slug="marker-drill", name=f"Drill {SECRET}", direction="flexion", level="beginner"
        )
        drill.equipment = [DrillEquipment(name="none")]
        db.session.add(drill)
        db.session.add(
            OutboxMessage(
                kind="test", to_addr=f"{SECRET}@example.com", subject=SECRET, body_text=SECRET,
                status="failed", message_id="<marker@test>", last_error=SECRET,
            )
        )  # fmt: skip
        db.session.commit()


def _studio_requests(app: Flask) -> list[tuple[str, str]]:
    """(method, url) for every studio rule and method, except the login form itself."""
    requests = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] != "studio" or rule.endpoint == "studio.login":
                continue
            values = {
                name: 1 if isinstance(rule._converters[name], IntegerConverter) else "enquiries"
                for name in rule.arguments
            }
            url = url_for(rule.endpoint, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                requests.append((method, url))
    return requests


def test_every_studio_route_refuses_a_visitor_and_shows_nothing(
    app: Flask, client: FlaskClient
) -> None:
    _add_private_rows(app)
    requests = _studio_requests(app)
    assert len(requests) >= 40  # the enumeration really found the studio's routes
    assert any(url.startswith("/studio/") for _, url in requests)
    for method, url in requests:
        response = client.open(url, method=method, data={"email": "x@example.com"})
        assert response.status_code in (302, 401, 403), (method, url, response.status_code)
        if response.status_code == 302:
            assert response.location.startswith("/studio/login"), (method, url)
        assert SECRET not in response.get_data(as_text=True), (method, url)
    with app.app_context():  # and nothing was changed by all those POSTs
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        assert db.session.scalar(select(OutboxMessage.status)) == "failed"


def test_a_visitor_is_sent_to_login_and_comes_back_after(app: Flask, client: FlaskClient) -> None:
    create_coach(app)
    response = client.get("/studio/drills")
    assert response.status_code == 302
    assert response.location == "/studio/login?next=%2Fstudio%2Fdrills"
    form = client.get(response.location).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/studio/drills"' in form
    response = client.post(
        "/studio/login",
        data={"email": COACH_EMAIL, "password": COACH_PASSWORD, "next": "/studio/drills"},
    )
    assert response.status_code == 302 and response.location == "/studio/drills"
    assert client.get("/studio/drills").status_code == 200


def test_an_htmx_request_from_a_visitor_sends_the_whole_tab_to_login(client: FlaskClient) -> None:
    response = client.post("/studio/articles/preview", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/studio/login"
    assert response.get_data() == b""


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/studio/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "studio",
    ],
)
def test_login_never_redirects_off_the_site(app: Flask, client: FlaskClient, target: str) -> None:
    create_coach(app)
    response = client.post(
        "/studio/login", data={"email": COACH_EMAIL, "password": COACH_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.location == "/studio/"


def test_login_starts_a_new_session(app: Flask, client: FlaskClient) -> None:
    create_coach(app)
    client.get("/studio/login")
    with client.session_transaction() as session:
        session["planted_before_login"] = "fixation"
    assert log_in(client).status_code == 302
    with client.session_transaction() as session:
        assert "planted_before_login" not in session
        assert session["_user_id"] == "1"
    assert client.get("/studio/").status_code == 200


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    create_coach(app)
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("scrypt:")
    assert COACH_PASSWORD not in stored


def _form_error(html: str) -> str:
    start = html.index('<div class="form-error error-summary"')  # the error summary
    return html[start : html.index("</div>", start)]


def test_unknown_email_and_wrong_password_get_the_same_answer(
    app: Flask, client: FlaskClient
) -> None:
    create_coach(app)
    unknown = client.post(
        "/studio/login", data={"email": "nobody@example.com", "password": "whatever-it-is"}
    )
    wrong = client.post(
        "/studio/login", data={"email": COACH_EMAIL, "password": "not the password"}
    )
    assert unknown.status_code == wrong.status_code == 422
    unknown_html, wrong_html = unknown.get_data(as_text=True), wrong.get_data(as_text=True)
    assert LOGIN_FAILED in unknown_html
    assert _form_error(unknown_html) == _form_error(wrong_html)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_empty_login_form_shows_field_messages(client: FlaskClient) -> None:
    response = client.post("/studio/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and "Enter your email." in html
    assert 'aria-describedby="password-error"' in html


def test_login_attempts_per_email_are_limited(app: Flask, client: FlaskClient) -> None:
    create_coach(app)
    for _ in range(8):
        assert (
            client.post(
                "/studio/login", data={"email": COACH_EMAIL, "password": "guess"}
            ).status_code
            == 422
        )
    blocked = log_in(client)  # even the right password, once the limit is reached
    assert blocked.status_code == 429
    assert TOO_MANY_ATTEMPTS in blocked.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    with app.app_context():
        keys = db.session.scalars(select(RateEvent.key)).all()
    assert all(COACH_EMAIL not in key for key in keys)  # counted by hash, not in the clear


def test_login_attempts_per_address_are_limited(app: Flask, client: FlaskClient) -> None:
    create_coach(app)
    for number in range(20):
        client.post("/studio/login", data={"email": f"try{number}@example.com", "password": "x"})
    assert log_in(client).status_code == 429
    other_address = app.test_client()
    response = other_address.post(
        "/studio/login",
        data={"email": COACH_EMAIL, "password": COACH_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 302


def test_logout_is_a_post_and_forgets_the_session(app: Flask, client: FlaskClient) -> None:
    create_coach(app)
    log_in(client)
    assert client.get("/studio/logout").status_code == 405
    assert client.get("/studio/").status_code == 200
    response = client.post("/studio/logout")
    assert response.status_code == 302 and response.location == "/studio/login"
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/studio/").status_code == 302


@pytest.fixture
def csrf_app(database_file: Path):  # type: ignore[no-untyped-def]
    """The site with CSRF protection on, as in production."""
    application = make_app(database_file, WTF_CSRF_ENABLED=True)
    yield application
    shutdown_app(application)


def test_studio_posts_need_the_csrf_token(csrf_app: Flask) -> None:
    create_coach(csrf_app)
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/studio/login").get_data(as_text=True))
    assert (
        client.post(
            "/studio/login", data={"email": COACH_EMAIL, "password": COACH_PASSWORD}
        ).status_code
        == 400
    )
    response = client.post(
        "/studio/login",
        data={"email": COACH_EMAIL, "password": COACH_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    page = client.get("/studio/availability").get_data(as_text=True)
    without = client.post("/studio/availability/days-off", data={"day": "2099-01-01"})
    assert without.status_code == 400
    with_token = client.post(
        "/studio/availability/days-off",
        data={"day": "2099-01-01", "csrf_token": csrf_token_from(page)},
    )
    assert with_token.status_code == 302
