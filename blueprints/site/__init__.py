"""Site-wide pages: home, privacy, robots.txt, feed, sitemap, favicon, error pages."""

from flask import Blueprint

bp = Blueprint("site", __name__)

# Imported by create_app() once every blueprint exists, so that a model module can be
# imported from anywhere without pulling in views (and their imports) half-initialised.
VIEW_MODULES = ("discovery", "errors", "routes", "theme_switch")
