"""Signed links (cancel a booking, leave a program) that cannot be forged or reused elsewhere."""

from __future__ import annotations

import base64
import hmac
from functools import lru_cache
from typing import Any

from flask import Flask, current_app
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


def mac(purpose: str, text: str, app: Flask | None = None) -> str:
    """A short MAC of `text` for `purpose` (HMAC-SHA256, URL-safe): for values made on every
    page view, where itsdangerous' serializers cost a tenth of a millisecond each. `app`
    defaults to the current one."""
    secret_key = (app or current_app).config["SECRET_KEY"]
    digest = hmac.digest(_purpose_key(secret_key, purpose), text.encode(), "sha256")
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def mac_matches(purpose: str, text: str, signature: str) -> bool:
    """True when `signature` is `mac(purpose, text)` (compared in constant time)."""
    return hmac.compare_digest(signature.encode(), mac(purpose, text).encode())


@lru_cache(maxsize=16)
def _purpose_key(secret_key: str, purpose: str) -> bytes:
    return hmac.digest(secret_key.encode(), f"mac:{purpose}".encode(), "sha256")
