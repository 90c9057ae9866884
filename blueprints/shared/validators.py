"""Field rules every form shares: one-line text and email addresses."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from wtforms import ValidationError

LINE_BREAKS = ("\r", "\n", "\x00")


def single_line(form: Any, field: Any) -> None:
    """Refuse line breaks in a one-line field: they have no business in a name or address."""
    if field.data and any(char in field.data for char in LINE_BREAKS):
        raise ValidationError("Please keep this on one line.")


class EmailAddress:
    """A real-looking address, normalised and lower-cased so one person is one key everywhere.

    Lower-casing the whole address (not only the domain) is what lets "one signup per email"
    and "erase this person" find every row, whatever case the visitor typed.
    """

    def __init__(self, message: str = "That does not look like an email address.") -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        """Validate and normalise `field.data` in place; empty is left to DataRequired/Optional."""
        if not field.data:
            return
        value = field.data.strip()
        if any(char in value for char in LINE_BREAKS):
            raise ValidationError(self.message)
        try:
            field.data = validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            raise ValidationError(self.message) from error
