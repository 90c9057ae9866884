"""The site's one search: articles and drills together, from the box in every page's header."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("search", __name__)


def init_app(app: Flask) -> None:
    """Register the search page."""
    from blueprints.search import routes  # noqa: F401 - attaches views to bp

    app.register_blueprint(bp)
