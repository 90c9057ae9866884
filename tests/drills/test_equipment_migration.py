"""The migration that parts what a drill needs from what it may progress to keeps the meaning
of the rows it finds: kit listed beside "none" was for loading later."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from blueprints.shared.extensions import db
from harness import make_app, shutdown_app

BEFORE = "e7b3c1d9a4f2"
COLUMNS = (
    "slug, name, direction, level, position, summary, steps, cues, mistakes, progression, "
    "video_url, video_file, poster_file, captions_file, motion, created_at, updated_at"
)


@pytest.mark.sqlite_only
def test_kit_beside_no_equipment_becomes_a_progression(tmp_path: Path) -> None:
    app = make_app(tmp_path / "old.sqlite")
    with app.app_context():
        upgrade(revision=BEFORE)
        for number, kit in enumerate((["none", "dumbbell"], ["bench", "plate"]), start=1):
            db.session.execute(
                text(
                    f"INSERT INTO drill (id, {COLUMNS}) VALUES (:id, :slug, 'D', 'flexion', "
                    "'beginner', 0, '', '', '', '', '', '', '', '', '', '', "
                    "'2026-01-01', '2026-01-01')"
                ),
                {"id": number, "slug": f"d{number}"},
            )
            for name in kit:
                db.session.execute(
                    text("INSERT INTO drill_equipment (drill_id, name) VALUES (:id, :name)"),
                    {"id": number, "name": name},
                )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text("SELECT drill_id, name, needed FROM drill_equipment ORDER BY drill_id, name")
        ).all()
        assert [tuple(row) for row in rows] == [
            (1, "dumbbell", 0),
            (1, "none", 1),
            (2, "bench", 1),
            (2, "plate", 1),
        ]
        db.session.remove()  # end the read, so the downgrade's new table is what we read next
        downgrade(revision=BEFORE)
        columns = db.session.execute(text("PRAGMA table_info(drill_equipment)")).all()
        assert "needed" not in {column[1] for column in columns}
        db.session.remove()
    shutdown_app(app)
