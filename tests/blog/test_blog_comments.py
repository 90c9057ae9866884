"""Readers' comments: stored as pending, shown after approval, spam dropped quietly, limits held."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.blog.comments import COMMENTS_PER_WINDOW
from blueprints.blog.forms import COMMENT_MAX
from blueprints.blog.models import Comment
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.shared.outbox import deliver_due
from harness import SmtpServer, make_app, shutdown_app
from harness.blog import ARTICLE, add_post, comment_form

COMMENTS = "/blog/first-steps/comments"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def article(app: Flask) -> Flask:
    """One public article to comment on."""
    with app.app_context():
        add_post("first-steps", title="First steps after a flare-up")
    return app


def stored_comments(app: Flask) -> list[Comment]:
    with app.app_context():
        return list(db.session.scalars(select(Comment).order_by(Comment.id)))


def outbox_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_comment_is_stored_pending_and_not_shown(client: FlaskClient, article: Flask) -> None:
    response = client.post(COMMENTS, data=comment_form(client))

    assert response.status_code == 303
    assert response.headers["Location"] == ARTICLE
    page = client.get(ARTICLE).get_data(as_text=True)
    assert "Your comment is awaiting approval" in page  # the flash, once
    assert "Does the cat-cow help" not in page
    [comment] = stored_comments(article)
    assert (comment.name, comment.email, comment.status) == (
        "Priya",
        "priya@example.org",
        "pending",
    )
    assert comment.body.startswith("Does the cat-cow help")
    assert "awaiting approval" not in client.get(ARTICLE).get_data(as_text=True)


def test_an_approved_comment_is_shown_without_its_email(
    client: FlaskClient, article: Flask
) -> None:
    client.post(COMMENTS, data=comment_form(client, body="Line one.\nLine two.\n\nSecond part."))
    with article.app_context():
        comment = db.session.scalar(select(Comment))
        comment.status = "approved"
        db.session.commit()

    page = client.get(ARTICLE).get_data(as_text=True)
    assert "<strong>Priya</strong>" in page
    assert "<p>Line one.<br>Line two.</p><p>Second part.</p>" in page
    assert "priya@example.org" not in page.lower()


def test_the_coach_is_emailed_about_a_new_comment(
    database_file: Any, smtp_server: SmtpServer
) -> None:
    app = make_app(database_file, **smtp_server.mail_config())
    try:
        with app.app_context():
            add_post("first-steps", title="First steps after a flare-up")
        client = app.test_client()
        client.post(COMMENTS, data=comment_form(client))
        with app.app_context():
            [queued] = db.session.scalars(select(OutboxMessage)).all()
            assert queued.status == "pending"  # stored with the comment, sent after the commit
            assert deliver_due().sent == 1
    finally:
        shutdown_app(app)

    [mail] = smtp_server.recorder.wait_for(1)
    assert mail.rcpt_tos == ["coach@example.com"]
    assert mail.message["Subject"] == 'New comment on "First steps after a flare-up" from Priya'
    assert mail.message["Reply-To"] == "priya@example.org"
    text = mail.message.get_body(("plain",)).get_content()
    assert "Does the cat-cow help if my back is stiff" in text
    assert "http://localhost/blog/first-steps" in text and "/studio/" in text


def test_htmx_submit_swaps_in_the_awaiting_approval_message_and_a_fresh_form(
    client: FlaskClient, article: Flask
) -> None:
    response = client.post(COMMENTS, data=comment_form(client), headers=HTMX)
    fragment = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert fragment.lstrip().startswith('<form id="comment-form"') and "<html" not in fragment
    assert "Your comment is awaiting approval" in fragment
    assert "Does the cat-cow help" not in fragment  # the form is empty again
    assert re.search(r'name="form_started" type="hidden" value="[^"]+"', fragment)
    assert len(stored_comments(article)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please tell us your name"),
        ("name", "   ", "Please tell us your name"),
        ("name", "x" * 81, "Please keep your name under 80 characters"),
        ("body", "", "Please write your comment."),
        ("body", "\n \t", "Please write your comment."),
        ("body", "y" * (COMMENT_MAX + 1), f"(it is {COMMENT_MAX + 1} now)"),
        ("email", "not-an-email", "doesn&#39;t look like an email address"),
        ("email", "a@b", "doesn&#39;t look like an email address"),
    ],
)
def test_bad_input_gets_a_422_with_the_message_by_the_field_and_nothing_stored(
    client: FlaskClient, article: Flask, field: str, value: str, message: str
) -> None:
    data = comment_form(client, **{field: value})
    for headers in ({}, HTMX):
        response = client.post(COMMENTS, data=data, headers=headers)
        page = response.get_data(as_text=True)

        assert response.status_code == 422
        assert f'<p class="field-error" id="comment-{field}-error">' in page
        assert message in page
        control = re.search(rf'<(?:input|textarea)[^>]*id="comment-{field}"[^>]*>', page)
        assert control and 'aria-invalid="true"' in control.group()
        assert f'aria-describedby="comment-{field}-error"' in control.group()
        assert ("<html" in page) == (headers == {})
    if field != "body":
        assert "Does the cat-cow help if my back is stiff in the morning?" in page  # kept
    assert stored_comments(article) == []
    assert outbox_count(article) == 0


@pytest.mark.parametrize(
    "overrides",
    [{"website": "http://cheap-pills.example"}, {"form_started": ""}, {"form_started": "forged"}],
    ids=["honeypot", "no-stamp", "forged-stamp"],
)
def test_spam_is_discarded_while_the_answer_looks_normal(
    client: FlaskClient, article: Flask, overrides: dict[str, str]
) -> None:
    plain = client.post(COMMENTS, data=comment_form(client, **overrides))
    htmx = client.post(COMMENTS, data=comment_form(client, **overrides), headers=HTMX)

    assert plain.status_code == 303 and plain.headers["Location"] == ARTICLE
    assert htmx.status_code == 200
    assert "Your comment is awaiting approval" in htmx.get_data(as_text=True)
    assert stored_comments(article) == []
    assert outbox_count(article) == 0


def test_a_too_fast_submission_is_discarded(database_file: Any) -> None:
    app = make_app(database_file, SPAM_MIN_SECONDS=60)
    try:
        with app.app_context():
            add_post("first-steps")
        client = app.test_client()
        response = client.post(COMMENTS, data=comment_form(client))  # seconds after the page
        assert response.status_code == 303
        assert stored_comments(app) == []
    finally:
        shutdown_app(app)


def test_a_flood_from_one_address_is_stopped_with_a_429_that_keeps_the_text(
    client: FlaskClient, article: Flask
) -> None:
    for number in range(COMMENTS_PER_WINDOW):
        response = client.post(COMMENTS, data=comment_form(client, body=f"Comment {number}"))
        assert response.status_code == 303

    blocked = client.post(COMMENTS, data=comment_form(client, body="One too many"), headers=HTMX)
    page = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert "Please wait an hour" in page and "One too many" in page
    plain = client.post(COMMENTS, data=comment_form(client, body="Still too many"))
    assert plain.status_code == 429 and "Still too many" in plain.get_data(as_text=True)
    assert len(stored_comments(article)) == COMMENTS_PER_WINDOW

    elsewhere = client.post(
        COMMENTS,
        data=comment_form(client, body="From another household"),
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert elsewhere.status_code == 303
    assert len(stored_comments(article)) == COMMENTS_PER_WINDOW + 1


def test_comments_on_a_draft_or_unknown_article_are_404(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        add_post("first-steps")
        add_post("secret", status="draft")
    data = comment_form(client)
    assert client.post("/blog/secret/comments", data=data).status_code == 404
    assert client.post("/blog/nothing-here/comments", data=data).status_code == 404
    assert stored_comments(app) == []


def test_a_nul_character_is_dropped_not_a_server_error(client: FlaskClient, article: Flask) -> None:
    response = client.post(COMMENTS, data=comment_form(client, name="Pri\x00ya", body="Hi\x00!"))
    assert response.status_code == 303
    [comment] = stored_comments(article)
    assert (comment.name, comment.body) == ("Priya", "Hi!")


def test_from_another_site_nothing_is_stored(database_file: Any) -> None:
    # The article is the same page for every visitor: no CSRF token; the browser's Fetch
    # Metadata says where a post comes from (blueprints/shared/origin_check.py).
    app = make_app(database_file, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            add_post("first-steps")
        client = app.test_client()
        foreign = {"Origin": "https://other.example", "Sec-Fetch-Site": "cross-site"}
        response = client.post(COMMENTS, data=comment_form(client), headers=foreign)
        assert response.status_code == 403
        assert stored_comments(app) == []
        own = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
        assert client.post(COMMENTS, data=comment_form(client), headers=own).status_code == 303
        assert len(stored_comments(app)) == 1
    finally:
        shutdown_app(app)


def test_email_is_optional(client: FlaskClient, article: Flask) -> None:
    response = client.post(COMMENTS, data=comment_form(client, email=""))
    assert response.status_code == 303
    [comment] = stored_comments(article)
    assert comment.email is None
