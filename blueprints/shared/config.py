"""Every setting the site reads, from the environment, with defaults that suit a laptop.

Each key is read here and nowhere else has a default of its own; the README's table lists them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from flask import Flask

from blueprints.shared.hours import STYLES as HOUR_STYLES

DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - refused outside debug and testing
# Where links point on a laptop or in tests, when SITE_URL is not set (`make run` serves here).
DEV_SITE_URL = "http://127.0.0.1:5000"


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
        # The coach's clock in her emails and in "that is ... for her": "24" (09:00) or "12".
        "COACH_HOURS": env("COACH_HOURS", "24"),
        # The origin every absolute link is built on (emails, feeds, canonical tags); never the
        # request's Host header. Required outside debug and tests.
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
        # Host names the site answers to (others get 400); SITE_URL's host in production if unset.
        "TRUSTED_HOSTS": [h.strip() for h in env("TRUSTED_HOSTS", "").split(",") if h.strip()]
        or None,
        # How many proxies in front of the site set each X-Forwarded-* header (nginx: 1 each);
        # 0 trusts none of them. See deploy/ and the README.
        "PROXY_FIX_X_FOR": int(env("PROXY_FIX_X_FOR", "0")),
        "PROXY_FIX_X_PROTO": int(env("PROXY_FIX_X_PROTO", "0")),
        "PROXY_FIX_X_HOST": int(env("PROXY_FIX_X_HOST", "0")),
        "PROXY_FIX_X_PORT": int(env("PROXY_FIX_X_PORT", "0")),
        "PROXY_FIX_X_PREFIX": int(env("PROXY_FIX_X_PREFIX", "0")),
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
        # How long a shared cache (the deployment's nginx) and browsers may keep a public page;
        # also the grain of the public forms' render time (blueprints/shared/spam.py).
        "PUBLIC_MAX_AGE_SECONDS": float(env("PUBLIC_MAX_AGE_SECONDS", "5")),
        # Accepted contact-form submissions per client address per hour.
        "CONTACT_RATE_LIMIT": int(env("CONTACT_RATE_LIMIT", "5")),
        # What the contact page and the auto-reply promise.
        "CONTACT_REPLY_WITHIN": env("CONTACT_REPLY_WITHIN", "two working days"),
        # Program signups per client address per hour: a family, or one person and two programs.
        "PROGRAM_SIGNUP_RATE_LIMIT": int(env("PROGRAM_SIGNUP_RATE_LIMIT", "6")),
        # How long before a consultation `flask send-reminders` reminds the visitor.
        "REMINDER_HOURS": float(env("REMINDER_HOURS", "24")),
        # Reading the coach's own calendars (`flask fetch-calendars`): per request, largest file,
        # https only, and never a private or loopback address unless allowed (tests, a LAN).
        "CALENDAR_FETCH_TIMEOUT": float(env("CALENDAR_FETCH_TIMEOUT", "10")),
        "CALENDAR_FETCH_MAX_BYTES": int(env("CALENDAR_FETCH_MAX_BYTES", str(5 * 1024 * 1024))),
        "CALENDAR_FETCH_REQUIRE_HTTPS": _env_bool("CALENDAR_FETCH_REQUIRE_HTTPS", True),
        "CALENDAR_FETCH_ALLOW_PRIVATE": _env_bool("CALENDAR_FETCH_ALLOW_PRIVATE", False),
        # Largest drill video the studio accepts (the request limit is raised for that route).
        "VIDEO_UPLOAD_MAX_BYTES": int(env("VIDEO_UPLOAD_MAX_BYTES", str(500 * 1024 * 1024))),
        # Longest drill video the studio accepts, in seconds.
        "VIDEO_MAX_SECONDS": float(env("VIDEO_MAX_SECONDS", "180")),
        # Where uploaded originals wait for `flask process-videos` (private: never served);
        # empty means video-originals/ beside UPLOAD_FOLDER.
        "VIDEO_WORK_FOLDER": env("VIDEO_WORK_FOLDER", ""),
        # A transcoding job whose process has not reported for this long is taken over.
        "VIDEO_JOB_STALE_SECONDS": float(env("VIDEO_JOB_STALE_SECONDS", "120")),
        # Largest WebVTT captions file for an uploaded drill video (an hour of speech is ~100 KB).
        "CAPTIONS_MAX_BYTES": int(env("CAPTIONS_MAX_BYTES", str(512 * 1024))),
        "SEND_FILE_MAX_AGE_DEFAULT": 0,
        # `flask backup` writes its archives here and keeps the last BACKUP_KEEP.
        "BACKUP_FOLDER": env("BACKUP_FOLDER", str(Path(instance_path) / "backups")),
        "BACKUP_KEEP": int(env("BACKUP_KEEP", "14")),
        # /healthz answers 503 past these: the last backup's age, the oldest unsent email's.
        "HEALTH_BACKUP_MAX_HOURS": float(env("HEALTH_BACKUP_MAX_HOURS", "26")),
        "HEALTH_MAIL_MAX_MINUTES": float(env("HEALTH_MAIL_MAX_MINUTES", "30")),
        # Who is emailed about an unhandled error (the coach unless set).
        "ADMIN_EMAIL": env("ADMIN_EMAIL", "") or env("COACH_EMAIL", "coach@example.com"),
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
    settle_site_url(app)
    if not (app.debug or app.testing):
        refuse_invalid_settings(app)


def settle_site_url(app: Flask) -> None:
    """SITE_URL is required in production; TRUSTED_HOSTS then defaults to its host."""
    site_url = (app.config.get("SITE_URL") or "").strip().rstrip("/")
    production = not (app.debug or app.testing)
    if not site_url:
        if production:
            raise RuntimeError(
                "SITE_URL is not set. Set it to the address visitors use, e.g. "
                "SITE_URL=https://strongspine.example: every link in emails, feeds and "
                "canonical tags is built on it, never on the request's Host header."
            )
        site_url = DEV_SITE_URL
    parts = urlsplit(site_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise RuntimeError(f"SITE_URL must be like https://host, not {site_url!r}")
    app.config["SITE_URL"] = site_url
    if production and not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [parts.hostname]


def setting_problems(config: dict[str, Any]) -> list[tuple[str, str]]:
    """(setting, what is wrong) for the settings that make requests fail if they are wrong."""
    problems = []
    for key in ("COACH_EMAIL", "MAIL_DEFAULT_SENDER"):
        value = config.get(key) or ""
        # Flask-Mail also takes ("Name", "address"); a string may be "Name <address>".
        address = str(value[1] if isinstance(value, tuple | list) else value)
        if "<" in address:  # "Studio <studio@host>" is a fine sender
            address = address.rsplit("<", 1)[1].rstrip("> ")
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as error:
            problems.append((key, f"{address!r} is not an address mail can go to: {error}"))
    try:
        ZoneInfo(str(config.get("COACH_TIMEZONE")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            ("COACH_TIMEZONE", f"{config.get('COACH_TIMEZONE')!r} is not a known time zone")
        )
    if str(config.get("COACH_HOURS")) not in HOUR_STYLES:
        # Anything else would quietly read as 24 hours in every email and page.
        problems.append(("COACH_HOURS", f"{config.get('COACH_HOURS')!r} is neither 12 nor 24"))
    return problems


def refuse_invalid_settings(app: Flask) -> None:
    """Refuse to start on a setting that would fail every request that uses it."""
    problems = setting_problems(app.config)
    if problems:
        lines = "\n".join(f"  {key}: {message}" for key, message in problems)
        raise RuntimeError(f"These settings must be fixed before serving the site:\n{lines}")


def refuse_default_secret(app: Flask) -> None:
    """Outside debug and tests, a site signed with the development key is refused."""
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "SECRET_KEY is still the development default. Set the SECRET_KEY environment "
            "variable to a long random value (python -c 'import secrets; "
            "print(secrets.token_hex(32))') before serving this site."
        )
