"""The contact blueprint: enquiries and consultation booking."""

from flask import Blueprint

# cli_group=None puts `send-reminders` at the top level: `flask send-reminders`.
bp = Blueprint("contact", __name__, cli_group=None)

from blueprints.contact import cli, manage, models, routes  # noqa: E402, F401
