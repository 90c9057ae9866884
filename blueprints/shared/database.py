"""Connection settings (SQLite, PostgreSQL) and the one helper for read-then-write transactions.

On SQLite, which BEGIN a transaction issues is decided here and nowhere else (`_begin_mode`):
a transaction that may write takes the write lock when it begins (`BEGIN IMMEDIATE`, waiting up
to the busy timeout for it), because a deferred transaction that read first cannot wait for the
lock when it then writes: SQLite fails that upgrade at once with "database is locked" if another
connection wrote in between. Reads stay deferred, so they run beside a writer under WAL.

- a request with an unsafe method (POST, PUT, PATCH, DELETE) writes;
- a GET in the signed-in areas (`WRITING_BLUEPRINTS`) may write (a plan copied on first view,
  a plan made empty on first visit), so it is treated as a write too; every other GET or HEAD
  is a read;
- a `flask` command (`init_commands`) and a background worker's thread (`writes_by_default`)
  write;
- anything else (a test's or a shell's app context) is deferred, as SQLite's default;
- `serialized_write` always takes the lock first (and an advisory lock on PostgreSQL).
"""

from __future__ import annotations

import functools
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import click
from flask import Flask, has_request_context, request
from sqlalchemy import Index, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from blueprints.shared.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000

# Which BEGIN the next SQLite transaction on this thread/task issues; None: decided by
# `_begin_mode` from the request (or DEFERRED outside one).
_sqlite_begin_mode: ContextVar[str | None] = ContextVar("sqlite_begin_mode", default=None)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The signed-in areas, whose GET pages may write (see the module docstring).
WRITING_BLUEPRINTS = frozenset({"me", "studio"})

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
        conn.exec_driver_sql(f"BEGIN {_begin_mode()}")


def _begin_mode() -> str:
    """IMMEDIATE for a transaction that may write, DEFERRED for a read (module docstring)."""
    chosen = _sqlite_begin_mode.get()
    if chosen is not None:
        return chosen
    if has_request_context() and request_may_write():
        return "IMMEDIATE"
    return "DEFERRED"


def request_may_write() -> bool:
    """Whether this request may write: an unsafe method, or a GET of a signed-in area."""
    return request.method not in READ_METHODS or request.blueprint in WRITING_BLUEPRINTS


def writes_by_default() -> None:
    """From now on, this thread's transactions take the write lock when they begin.

    For threads and commands that exist to write (the outbox sender, `flask send-mail`): their
    context is their own, so nothing else is affected.
    """
    _sqlite_begin_mode.set("IMMEDIATE")


def init_commands(app: Flask) -> None:
    """Make every `flask` command registered so far take the write lock when it begins."""
    for command in app.cli.commands.values():
        _commands_write(command)


def _commands_write(command: click.Command) -> None:
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _commands_write(sub)
    if command.callback is not None and not getattr(command.callback, "_writes", False):
        command.callback = _writing(command.callback)


def _writing(callback: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(callback)
    def run(*args: object, **kwargs: object) -> object:
        token = _sqlite_begin_mode.set("IMMEDIATE")
        try:
            return callback(*args, **kwargs)
        finally:
            _sqlite_begin_mode.reset(token)

    run._writes = True  # type: ignore[attr-defined]
    return run


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
