"""The content version: one number every worker shares, raised by any change to a table whose
rows public pages show (each feature registers its tables). Caches of what those rows make (the
contact page's free times) compare it to know they are stale.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, UOWTransaction

from blueprints.shared.extensions import db
from blueprints.shared.models import ContentVersion


def init_app(app: Flask) -> None:
    """Watch every session for changes to the registered tables."""
    app.extensions.setdefault("content_tables", set())
    _install_listeners()


def register_content_tables(app: Flask, *names: str) -> None:
    """Tables whose rows appear on public pages: a change to any of them raises the version."""
    app.extensions.setdefault("content_tables", set()).update(names)


def current_version() -> int | None:
    """The content version every worker shares (None if the row is missing)."""
    return db.session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))


def _install_listeners() -> None:
    """Once per process: the listeners are on the Session class and look up the app's tables."""
    listeners = (
        ("after_flush", _raise_version_on_content_change),
        ("do_orm_execute", _raise_version_on_bulk_change),
    )
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _content_tables() -> set[str]:
    if not has_app_context():
        return set()
    return current_app.extensions.get("content_tables", set())  # type: ignore[no-any-return]


def _raise_version_on_content_change(session: Session, _flush: UOWTransaction) -> None:
    tables = _content_tables()
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(obj, "__tablename__", None) in tables for obj in changed):
        _raise_version(session)


def _raise_version_on_bulk_change(state: Any) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _content_tables():
        _raise_version(state.session)


def _raise_version(session: Session) -> None:
    session.connection().execute(
        update(ContentVersion.__table__)
        .where(ContentVersion.__table__.c.id == 1)
        .values(version=ContentVersion.__table__.c.version + 1)
    )
