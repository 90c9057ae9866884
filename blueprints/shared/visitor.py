"""What a page view costs per visitor beyond the page itself: the CSRF token and the session cookie.

Cached public pages are filled with a CSRF token at every view. Flask-WTF's `generate_csrf`
builds a new itsdangerous serializer and signs the session's token at each call, and Flask
builds a new serializer for the session cookie at each save; on a cached page that was most of
the time a request took. The token made here is exactly Flask-WTF's (its `validate_csrf` checks
it, against the same session value), signed by a serializer made once per secret key; a
returning visitor's signed token is reused (it never expires while WTF_CSRF_TIME_LIMIT is None).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections import OrderedDict
from collections.abc import MutableMapping
from functools import lru_cache
from threading import Lock
from typing import Any

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Signer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.signer import HMACAlgorithm

SIGNED_TOKENS_KEPT = 1024
FIELD = "csrf_token"  # Flask-WTF's session key and g attribute (WTF_CSRF_FIELD_NAME is not set)


def init_app(app: Flask) -> None:
    """Sign session cookies with a serializer made once, not at every request."""
    app.session_interface = KeptSerializerSessionInterface()


def csrf_token() -> str:
    """This visitor's CSRF token, as Flask-WTF's `generate_csrf` makes it (and caches it in g)."""
    token = g.get(FIELD)
    if token is None:
        token = csrf_token_for(current_app, session)
        setattr(g, FIELD, token)
    return token  # type: ignore[no-any-return]


def csrf_token_for(app: Flask, visitor_session: MutableMapping[str, Any]) -> str:
    """The CSRF token for `visitor_session`, given a raw token first if it has none yet.

    Takes the app and session as arguments: the page cache also fills tokens in before Flask
    runs, outside any context.
    """
    config = app.config
    raw = visitor_session.get(FIELD)
    if not isinstance(raw, str):
        raw = visitor_session[FIELD] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - as Flask-WTF
    secret = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    if config.get("WTF_CSRF_TIME_LIMIT") is None:
        return _signed_tokens.get(secret, raw)
    return _csrf_serializer(secret).dumps(raw)  # type: ignore[no-any-return] # a token ages: sign it now


class KeptSignerSerializer(URLSafeTimedSerializer):
    """itsdangerous' serializer, made for a value signed at every page view.

    Its signer is made once (it made one at every dumps and loads; the signer holds only the
    keys and settings), derives its key once, and signs HMAC-SHA1 in one OpenSSL call. A short
    payload is not offered to zlib first (a token or a small session never shrinks by the two
    bytes it needs): the result is one itsdangerous itself reads, uncompressed.
    """

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        """The signer for `salt`, made the first time."""
        kept: dict[str | bytes | None, Signer] = self.__dict__.setdefault("_kept_signers", {})
        signer = kept.get(salt)
        if signer is None:
            signer = kept[salt] = super().make_signer(salt)
            # The key is derived from the secret and salt by an HMAC at every signature: once.
            signer.derive_key = lru_cache(maxsize=4)(signer.derive_key)  # type: ignore[method-assign]
            if isinstance(signer.algorithm, HMACAlgorithm) and _is_sha1(signer.algorithm):
                signer.algorithm = OneCallSHA1HMAC()
        return signer

    def dump_payload(self, obj: Any) -> bytes:
        """The payload as itsdangerous' URL-safe serializer makes it; short ones not zlibbed."""
        data = want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs))
        if len(data) > SHORT_PAYLOAD:
            return super().dump_payload(obj)  # type: ignore[no-any-return]
        return base64_encode(data)


SHORT_PAYLOAD = 96


def _is_sha1(algorithm: HMACAlgorithm) -> bool:
    return bool(algorithm.digest_method().name == "sha1")


class OneCallSHA1HMAC(HMACAlgorithm):
    """itsdangerous' HMAC-SHA1, the same bytes, computed by `hmac.digest` in one call."""

    def __init__(self) -> None:
        super().__init__(hashlib.sha1)

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        """HMAC-SHA1 of `value` under `key`."""
        return hmac.digest(key, value, "sha1")


@lru_cache(maxsize=4)
def _csrf_serializer(secret: str | bytes) -> URLSafeTimedSerializer:
    return KeptSignerSerializer(secret, salt="wtf-csrf-token")  # Flask-WTF's salt


class _SignedTokens:
    """Signed CSRF tokens of recent visitors, by their session's raw token."""

    def __init__(self) -> None:
        self.tokens: OrderedDict[tuple[str | bytes, str], str] = OrderedDict()
        self.lock = Lock()

    def get(self, secret: str | bytes, raw: str) -> str:
        key = (secret, raw)
        with self.lock:
            token = self.tokens.get(key)
            if token is not None:
                self.tokens.move_to_end(key)
                return token
        token = _csrf_serializer(secret).dumps(raw)
        with self.lock:
            self.tokens[key] = token
            while len(self.tokens) > SIGNED_TOKENS_KEPT:
                self.tokens.popitem(last=False)
        return token  # type: ignore[no-any-return]


_signed_tokens = _SignedTokens()


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its serializer made once per secret key."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer for these keys, built the first time they are used."""
        if not app.secret_key:
            return None
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        return _session_serializer(self, app, app.secret_key, fallbacks)


@lru_cache(maxsize=4)
def _session_serializer(
    interface: KeptSerializerSessionInterface,
    app: Flask,
    secret_key: str | bytes,
    fallbacks: tuple[str | bytes, ...],
) -> URLSafeTimedSerializer:
    # As Flask's SecureCookieSessionInterface.get_signing_serializer builds it.
    return KeptSignerSerializer(
        [*fallbacks, secret_key],  # itsdangerous expects the current key last
        salt=interface.salt,
        serializer=interface.serializer,
        signer_kwargs={
            "key_derivation": interface.key_derivation,
            "digest_method": interface.digest_method,
        },
    )
