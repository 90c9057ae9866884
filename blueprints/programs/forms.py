"""The public signup form."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from blueprints.shared.spam import PublicForm
from blueprints.shared.validators import EmailAddress, single_line

NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
GOALS_MAX = 2000
HISTORY_MAX = 4000


def _within(limit: int) -> Length:
    return Length(max=limit, message=f"Please keep this under {limit} characters.")


class SignupForm(PublicForm):
    """Name, contact details, goals, back-pain history and consent to keep health information."""

    name = StringField(
        "Your name",
        validators=[DataRequired("Please tell me your name."), _within(NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Please give an email address."),
            _within(EMAIL_MAX),
            EmailAddress("That does not look like an email address."),
        ],
        render_kw={"autocomplete": "email"},
    )
    phone = TelField(
        "Phone (optional)",
        validators=[
            Optional(),
            _within(PHONE_MAX),
            Regexp(
                r"^\+?[0-9 ()\-.]{6,}\Z",
                message="Use digits, spaces and + ( ) - only, for example +44 7700 900123.",
            ),
        ],
        render_kw={"autocomplete": "tel"},
    )
    goals = TextAreaField(
        "What would you like to be able to do?",
        validators=[
            DataRequired("Please tell me what you hope to get from this."),
            _within(GOALS_MAX),
        ],
        render_kw={"maxlength": False},
    )
    history = TextAreaField(
        "Your back-pain history",
        validators=[
            DataRequired("Please describe your back pain, even briefly."),
            _within(HISTORY_MAX),
        ],
        # No maxlength: a browser would cut a long paste off silently; the server says so instead.
        render_kw={"maxlength": False},
    )
    consent = BooleanField(
        "I agree that my back-pain history and goals are stored to plan my training",
        validators=[
            DataRequired(
                "Please agree to this so I can keep your health information, or ask me first."
            )
        ],
    )

    def validate_name(self, field: StringField) -> None:
        """One line only (a name travels into email subjects), spaces tidied."""
        single_line(self, field)
        field.data = " ".join(field.data.split())
