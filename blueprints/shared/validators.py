"""Field rules every form shares: one-line text, email addresses, same-site return paths."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

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


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a redirect to it is never an open one.

    Browsers drop tabs and line breaks inside an address and read a backslash as a slash, so
    "/\\t/evil.example" would become "//evil.example"; anything of that kind is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return target
