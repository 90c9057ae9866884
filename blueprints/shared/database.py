"""Connection settings (SQLite, PostgreSQL) and the one helper for read-then-write transactions."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from flask import Flask
from sqlalchemy import Index, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from blueprints.shared.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000

# Which BEGIN the next SQLite transaction on this thread/task issues.
_sqlite_begin_mode: ContextVar[str] = ContextVar("sqlite_begin_mode", default="DEFERRED")

# The partial indexes of the models, and whether a PostgreSQL engine has been set up.
_partial_indexes: list[Index] = []
_postgres_conditions = False


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index of only the rows matching `where` (SQL that SQLite and PostgreSQL read alike).

    The condition is given to SQLite at once and to PostgreSQL once a PostgreSQL engine is set
    up: naming `postgresql_where` makes SQLAlchemy import its whole PostgreSQL dialect, 2 MB in
    every web worker of a site that runs on SQLite.
    """
    index = Index(name, *columns, unique=unique, sqlite_where=text(where), info={"where": where})
    _partial_indexes.append(index)
    if _postgres_conditions:
        _add_postgres_condition(index)
    return index


def _add_postgres_condition(index: Index) -> None:
    index.dialect_kwargs["postgresql_where"] = text(index.info["where"])


def init_migrations(app: Flask) -> None:
    """`flask db ...` and Flask-Migrate's functions, where migrations run: the `flask` command
    (`flask db upgrade`, `make run`) and tests. A web worker serving pages never migrates, so it
    does not import Flask-Migrate and alembic (10 MB resident in each gunicorn worker)."""
    if not (app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"):
        return
    from flask_migrate import Migrate

    directory = str(Path(app.root_path) / "migrations")
    Migrate(app, db, directory=directory, render_as_batch=True)


def configure_engine_events(app: Flask) -> None:
    """Set up each connection: SQLite's WAL, busy timeout, foreign keys, BEGIN; PostgreSQL's UTC."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _install_sqlite_listeners(engine)
    elif engine.dialect.name == "postgresql":
        _install_postgres_listeners(engine)


def _install_postgres_listeners(engine: Engine) -> None:
    global _postgres_conditions  # noqa: PLW0603 - the models are module-level too
    _postgres_conditions = True
    for index in _partial_indexes:
        _add_postgres_condition(index)
    if getattr(engine, "_backcoach_listeners", False):
        return
    engine._backcoach_listeners = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Columns hold naive UTC. Whatever zone the server runs in, what the database works
        # out itself (now(), an aware value cast to a column) must be UTC too.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def _install_sqlite_listeners(engine: Engine) -> None:
    if getattr(engine, "_backcoach_listeners", False):
        return
    engine._backcoach_listeners = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below emit BEGIN itself, so we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql(f"BEGIN {_sqlite_begin_mode.get()}")


@contextmanager
def serialized_write(lock_name: str) -> Iterator[Session]:
    """Run a read-then-write transaction that no other writer can interleave with.

    On SQLite this is BEGIN IMMEDIATE (the write lock is taken before the first read, so a
    capacity check or slot claim cannot be raced and never fails with "database is locked"
    on upgrade). On PostgreSQL it takes a transaction-scoped advisory lock named `lock_name`.
    Commits on success, rolls back on any exception.
    """
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("serialized_write() must start with no pending changes")
    session.commit()  # end any read transaction the request already opened
    dialect = session.get_bind().dialect.name
    token = _sqlite_begin_mode.set("IMMEDIATE")
    try:
        session.connection()
    finally:
        _sqlite_begin_mode.reset(token)
    try:
        if dialect == "postgresql":
            key = zlib.crc32(lock_name.encode())
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
