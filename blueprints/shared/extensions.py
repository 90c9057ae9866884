"""The Flask extensions and the model base: a leaf module that imports nothing of ours.

Flask-Migrate is not here: it brings alembic (10 MB in every web worker) and only the `flask`
command and the tests run migrations; `database.init_migrations` sets it up there. Nor is
Flask-Mail: `mail_message` holds it and sets it up on the first delivery pass, so a worker that
only serves pages does not load it.

Every module that needs `db` (or another extension) imports it from here, so nothing depends on
`app.py` and `create_app()` is free to import any blueprint.
"""

from __future__ import annotations

from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every blueprint's models."""


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
