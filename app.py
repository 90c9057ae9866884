"""The application factory: configuration, extensions and blueprints in one place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from blueprints.shared.extensions import csrf, db, login_manager, mail, migrate

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
        "TRUSTED_HOSTS": [h for h in env("TRUSTED_HOSTS", "").split(",") if h.strip()] or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "UPLOAD_FOLDER": str(Path(instance_path) / "uploads"),
        "SPAM_MIN_SECONDS": float(env("SPAM_MIN_SECONDS", "3")),
        # Accepted contact-form submissions per client address per hour.
        "CONTACT_RATE_LIMIT": int(env("CONTACT_RATE_LIMIT", "5")),
        "SEND_FILE_MAX_AGE_DEFAULT": 0,
        "WTF_CSRF_TIME_LIMIT": None,
    }


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the site: config, database, extensions, blueprints, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config_from_environment(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if app.debug or app.testing:
        app.config["SESSION_COOKIE_SECURE"] = False
    _refuse_default_secret(app)
    app.config["TRUSTED_HOSTS"] = app.config.get("TRUSTED_HOSTS")

    from blueprints.shared import database

    db.init_app(app)
    database.configure_engine_events(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path) / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)

    _register_blueprints(app)

    from blueprints.shared import cli, compression, outbox, security, templating, theme

    # after_request hooks run in reverse order: compression registered first runs last.
    compression.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    theme.init_app(app)
    outbox.init_app(app)
    cli.init_app(app)
    return app


def _refuse_default_secret(app: Flask) -> None:
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "SECRET_KEY is still the development default. Set the SECRET_KEY environment "
            "variable to a long random value (python -c 'import secrets; "
            "print(secrets.token_hex(32))') before serving this site."
        )


BLUEPRINTS = {
    "site": None,
    "blog": "/blog",
    "drills": "/drills",
    "programs": "/programs",
    "contact": "/contact",
    "studio": "/studio",
}


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    packages = {name: import_module(f"blueprints.{name}") for name in BLUEPRINTS}
    for name, package in packages.items():
        for module in package.VIEW_MODULES:
            import_module(f"blueprints.{name}.{module}")  # attaches views to package.bp
    for name, prefix in BLUEPRINTS.items():
        app.register_blueprint(packages[name].bp, url_prefix=prefix)
