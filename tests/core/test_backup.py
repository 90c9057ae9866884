"""`flask backup` and `flask restore`: an archive taken while the site writes rebuilds it whole;
a damaged or truncated archive is refused with a message, and nothing is written.

SQLite (the online backup API) and, in the PostgreSQL run, pg_dump/pg_restore.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import tarfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import insert

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.models import RateEvent
from harness import make_app, shutdown_app, wait_until

UPLOADS = {
    "images/cover.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 40,
    "videos/bird-dog.mp4": b"\x00\x00\x00\x18ftypmp42" * 500,
    "captions/bird-dog.vtt": b"WEBVTT\n\n00:00.000 --> 00:02.000\nBrace, then reach.\n",
}


@pytest.fixture
def site(database_file: Path, tmp_path: Path) -> Iterator[Flask]:
    """A site with uploads, its backups in their own folder."""
    uploads = tmp_path / "uploads"
    for name, data in UPLOADS.items():
        (uploads / name).parent.mkdir(parents=True, exist_ok=True)
        (uploads / name).write_bytes(data)
    app = make_app(database_file, UPLOAD_FOLDER=str(uploads), BACKUP_FOLDER=str(tmp_path / "b"))
    yield app
    shutdown_app(app)


@pytest.fixture
def empty_site(tmp_path: Path) -> Iterator[Flask]:
    """A new machine: configured, with no database file and no uploads yet."""
    fresh = tmp_path / "fresh"
    app = make_app(fresh / "site.sqlite", UPLOAD_FOLDER=str(fresh / "uploads"))
    yield app
    shutdown_app(app)


def _rows(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {key for (key,) in connection.execute("SELECT key FROM rate_event")}


def _back_up(app: Flask) -> Path:
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    archives = sorted(Path(app.config["BACKUP_FOLDER"]).glob("backup-*.tar.gz"))
    assert archives, result.output
    return archives[-1]


@pytest.mark.sqlite_only
def test_a_backup_taken_during_writes_restores_every_row_and_file(
    site: Flask, empty_site: Flask, database_file: Path
) -> None:
    committed: list[str] = []
    stop = threading.Event()

    def keep_writing() -> None:
        with site.app_context():
            n = 0
            while not stop.is_set():
                n += 1
                db.session.execute(insert(RateEvent).values(key=f"row-{n}", at=utcnow()))
                db.session.commit()
                committed.append(f"row-{n}")
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert wait_until(lambda: len(committed) >= 50)
        before = set(committed)
        archive = _back_up(site)
        written_during = len(committed) - len(before)
        assert wait_until(lambda: len(committed) >= len(before) + written_during + 20)
    finally:
        stop.set()
        writer.join(10)

    result = empty_site.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Restored the database and 3 uploaded files" in result.output

    restored_db = Path(empty_site.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    restored = _rows(restored_db)
    assert before <= restored  # every row committed before the backup began
    assert restored <= set(committed)  # and nothing that was never written
    # a snapshot: the rows it holds are the first ones written, with no gap
    assert restored == {f"row-{n}" for n in range(1, len(restored) + 1)}
    with sqlite3.connect(restored_db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    uploads = Path(empty_site.config["UPLOAD_FOLDER"])
    assert {
        path.relative_to(uploads).as_posix(): path.read_bytes()
        for path in uploads.rglob("*")
        if path.is_file()
    } == UPLOADS
    # and the site runs on it
    assert empty_site.test_client().get("/robots.txt").status_code == 200


@pytest.mark.sqlite_only
def test_the_manifest_lists_every_file_with_its_checksum(site: Flask) -> None:
    archive = _back_up(site)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names == {"manifest.json", "database.sqlite"} | {f"uploads/{n}" for n in UPLOADS}
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert manifest["database"] == {"kind": "sqlite", "name": "database.sqlite"}


@pytest.mark.sqlite_only
def test_a_truncated_archive_is_refused_with_a_message_and_nothing_written(
    site: Flask, empty_site: Flask
) -> None:
    archive = _back_up(site)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])

    result = empty_site.test_cli_runner().invoke(args=["restore", str(archive)])

    assert result.exit_code != 0
    assert "damaged or truncated" in result.output
    assert "Nothing was restored." in result.output
    assert "Traceback" not in result.output
    assert not Path(empty_site.config["UPLOAD_FOLDER"]).exists()


@pytest.mark.sqlite_only
def test_an_archive_whose_file_does_not_match_its_checksum_is_refused(
    site: Flask, empty_site: Flask, tmp_path: Path
) -> None:
    archive = _back_up(site)
    tampered = tmp_path / "backup-20261201T000000Z.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "uploads/images/cover.jpg":
                data = data[:-1] + b"\x00"
            target.addfile(member, io.BytesIO(data))

    result = empty_site.test_cli_runner().invoke(args=["restore", str(tampered)])

    assert result.exit_code != 0
    assert "uploads/images/cover.jpg does not match its checksum" in result.output
    assert not Path(empty_site.config["UPLOAD_FOLDER"]).exists()


@pytest.mark.sqlite_only
def test_restore_refuses_a_site_that_is_not_empty(site: Flask) -> None:
    archive = _back_up(site)
    result = site.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "is not empty" in result.output


@pytest.mark.sqlite_only
def test_a_file_that_is_not_an_archive_is_refused(empty_site: Flask, tmp_path: Path) -> None:
    junk = tmp_path / "notes.tar.gz"
    junk.write_bytes(gzip.compress(b"just some text, not a tar archive" * 20))
    result = empty_site.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code != 0
    assert "Nothing was restored." in result.output
    assert "Traceback" not in result.output


@pytest.mark.sqlite_only
def test_only_the_last_backups_are_kept(site: Flask) -> None:
    for day in (1, 2, 3, 4):
        with time_machine.travel(datetime(2026, 12, day, 2, 0, tzinfo=UTC), tick=False):
            assert site.test_cli_runner().invoke(args=["backup", "--keep", "2"]).exit_code == 0
    names = sorted(path.name for path in Path(site.config["BACKUP_FOLDER"]).iterdir())
    assert names == ["backup-20261203T020000Z.tar.gz", "backup-20261204T020000Z.tar.gz"]


@pytest.mark.postgres_only
def test_a_postgresql_backup_restores_into_an_empty_database(
    database_file: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    uploads = tmp_path / "uploads"
    (uploads / "images").mkdir(parents=True)
    (uploads / "images" / "cover.jpg").write_bytes(UPLOADS["images/cover.jpg"])
    site = make_app(database_file, UPLOAD_FOLDER=str(uploads), BACKUP_FOLDER=str(tmp_path / "b"))
    try:
        with site.app_context():
            db.session.execute(
                insert(RateEvent), [{"key": f"pg-{n}", "at": utcnow()} for n in range(40)]
            )
            db.session.commit()
            db.session.remove()
        archive = _back_up(site)
    finally:
        shutdown_app(site)

    url = make_url(database_file)
    fresh_url = url.set(database=f"{url.database}_restored")
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh_url.database}"'))
        connection.execute(text(f'CREATE DATABASE "{fresh_url.database}"'))
    fresh = make_app(
        fresh_url.render_as_string(hide_password=False), UPLOAD_FOLDER=str(tmp_path / "fresh")
    )
    try:
        result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        with fresh.app_context():
            keys = set(db.session.scalars(text("SELECT key FROM rate_event")))
            db.session.remove()
        assert keys == {f"pg-{n}" for n in range(40)}
        assert (tmp_path / "fresh" / "images" / "cover.jpg").read_bytes() == UPLOADS[
            "images/cover.jpg"
        ]
        # and it refuses to restore over what is there now
        again = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
        assert again.exit_code != 0
        assert "not empty" in again.output
    finally:
        shutdown_app(fresh)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh_url.database}" WITH (FORCE)'))
        admin.dispose()


def _sqlite_bytes(folder: Path) -> bytes:
    """A small, sound SQLite database file."""
    path = folder / "made.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE note (body TEXT)")
        connection.execute("INSERT INTO note VALUES ('kept')")
    connection.close()
    return path.read_bytes()


def _forge(
    path: Path,
    files: dict[str, bytes],
    unlisted: dict[str, bytes] | None = None,
    **manifest: object,
) -> Path:
    """An archive whose manifest matches `files` (right sizes and checksums), with `manifest`'s
    keys overriding the rest and `unlisted` files beside them: what a careless copy or a hostile
    hand could give restore."""
    listed = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in files.items()
    }
    whole = {
        "format": 1,
        "taken_at": "2026-12-01T02:00:00Z",
        "database": {"kind": "sqlite", "name": "database.sqlite"},
        "files": listed,
        **manifest,
    }
    members = [*files.items(), *(unlisted or {}).items()]
    with tarfile.open(path, "w:gz") as archive:
        for name, data in [*members, ("manifest.json", json.dumps(whole).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


OUTSIDE = b"written where it should not be"
NOT_SQLITE = b"SQLite format 3\x00" + b"\x00" * 200 + b"not pages" * 500


# (what the archive holds beyond a sound one, what restore says). "{tmp}" is the test's folder,
# where the escaping files would land.
FORGERIES: dict[str, tuple[dict[str, Any], str]] = {
    "climbs out of the uploads": (
        {"files": {"uploads/../../escaped.txt": OUTSIDE}},
        "uploads/../../escaped.txt is not a path a backup holds",
    ),
    "absolute path": (
        {"files": {"{tmp}/escaped.txt": OUTSIDE}},
        "{tmp}/escaped.txt is not a path a backup holds",
    ),
    "a file the manifest does not list": (
        {"unlisted": {"uploads/stray.jpg": b"\xff\xd8\xff"}},
        "files not in the manifest: uploads/stray.jpg",
    ),
    "no database": ({"files": {"database.sqlite": None}}, "the database is missing"),
    "a later format": ({"manifest": {"format": 2}}, "archive format 2 is not known here"),
    "a PostgreSQL dump": (
        {"manifest": {"database": {"kind": "postgresql", "name": "database.sqlite"}}},
        "holds a postgresql database; this site uses sqlite",
    ),
    "a database that is not one": (
        {"files": {"database.sqlite": NOT_SQLITE}},
        "fails its integrity check",
    ),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("case", list(FORGERIES))
def test_a_forged_or_foreign_archive_is_refused_and_nothing_is_written(
    empty_site: Flask, tmp_path: Path, case: str
) -> None:
    forgery, message = FORGERIES[case]
    files: dict[str, bytes] = {
        "database.sqlite": _sqlite_bytes(tmp_path),
        "uploads/images/cover.jpg": UPLOADS["images/cover.jpg"],
    }
    for name, data in forgery.get("files", {}).items():
        name = name.replace("{tmp}", str(tmp_path))
        if data is None:
            files.pop(name)
        else:
            files[name] = data
    archive = _forge(
        tmp_path / "backup-20261201T020000Z.tar.gz",
        files,
        forgery.get("unlisted"),
        **forgery.get("manifest", {}),
    )

    result = empty_site.test_cli_runner().invoke(args=["restore", str(archive)])

    assert result.exit_code == 1, result.output
    assert message.replace("{tmp}", str(tmp_path)) in result.output
    assert "Nothing was restored." in result.output
    assert "Traceback" not in result.output
    assert not Path(empty_site.config["UPLOAD_FOLDER"]).exists()
    assert not (tmp_path / "escaped.txt").exists()
    site_database = Path(empty_site.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    assert not site_database.exists() or site_database.stat().st_size == 0


@pytest.mark.sqlite_only
def test_restore_refuses_uploads_already_there(
    site: Flask, empty_site: Flask, tmp_path: Path
) -> None:
    archive = _back_up(site)
    uploads = Path(empty_site.config["UPLOAD_FOLDER"])
    uploads.mkdir(parents=True)
    (uploads / "portrait.jpg").write_bytes(b"the coach's own photo")

    result = empty_site.test_cli_runner().invoke(args=["restore", str(archive)])

    assert result.exit_code == 1
    assert "is not empty; restore into an empty site" in result.output
    assert sorted(path.name for path in uploads.iterdir()) == ["portrait.jpg"]
    assert (uploads / "portrait.jpg").read_bytes() == b"the coach's own photo"
