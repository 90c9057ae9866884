"""The visitor's colour theme: light, dark or the system's, kept in a cookie, written by the server.

The server puts the choice on `<html data-theme="...">`, so the stylesheet paints the right theme
from the first frame with no script. Cached pages are shared by every visitor, so while a page is
rendered for the cache the theme is a placeholder, filled from each visitor's own cookie when the
page is served (a page-cache placeholder), like the CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, request

THEMES = ("light", "dark", "system")
DEFAULT_THEME = "system"
COOKIE_NAME = "theme"
COOKIE_MAX_AGE = 365 * 24 * 3600
THEME_PLACEHOLDER = "__theme-placeholder__"


def _pressed_placeholder(theme: str) -> str:
    return f"__theme-{theme}-pressed-placeholder__"


def init_app(app: Flask) -> None:
    """Make the theme helpers template globals; cached pages get each visitor's theme."""
    from blueprints.shared.pagecache import register_placeholder

    app.jinja_env.globals["page_theme"] = page_theme
    app.jinja_env.globals["theme_pressed"] = theme_pressed
    register_placeholder(app, THEME_PLACEHOLDER, chosen_theme)
    for theme in THEMES:
        register_placeholder(app, _pressed_placeholder(theme), _pressed_filler(theme))


def _pressed_filler(theme: str) -> Callable[[], str]:
    return lambda: "true" if chosen_theme() == theme else "false"


def chosen_theme() -> str:
    """The theme this visitor picked (their cookie), or the default: follow the system."""
    value = request.cookies.get(COOKIE_NAME, "")
    return value if value in THEMES else DEFAULT_THEME


def page_theme() -> str:
    """What `<html data-theme>` says: the visitor's theme, or a placeholder on a cached page."""
    from blueprints.shared.pagecache import rendering_for_cache

    return THEME_PLACEHOLDER if rendering_for_cache() else chosen_theme()


def theme_pressed(theme: str) -> str:
    """aria-pressed for the switch's button for `theme`: "true" if it is the visitor's choice."""
    from blueprints.shared.pagecache import rendering_for_cache

    if rendering_for_cache():
        return _pressed_placeholder(theme)
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
