"""A NUL byte wherever a visitor can put one: a clear answer, never a 500.

PostgreSQL refuses NUL in any text it stores or compares, so these matter most there (the whole
suite runs on PostgreSQL too: TEST_POSTGRES=1 make test).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from harness.coach import create_coach


@pytest.mark.parametrize(
    "path",
    [
        "/blog/%00",
        "/blog/hips%00",
        "/blog/tag/%00",
        "/blog/%00/cover",
        "/drills/%00/video",
        "/programs/%00",
    ],
)
def test_an_address_with_a_nul_byte_is_a_plain_404(seeded_client: FlaskClient, path: str) -> None:
    response = seeded_client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_nul_byte_in_the_login_email_is_a_field_message(app: Flask, client: FlaskClient) -> None:
    create_coach(app)
    response = client.post("/studio/login", data={"email": "maya@example.com\x00", "password": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html
    with client.session_transaction() as session:
        assert "_user_id" not in session
