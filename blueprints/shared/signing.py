"""Signed links (cancel a booking, leave a program) that cannot be forged or reused elsewhere."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from blueprints.shared.clock import timestamp


class InvalidLink(Exception):
    """The link was tampered with, meant for something else, or has expired."""


class _ClockSigner(TimestampSigner):
    """Stamps and ages links by the application's clock."""

    def get_timestamp(self) -> int:
        """Now, from the one clock."""
        return int(timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"link:{purpose}", signer=_ClockSigner
    )


def sign(purpose: str, value: Any) -> str:
    """A token carrying `value`, valid only for `purpose`."""
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, token: str, max_age_seconds: int | None = None) -> Any:
    """The value in `token`, or InvalidLink."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as error:
        raise InvalidLink("This link has expired.") from error
    except BadSignature as error:
        raise InvalidLink("This link is not valid.") from error
