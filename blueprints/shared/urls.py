"""Absolute links and the site's mail domain: one definition each, used by every blueprint."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """A full URL for links that leave the page (emails, feeds, canonical and social tags).

    On SITE_URL when it is set; otherwise on this request's host (a laptop without SITE_URL).
    """
    site_url = (current_app.config.get("SITE_URL") or "").rstrip("/")
    if not site_url and has_request_context():
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (site_url or "http://localhost") + path


def mail_domain() -> str:
    """The domain of the sender address: Message-IDs and calendar UIDs are made on it."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "localhost"
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
