"""The coach's own area at /studio/: one blueprint, one small module per job."""

from flask import Blueprint

bp = Blueprint("studio", __name__)

# Imported by create_app() once every blueprint exists, so that a model module can be
# imported from anywhere without pulling in views (and their imports) half-initialised.
# `auth` also guards every studio route.
VIEW_MODULES = (
    "models",
    "auth",
    "articles",
    "availability",
    "dashboard",
    "drills",
    "erase",
    "exports",
    "inbox",
    "outbox",
    "programs",
    "uploads",
)
