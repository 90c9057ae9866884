"""Backups that restore: `flask backup` and `flask restore ARCHIVE`.

Only the `flask` command imports this module (blueprints/shared/cli.py); /healthz reads the
newest archive's time from its name (blueprints/shared/backup_names.py), without it.

One archive (`backup-<UTC time>.tar.gz` in BACKUP_FOLDER) holds the database (SQLite through its
online backup API, a consistent copy while the site keeps writing; PostgreSQL through `pg_dump
--format=custom`), every file of the uploads folder, and `manifest.json` with the SHA-256 and size
of each. The last BACKUP_KEEP archives are kept. `restore` checks the whole archive against its
manifest before it writes anything, and only into an empty site (no tables, no uploads), so a
damaged or truncated archive, or a slip of the target, never costs what is there.

Why our own code: the job is a few calls of what is kept already (sqlite3's `backup()`,
`pg_dump`/`pg_restore`, `tarfile`, `hashlib`); the backup tools considered (borg, restic,
litestream) copy files or stream WAL frames to elsewhere and are worth adding beside this for
off-machine copies, but none knows the site's two parts and its manifest, or proves a restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app

from blueprints.shared.backup_names import PREFIX, STAMP, SUFFIX, archives, backup_folder
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class Backup:
    """One archive written: where, and what it holds."""

    path: Path
    files: int
    size: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _database_kind() -> str:
    return db.engine.dialect.name


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("The database is not a SQLite file.")
    return Path(database)


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _dump_database(work: Path) -> tuple[str, Path]:
    """A consistent copy of the database in `work`: (its name in the archive, the file)."""
    if _database_kind() == "sqlite":
        target = work / "database.sqlite"
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # one step: a snapshot, while other connections keep writing
        finally:
            copy.close()
            source.close()
        return target.name, target
    target = work / "database.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq_url()])
    return target.name, target


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error


def _upload_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


def write_backup(keep: int | None = None) -> Backup:
    """Write one archive of the database and the uploads, then keep only the last `keep`."""
    folder = backup_folder()
    folder.mkdir(parents=True, exist_ok=True)
    keep = keep if keep is not None else current_app.config["BACKUP_KEEP"]
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    taken = utcnow()
    final = folder / f"{PREFIX}{taken.strftime(STAMP)}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".work-") as work_dir:
        work = Path(work_dir)
        name, dumped = _dump_database(work)
        manifest: dict[str, object] = {
            "format": FORMAT,
            "taken_at": taken.isoformat(timespec="seconds") + "Z",
            "database": {"kind": _database_kind(), "name": name},
            "files": {},
        }
        partial = work / "archive.partial"
        with tarfile.open(partial, "w:gz") as archive:
            data = dumped.read_bytes()
            manifest["files"][name] = {"sha256": _sha256(data), "size": len(data)}  # type: ignore[index]
            _add(archive, name, data)
            for path in _upload_files(uploads):
                data = path.read_bytes()
                member = f"uploads/{path.relative_to(uploads).as_posix()}"
                manifest["files"][member] = {"sha256": _sha256(data), "size": len(data)}  # type: ignore[index]
                _add(archive, member, data)
            _add(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        os.replace(partial, final)  # the archive appears whole or not at all
    for old in archives(folder)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return Backup(final, len(manifest["files"]), final.stat().st_size)  # type: ignore[arg-type]


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(utcnow().timestamp())
    archive.addfile(info, io.BytesIO(data))


def read_archive(path: Path) -> tuple[dict[str, object], dict[str, bytes]]:
    """The manifest and every file of an archive, each checked against the manifest.

    BackupError, with what is wrong, for a missing, truncated, damaged or foreign archive.
    """
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    contents: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                handle = archive.extractfile(member)
                contents[member.name] = handle.read() if handle else b""
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{path}: damaged or truncated archive ({error}).") from error
    try:
        manifest = json.loads(contents.pop(MANIFEST))
        files: dict[str, dict[str, object]] = manifest["files"]
        database = manifest["database"]["name"]
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError(f"{path}: no readable manifest; not a backup of this site.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: archive format {manifest.get('format')!r} is not known here.")
    for name, expected in files.items():
        data = contents.get(name)
        if data is None:
            raise BackupError(f"{path}: {name} is listed in the manifest but missing.")
        if len(data) != expected.get("size") or _sha256(data) != expected.get("sha256"):
            raise BackupError(
                f"{path}: {name} does not match its checksum; the archive is damaged."
            )
        if not _safe_member(name):
            raise BackupError(f"{path}: {name} is not a path a backup holds.")
    if database not in files:
        raise BackupError(f"{path}: the database is missing.")
    extra = set(contents) - set(files)
    if extra:
        raise BackupError(f"{path}: files not in the manifest: {', '.join(sorted(extra))}.")
    return manifest, contents


def _safe_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


def restore(path: Path) -> int:
    """Rebuild the site (database and uploads) from an archive into an empty site; files restored.

    Nothing is written unless the whole archive checks out and the site is empty.
    """
    manifest, contents = read_archive(path)
    kind = manifest["database"]["kind"]  # type: ignore[index]
    if kind != _database_kind():
        raise BackupError(f"{path} holds a {kind} database; this site uses {_database_kind()}.")
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if uploads.exists() and any(uploads.iterdir()):
        raise BackupError(f"The uploads folder {uploads} is not empty; restore into an empty site.")
    _refuse_a_database_in_use()
    database = contents.pop(manifest["database"]["name"])  # type: ignore[index]
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        _restore_sqlite(database)
    else:
        _restore_postgres(database)
    for name, data in contents.items():
        target = uploads / PurePosixPath(name).relative_to("uploads")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(contents)


def _refuse_a_database_in_use() -> None:
    if _database_kind() == "sqlite":
        target = _sqlite_path()
        if target.exists() and target.stat().st_size > 0:
            with sqlite3.connect(target) as connection:
                tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise BackupError(
                    f"The database {target} is not empty; restore into an empty site."
                )
        return
    with db.engine.connect() as connection:
        tables = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).scalar()
    if tables:
        raise BackupError("The PostgreSQL database is not empty; restore into an empty one.")


def _restore_sqlite(data: bytes) -> None:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".restoring") as tmp:
        tmp.write(data)
    try:
        try:
            with sqlite3.connect(tmp.name) as connection:
                verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            connection.close()
        except sqlite3.DatabaseError as error:  # not a database, or pages too damaged to read
            verdict = str(error)
        if verdict != "ok":
            raise BackupError(f"The database in the archive fails its integrity check: {verdict}")
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(tmp.name, target)
    finally:
        Path(tmp.name).unlink(missing_ok=True)


def _restore_postgres(data: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".pgdump") as dump:
        dump.write(data)
        dump.flush()
        _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq_url(), dump.name])
