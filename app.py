"""The application factory: configuration, then each part's `init_app`, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from blueprints import blog, contact, drills, me, newsletter, programs, search, site, studio
from blueprints.shared import (
    cli,
    compression,
    database,
    htmx,
    outbox,
    pagecache,
    pagecache_wsgi,
    request_flow,
    security,
    spam,
    static_files,
    templating,
    theme,
    visitor,
)
from blueprints.shared.config import load_config
from blueprints.shared.extensions import csrf, db

FEATURES = (site, blog, drills, search, programs, contact, newsletter, studio, me)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the site: config, database, extensions, the shared layer, then every feature."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)

    db.init_app(app)
    database.configure_engine_events(app)
    database.init_migrations(app)
    request_flow.init_app(app)  # before CSRF: a cross-origin POST is a 403 first
    csrf.init_app(app)
    visitor.init_app(app)

    # after_request hooks run in reverse order: compression registered first runs last.
    compression.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    static_files.init_app(app)
    htmx.init_app(app)
    pagecache.init_app(app)
    spam.init_app(app)
    theme.init_app(app)
    outbox.init_app(app)
    cli.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)

    # WSGI layers, innermost first: cache hits answered before Flask, then the proxies' headers.
    pagecache_wsgi.init_app(app)
    security.trust_proxies(app)
    return app
