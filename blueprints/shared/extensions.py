"""The Flask extensions and the model base: a leaf module that imports nothing of ours.

Flask-Migrate is not here: it brings alembic (10 MB in every web worker) and only the `flask`
command and the tests run migrations; `database.init_migrations` sets it up there. Flask-Mail
is (0.4 MB of a 63 MB worker, measured: not worth a lazy import); `mail_message` composes with it.

Every module that needs `db` (or another extension) imports it from here, so nothing depends on
`app.py` and `create_app()` is free to import any blueprint.
"""

from __future__ import annotations

from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every blueprint's models."""


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
mail = Mail()
