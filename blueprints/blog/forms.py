"""The reader's comment form."""

from __future__ import annotations

from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.shared.spam import PublicForm
from blueprints.shared.validators import EmailAddress, single_line

NAME_MAX = 80
EMAIL_MAX = 320
COMMENT_MAX = 3000


def clean_text(value: str | None) -> str | None:
    """Trim whitespace and drop NUL characters (PostgreSQL refuses them in text)."""
    if value is None:
        return None
    return value.replace("\x00", "").strip()


def clean_email(value: str | None) -> str | None:
    """Trimmed and lower-cased, so the coach can find every comment by one address."""
    cleaned = clean_text(value)
    return cleaned.lower() if cleaned else cleaned


class CommentForm(PublicForm):
    """Name, optional email (never shown), and the comment."""

    name = StringField(
        "Your name",
        id="comment-name",
        filters=[clean_text],
        validators=[
            DataRequired("Please tell us your name (a first name is fine)."),
            Length(max=NAME_MAX, message=f"Please keep your name under {NAME_MAX} characters."),
            single_line,
        ],
    )
    email = EmailField(
        "Email (optional, never shown)",
        id="comment-email",
        filters=[clean_email],
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message="That email address is too long."),
            EmailAddress("That doesn't look like an email address. Check it, or leave it empty."),
        ],
    )
    body = TextAreaField(
        "Your comment",
        id="comment-body",
        filters=[clean_text],
        validators=[
            DataRequired("Please write your comment."),
            Length(
                max=COMMENT_MAX,
                message=f"Please keep your comment under {COMMENT_MAX} characters "
                "(it is %(length)d now).",
            ),
        ],
    )
