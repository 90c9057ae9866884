"""The application factory: configuration, then each part's `init_app`, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from blueprints import (
    blog,
    booking,
    coach,
    contact,
    drills,
    me,
    newsletter,
    programs,
    search,
    site,
    studio,
)
from blueprints.shared import (
    alerts,
    cli,
    content_version,
    database,
    health,
    outbox,
    request_flow,
    security,
    templating,
    theme,
)
from blueprints.shared.config import load_config
from blueprints.shared.extensions import csrf, db, mail

FEATURES = (site, blog, drills, search, programs, contact, booking, coach, newsletter, studio, me)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the site: config, database, extensions, the shared layer, then every feature."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)

    db.init_app(app)
    database.configure_engine_events(app)
    database.init_migrations(app)
    request_flow.init_app(app)  # the order of every request's steps; before CSRF's own check
    csrf.init_app(app)
    mail.init_app(app)
    content_version.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    theme.init_app(app)
    outbox.init_app(app)
    alerts.init_app(app)
    health.init_app(app)
    cli.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    database.init_commands(app)  # every command so far takes SQLite's write lock up front
    security.trust_proxies(app)  # the outermost WSGI layer: the proxies' headers
    return app
