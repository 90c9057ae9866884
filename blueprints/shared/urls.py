"""Absolute links and the site's mail domain: one definition each, used by every blueprint."""

from __future__ import annotations

from typing import Any

from flask import current_app


def absolute_url(endpoint: str, **values: Any) -> str:
    """A full URL for links that leave the page (emails, feeds, canonical and social tags).

    Always on SITE_URL (config.py makes sure it is set), never on the request's Host header: a
    forged Host must not reach an email or a cached page.
    """
    site_url = current_app.config["SITE_URL"].rstrip("/")
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return site_url + path


def mail_domain() -> str:
    """The domain of the sender address: Message-IDs and calendar UIDs are made on it."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "localhost"
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
