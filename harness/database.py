"""The migrated test database: a SQLite file by default, or the PostgreSQL database named by
TEST_DATABASE_URL (tests/with_postgres.sh starts one); `database_file` fixtures hold a Path or
that URL. `make_app` builds the site on one, as tests and benchmarks both run it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.pool import NullPool

from app import create_app
from blueprints.shared.extensions import db

# The PostgreSQL server the suite runs against (TEST_POSTGRES=1 make test), or None for SQLite.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# A SQLite file, or the URL of a PostgreSQL database.
Database = Path | str


def database_uri(database: Database) -> str:
    """The SQLAlchemy URL of a test database."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def base_test_config(database_file: Database) -> dict[str, Any]:
    """What every test app shares: testing on, a real database, mail off unless asked."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri(database_file),
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": "",
        "MAIL_BACKGROUND_SENDER": False,
        "MAIL_TIMEOUT": 2.0,
        "SPAM_MIN_SECONDS": 0.0,
        "SERVER_NAME": None,
        "SITE_URL": "http://localhost",
        # beside the test's own database (the seed draws the coach's portrait there)
        "UPLOAD_FOLDER": str(
            database_file.parent / "uploads"
            if isinstance(database_file, Path)
            else Path(tempfile.gettempdir()) / f"strongspine-uploads-{os.getpid()}"
        ),
    }


def build_migrated_database(target: Database) -> None:
    """Create a database by running every migration, as `make run` does."""
    from flask_migrate import upgrade

    app = create_app(base_test_config(target))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    if isinstance(target, Path):
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def copy_database(template: Path, target: Path) -> None:
    """A fresh copy of the migrated template for one test."""
    shutil.copyfile(template, target)


def worker_postgres_database(url: str) -> str:
    """The PostgreSQL database of this pytest-xdist worker: `url`'s name plus the worker's id.

    Workers empty their database before each test, so they cannot share one; each gets its own,
    created on the same server the first time it is asked for.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    server = create_engine(parsed.set(database="postgres"), poolclass=NullPool)
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        query = text("SELECT 1 FROM pg_database WHERE datname = :name")
        if not connection.scalar(query, {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


# Every row of every table but the migrations' own, and every sequence back to its start, in one
# round trip. DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for
# each of some fifty tables and their indexes (145 ms a test, against 75 ms for this).
EMPTY_EVERY_TABLE = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT tablename FROM pg_tables
      WHERE schemaname = current_schema() AND tablename <> 'alembic_version' LOOP
    EXECUTE format('DELETE FROM %I', item.tablename);
  END LOOP;
  FOR item IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', item.sequencename);
  END LOOP;
END $$
"""


def clean_postgres_database(url: str) -> None:
    """Empty every table the migrations made, as if they had just run.

    Connections an earlier test left open would hold locks the deletes wait for; they belong
    to apps that are gone, so they are ended first. Foreign keys and triggers are off while the
    rows go (session_replication_role), as every table is emptied.
    """
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(EMPTY_EVERY_TABLE))
        connection.execute(text("INSERT INTO content_version (id, version) VALUES (1, 0)"))
    engine.dispose()


class CompiledOnce(BytecodeCache):
    """Jinja's compiled templates, kept in memory for every app this process makes.

    Each test builds a new app, so a new Jinja environment that would compile again every
    template the test renders (0.37 s for the first view of five public pages, against 0.08 s
    once compiled). Jinja checks each template's source against the checksum kept with its code.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledOnce()


def make_app(database_file: Database, **overrides: Any) -> Flask:
    """A test app on `database_file`, with `overrides` applied to the config."""
    app = create_app({**base_test_config(database_file), **overrides})
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


def shutdown_app(app: Flask) -> None:
    """Stop the app's background threads and close its connections."""
    for worker in ("outbox_sender", "newsletter_queuer"):
        app.extensions[worker].stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def stored(app: Flask, model: type[Any]) -> list[Any]:
    """Every row of `model`, in the order written, detached for reading after the test."""
    with app.app_context():
        rows = db.session.scalars(select(model).order_by(model.id)).all()
        db.session.expunge_all()
    return list(rows)
