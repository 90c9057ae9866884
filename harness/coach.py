"""The coach's studio login, for tests and benchmarks that work as the coach."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from blueprints.shared.extensions import db
from blueprints.studio.models import User

COACH_EMAIL = "maya@example.com"
COACH_PASSWORD = "correct horse battery staple"


def create_coach(app: Flask, email: str = COACH_EMAIL, password: str = COACH_PASSWORD) -> int:
    """A studio login in the database; returns its id."""
    with app.app_context():
        user = User(email=email)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user.id


def log_in(client: FlaskClient, email: str = COACH_EMAIL, password: str = COACH_PASSWORD):  # type: ignore[no-untyped-def]
    """Post the login form; returns the response."""
    return client.post("/studio/login", data={"email": email, "password": password})


def coach_client(app: Flask) -> FlaskClient:
    """A client logged in as the coach."""
    create_coach(app)
    client = app.test_client()
    assert log_in(client).status_code == 302
    return client


def csrf_token_from(html: str) -> str:
    """The CSRF token a rendered page carries."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert match, "the page has no CSRF token"
    return match.group(1)
