"""The contact blueprint: enquiries and consultation booking."""

from flask import Blueprint

# cli_group=None puts `send-reminders` at the top level: `flask send-reminders`.
bp = Blueprint("contact", __name__, cli_group=None)

# Imported by create_app() once every blueprint exists, so that a model module can be
# imported from anywhere without pulling in views (and their imports) half-initialised.
VIEW_MODULES = ("cli", "manage", "models", "routes")
