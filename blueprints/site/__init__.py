"""Pages that belong to the whole site: home, privacy, robots.txt, favicon, error pages."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from blueprints.site import errors, routes  # noqa: E402, F401
