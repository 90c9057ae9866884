"""The public signup form."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TelField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from blueprints.shared.spam import SpamGuardMixin

NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
GOALS_MAX = 2000
HISTORY_MAX = 4000


def _within(limit: int) -> Length:
    return Length(max=limit, message=f"Please keep this under {limit} characters.")


class SignupForm(SpamGuardMixin, FlaskForm):
    """Name, contact details, goals, back-pain history and consent to keep health information."""

    name = StringField(
        "Your name",
        validators=[DataRequired("Please tell me your name."), _within(NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Email",
        validators=[DataRequired("Please give an email address."), _within(EMAIL_MAX)],
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
        """One line only: a name travels into email subjects."""
        if any(char in field.data for char in "\r\n\x00"):
            raise ValidationError("Please write your name on one line.")
        field.data = " ".join(field.data.split())

    def validate_email(self, field: StringField) -> None:
        """A real-looking address, stored lower-case so one person is one signup."""
        value = field.data.strip()
        if any(char in value for char in "\r\n\x00"):
            raise ValidationError("That does not look like an email address.")
        try:
            field.data = validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            raise ValidationError("That does not look like an email address.") from error
