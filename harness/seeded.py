"""The demo content in a test's fresh site: seeded once per worker, copied into the rest.

Seeding runs every loader over content/ (the articles' Markdown rendered and sanitised, the coach's
portrait drawn): about 0.4 s, in front of roughly half the suite. The first test of a kind seeds
its own site as `flask seed` does; what that wrote is kept and copied into the next fresh site:
on SQLite the database file through SQLite's backup API, on PostgreSQL each table's rows through
COPY (and each sequence's position), with the uploads the seed wrote either way.

The copy is only the same as seeding when nothing else differs, so a kept copy is keyed by what
the loaders read: the clock's hour (articles are dated "N days ago", programs start "in N days";
an hour never spans two dates, and a test's stated instant ticks on for seconds, not hours), the
content folder and the coach's name. Only for a site nobody has written to yet.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import make_url

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content

SeedKey = tuple[str, str, str, str]


@dataclass
class Kept:
    """What one seed wrote: a SQLite file, or PostgreSQL rows and sequences; and the uploads."""

    uploads: Path
    sqlite_file: Path | None = None
    tables: list[tuple[str, str, bytes]] = field(default_factory=list)  # table, columns, rows
    sequences: list[tuple[str, int]] = field(default_factory=list)


_kept: dict[SeedKey, Kept] = {}


def _sqlite_file(app: Flask) -> Path | None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _key(app: Flask) -> SeedKey:
    return (
        f"{utcnow():%Y-%m-%dT%H}",
        str(app.config["SQLALCHEMY_DATABASE_URI"]) if _sqlite_file(app) is None else "sqlite",
        str(app.config["CONTENT_FOLDER"]),
        str(app.config["COACH_NAME"]),
    )


def _copy_sqlite(source: Path, target: Path) -> None:
    """The whole of SQLite database `source` written into `target`, page by page."""
    reader, writer = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        reader.close()
        writer.close()


# Every table's own (not generated) columns, in order; alembic_version is the migrations' own.
PG_COLUMNS = """
SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid
WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'alembic_version'
  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
GROUP BY c.relname ORDER BY c.relname
"""
PG_SEQUENCES = """
SELECT quote_ident(sequencename), last_value FROM pg_sequences
WHERE schemaname = current_schema() AND last_value IS NOT NULL
"""


def _postgres_rows(app: Flask) -> tuple[list[tuple[str, str, bytes]], list[tuple[str, int]]]:
    """Every table's rows (COPY's binary form) and every sequence's position."""
    with app.app_context():
        raw: Any = db.engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor()
            tables = []
            for table, columns in cursor.execute(PG_COLUMNS).fetchall():
                sql = f'COPY "{table}" ({columns}) TO STDOUT (FORMAT binary)'
                with cursor.copy(sql) as copy:
                    tables.append((table, columns, b"".join(bytes(chunk) for chunk in copy)))
            sequences = cursor.execute(PG_SEQUENCES).fetchall()
            raw.driver_connection.rollback()
        finally:
            raw.close()
    return tables, sequences


def _restore_postgres(app: Flask, kept: Kept) -> None:
    """Put kept rows into an emptied database: triggers and foreign keys off while they go in."""
    with app.app_context():
        raw: Any = db.engine.raw_connection()
        try:
            connection = raw.driver_connection
            cursor = connection.cursor()
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, columns, rows in kept.tables:
                cursor.execute(f'DELETE FROM "{table}"')  # content_version keeps its one row
                with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN (FORMAT binary)') as copy:
                    copy.write(rows)
            for sequence, position in kept.sequences:
                cursor.execute("SELECT setval(%s::regclass, %s)", (sequence, position))
            connection.commit()
        finally:
            raw.close()


def seed_demo(app: Flask) -> None:
    """`flask seed` on `app`'s fresh site, or the copy of one seeded under the same key."""
    database = _sqlite_file(app)
    uploads = Path(app.config["UPLOAD_FOLDER"])
    key = _key(app)
    if (kept := _kept.get(key)) is not None:
        if database is not None and kept.sqlite_file is not None:  # the key names the backend
            with app.app_context():
                db.session.remove()
                db.engine.dispose()  # nothing pooled reads the file while it is replaced
            _copy_sqlite(kept.sqlite_file, database)
        else:
            _restore_postgres(app, kept)
        if kept.uploads.is_dir():
            shutil.copytree(kept.uploads, uploads, dirs_exist_ok=True)
        return
    with app.app_context():
        seed_demo_content()
        db.session.remove()
    folder = Path(tempfile.mkdtemp(prefix="strongspine-seeded-"))
    atexit.register(shutil.rmtree, folder, True)
    kept = Kept(uploads=folder / "uploads")
    if database is not None:
        with app.app_context():
            db.engine.dispose()
        kept.sqlite_file = folder / "seeded.sqlite"
        _copy_sqlite(database, kept.sqlite_file)
    else:
        kept.tables, kept.sequences = _postgres_rows(app)
    if uploads.is_dir():
        shutil.copytree(uploads, kept.uploads)
    _kept[key] = kept
