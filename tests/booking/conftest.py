"""The booking tests share the contact page's site and helpers (a booking is made on that page)."""

from __future__ import annotations

from tests.contact.conftest import site, web  # noqa: F401 - the fixtures, shared

__all__ = ["site", "web"]
