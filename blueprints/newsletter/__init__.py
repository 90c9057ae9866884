"""The newsletter: readers follow the coach's articles by email (double opt-in, one click out)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("newsletter", __name__)


def init_app(app: Flask) -> None:
    """Register the pages, the form every public page shows, the queuer thread and the CLI."""
    from blueprints.newsletter import routes  # noqa: F401 - attaches views to bp
    from blueprints.newsletter.cli import send_newsletters_command
    from blueprints.newsletter.forms import subscribe_form
    from blueprints.newsletter.sending import start_queuer
    from blueprints.shared.extensions import csrf

    app.register_blueprint(bp, url_prefix="/newsletter")
    # Mail programs post to the List-Unsubscribe URL with no session (RFC 8058): the signed
    # token in the URL is what authorises it.
    csrf.exempt(routes.unsubscribe)
    app.jinja_env.globals["newsletter_subscribe_form"] = lambda: subscribe_form(fresh=True)
    app.extensions["newsletter_queuer"] = start_queuer(app)
    app.cli.add_command(send_newsletters_command)
