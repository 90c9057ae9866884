"""What backup archives are called, and when the last one was taken (read from its name).

Light on purpose: /healthz asks for the last backup's age in every web worker, which must not
load what writing and restoring an archive needs (blueprints/shared/backup.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app

PREFIX = "backup-"
SUFFIX = ".tar.gz"
STAMP = "%Y%m%dT%H%M%SZ"  # UTC, so names sort in time order


def backup_folder() -> Path:
    """Where archives are written (BACKUP_FOLDER)."""
    return Path(current_app.config["BACKUP_FOLDER"])


def archive_time(path: Path) -> datetime | None:
    """When an archive was taken (naive UTC), from its name; None: not one of ours."""
    name = path.name
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        return None
    try:
        return datetime.strptime(name[len(PREFIX) : -len(SUFFIX)], STAMP)  # noqa: DTZ007
    except ValueError:
        return None


def archives(folder: Path) -> list[Path]:
    """The archives in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if archive_time(path) is not None)


def last_backup_time() -> datetime | None:
    """When the newest archive in BACKUP_FOLDER was taken, or None if there is none."""
    found = archives(backup_folder())
    return archive_time(found[-1]) if found else None
