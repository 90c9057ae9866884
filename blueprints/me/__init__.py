"""A client's own area at /me/: sign in by emailed link, their bookings, programs and plan,
logging sessions, the next step with its reason, their progress and their data."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("me", __name__)


def init_app(app: Flask) -> None:
    """Register the client pages and the programs' default plans for `flask seed`."""
    from blueprints.me import data, progress, routes  # noqa: F401 - attach views to bp
    from blueprints.me.seed import init_seed

    app.register_blueprint(bp, url_prefix="/me")
    app.jinja_env.filters["kg"] = kg
    init_seed(app)


def kg(value: float | None) -> str:
    """A load as people read it: "bodyweight" or "2.5 kg"."""
    return "bodyweight" if not value else f"{value:g} kg"
