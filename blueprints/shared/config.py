"""Every setting the site reads, from the environment, with defaults that suit a laptop.

Each key is read here and nowhere else has a default of its own; the README's table lists them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - refused outside debug and testing


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def config_from_environment(instance_path: str) -> dict[str, Any]:
    """Read deploy-time settings from the environment, with defaults safe for a laptop."""
    sqlite_path = Path(instance_path) / "backcoach.sqlite"
    env = os.environ.get
    return {
        "SECRET_KEY": env("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL", f"sqlite:///{sqlite_path}"),
        "SITE_NAME": env("SITE_NAME", "Strong Spine Studio"),
        "COACH_NAME": env("COACH_NAME", "Maya Lindqvist"),
        "COACH_EMAIL": env("COACH_EMAIL", "coach@example.com"),
        "COACH_TIMEZONE": env("COACH_TIMEZONE", "Europe/London"),
        "SITE_URL": env("SITE_URL", ""),
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": env("MAIL_USERNAME"),
        "MAIL_PASSWORD": env("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "studio@example.com"),
        "MAIL_TIMEOUT": float(env("MAIL_TIMEOUT", "10")),
        # Deliver queued mail from a background thread after each commit; off in tests that
        # want to drain the outbox themselves.
        "MAIL_BACKGROUND_SENDER": _env_bool("MAIL_BACKGROUND_SENDER", True),
        # Outbox retry backoff (doubling from this) and how long a claim on a row lasts; the
        # defaults suit production, the load and fault benchmarks set them low.
        "MAIL_RETRY_FIRST_SECONDS": float(env("MAIL_RETRY_FIRST_SECONDS", "30")),
        "MAIL_CLAIM_LEASE_SECONDS": float(env("MAIL_CLAIM_LEASE_SECONDS", "300")),
        "TRUSTED_HOSTS": [h.strip() for h in env("TRUSTED_HOSTS", "").split(",") if h.strip()]
        or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        # A server-side session (blueprints/shared/sessions.py) ends this long after login, or
        # after this long unused, whichever comes first.
        "SESSION_LIFETIME_HOURS": float(env("SESSION_LIFETIME_HOURS", str(14 * 24))),
        "SESSION_IDLE_HOURS": float(env("SESSION_IDLE_HOURS", str(3 * 24))),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "UPLOAD_FOLDER": env("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "CONTENT_FOLDER": env("CONTENT_FOLDER", str(Path(__file__).parents[2] / "content")),
        "SPAM_MIN_SECONDS": float(env("SPAM_MIN_SECONDS", "3")),
        # Accepted contact-form submissions per client address per hour.
        "CONTACT_RATE_LIMIT": int(env("CONTACT_RATE_LIMIT", "5")),
        # What the contact page and the auto-reply promise.
        "CONTACT_REPLY_WITHIN": env("CONTACT_REPLY_WITHIN", "two working days"),
        # Program signups per client address per hour: a family, or one person and two programs.
        "PROGRAM_SIGNUP_RATE_LIMIT": int(env("PROGRAM_SIGNUP_RATE_LIMIT", "6")),
        # How long before a consultation `flask send-reminders` reminds the visitor.
        "REMINDER_HOURS": float(env("REMINDER_HOURS", "24")),
        # Largest drill video the studio accepts (the request limit is raised for that route).
        "VIDEO_UPLOAD_MAX_BYTES": int(env("VIDEO_UPLOAD_MAX_BYTES", str(100 * 1024 * 1024))),
        # Each process reads the shared content version at most this often.
        "PAGE_CACHE_VERSION_SECONDS": float(env("PAGE_CACHE_VERSION_SECONDS", "1")),
        "SEND_FILE_MAX_AGE_DEFAULT": 0,
        "WTF_CSRF_TIME_LIMIT": None,
    }


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Environment first, then instance/config.py (or the test's overrides)."""
    app.config.from_mapping(config_from_environment(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if app.debug or app.testing:
        app.config["SESSION_COOKIE_SECURE"] = False
    refuse_default_secret(app)


def refuse_default_secret(app: Flask) -> None:
    """Outside debug and tests, a site signed with the development key is refused."""
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "SECRET_KEY is still the development default. Set the SECRET_KEY environment "
            "variable to a long random value (python -c 'import secrets; "
            "print(secrets.token_hex(32))') before serving this site."
        )
