"""The visitor's colour theme: light, dark or the system's, kept in a cookie, written by the server.

The server puts the choice on `<html data-theme="...">`, so the stylesheet paints the right theme
from the first frame with no script (moving the pick to the client would need a script before the
first paint, or a flash of the wrong theme). So a public page comes in three copies, one per
theme, and says so: its response `Vary`s on `Cookie` (http_cache), and the deployment's nginx
keys its cache on `$cookie_theme` (and, for /contact/, `$cookie_tz`), not on the whole Cookie
header. A visitor who never picked one sends no cookie and gets the "system" copy.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.wrappers import Request

THEMES = ("light", "dark", "system")
DEFAULT_THEME = "system"
COOKIE_NAME = "theme"
COOKIE_MAX_AGE = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Make the theme helpers template globals."""
    app.jinja_env.globals["page_theme"] = chosen_theme
    app.jinja_env.globals["theme_pressed"] = theme_pressed


def chosen_theme(req: Request | None = None) -> str:
    """The theme this visitor (`req`, or the current request) picked, or the default: follow
    the system."""
    value = (req or request).cookies.get(COOKIE_NAME, "")
    return value if value in THEMES else DEFAULT_THEME


def theme_pressed(theme: str) -> str:
    """aria-pressed for the switch's button for `theme`: "true" if it is the visitor's choice."""
    return "true" if chosen_theme() == theme else "false"


def remember_theme(response: Response, theme: str) -> Response:
    """Set (or, for the default, clear) the theme cookie on `response`."""
    if theme == DEFAULT_THEME:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return response
    response.set_cookie(
        COOKIE_NAME,
        theme,
        max_age=COOKIE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,  # only the server reads it
        samesite="Lax",
    )
    return response
