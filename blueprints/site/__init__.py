"""Site-wide pages: home, privacy, robots.txt, feed, sitemap, favicon, error pages."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("site", __name__)


def init_app(app: Flask) -> None:
    """Register the site views."""
    from blueprints.site import (
        discovery,  # noqa: F401 - attaches views to bp
        errors,  # noqa: F401 - attaches views to bp
        routes,  # noqa: F401 - attaches views to bp
        theme_switch,  # noqa: F401 - attaches views to bp
    )

    app.register_blueprint(bp)
