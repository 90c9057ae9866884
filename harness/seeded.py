"""The demo content in a test's fresh site: seeded once per worker, copied into the rest.

Seeding runs every loader over content/ (the articles' Markdown rendered and sanitised, the coach's
portrait drawn): about 0.4 s, in front of roughly half the suite. On SQLite the first test of a
kind seeds its own site as `flask seed` does; its database is then kept and SQLite's backup API
copies it into the next fresh site (safe while that app's pool holds connections), with the
uploads the seed wrote. On PostgreSQL every test seeds.

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
from pathlib import Path

from flask import Flask
from sqlalchemy import make_url

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content

SeedKey = tuple[str, str, str]

_kept: dict[SeedKey, tuple[Path, Path]] = {}  # key -> (database file, uploads folder)


def _sqlite_file(app: Flask) -> Path | None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _key(app: Flask) -> SeedKey:
    return (
        f"{utcnow():%Y-%m-%dT%H}",
        str(app.config["CONTENT_FOLDER"]),
        str(app.config["COACH_NAME"]),
    )


def _copy(source: Path, target: Path) -> None:
    """The whole of SQLite database `source` written into `target`, page by page."""
    with sqlite3.connect(source) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


def seed_demo(app: Flask) -> None:
    """`flask seed` on `app`'s fresh site, or the copy of one seeded under the same key."""
    database = _sqlite_file(app)
    uploads = Path(app.config["UPLOAD_FOLDER"])
    key = _key(app)
    kept = _kept.get(key) if database is not None else None
    if kept is not None:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # nothing pooled reads the file while it is replaced
        _copy(kept[0], database)
        if kept[1].is_dir():
            shutil.copytree(kept[1], uploads, dirs_exist_ok=True)
        return
    with app.app_context():
        seed_demo_content()
        db.session.remove()
        db.engine.dispose()
    if database is None:
        return
    folder = Path(tempfile.mkdtemp(prefix="strongspine-seeded-"))
    atexit.register(shutil.rmtree, folder, True)
    _copy(database, folder / "seeded.sqlite")
    if uploads.is_dir():
        shutil.copytree(uploads, folder / "uploads")
    _kept[key] = (folder / "seeded.sqlite", folder / "uploads")
