"""The coach's studio (foundation version; the studio issue grows this)."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from app import db, login_manager
from blueprints.studio import bp
from blueprints.studio.models import User

login_manager.login_view = "studio.login"
login_manager.login_message = "Please log in to use the studio."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's way back from the session to the user."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.get("/")
@login_required
def index() -> str:
    """The dashboard."""
    return render_template("studio/index.html")


@bp.get("/login")
def login() -> str:
    """The login form."""
    return render_template("studio/login.html")
