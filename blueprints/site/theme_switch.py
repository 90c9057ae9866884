"""The colour-theme switch: a plain form that sets the theme cookie and goes back to the page."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response

from blueprints.shared.extensions import csrf
from blueprints.shared.theme import THEMES, remember_theme
from blueprints.shared.validators import same_site_path
from blueprints.site import bp


@bp.post("/theme")
@csrf.exempt  # in every public page's footer: origin_check guards it
def set_theme() -> Response:
    """Remember light, dark or the system's theme, then show the page the visitor was on."""
    theme = request.form.get("theme", "")
    if theme not in THEMES:
        abort(400, description="Choose light, dark or system.")
    back = same_site_path(request.form.get("next")) or url_for("site.home")
    return remember_theme(redirect(back, code=303), theme)
