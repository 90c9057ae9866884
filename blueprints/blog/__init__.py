"""The blog blueprint."""

from flask import Blueprint

bp = Blueprint("blog", __name__)

# Imported by create_app() once every blueprint exists, so that a model module can be
# imported from anywhere without pulling in views (and their imports) half-initialised.
VIEW_MODULES = ("models", "routes")
