"""What the tests under tests/video/ share besides their fixtures."""

from __future__ import annotations

import io
import re
from pathlib import Path

import av
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, stream_encode_multipart

from blueprints.drills.models import Drill
from blueprints.shared.extensions import db
from blueprints.video.models import VideoJob

SLUG = "cat-cow-on-the-floor"


CONTENT = Path(__file__).resolve().parents[1] / "content" / "drills"


def drill_form(**overrides: object) -> dict[str, object]:
    """A valid drill form with the built-in demonstration and no video."""
    return {
        "motion": (CONTENT / "cat-cow.motion.toml").read_text(),
        "name": "Cat-cow on the floor",
        "direction": "flexion",
        "level": "beginner",
        "equipment": ["none"],
        "position": "1",
        "summary": "Round and arch the back slowly, on hands and knees.",
        "steps": "Hands under shoulders\nRound the back\nArch the back",
        **overrides,
    }


def post_upload(coach: FlaskClient, drill_id: int, clip: Path, **fields: object) -> TestResponse:
    """Post the drill form with `clip` as its video upload, to the drill's editor.

    The body is encoded here, in memory: the test client would spool a large one to a file
    it never closes (a ResourceWarning); the app still gets the upload as a spooled file.
    """
    upload = FileStorage(io.BytesIO(clip.read_bytes()), clip.name)
    body, length, boundary = stream_encode_multipart(
        drill_form(video_file=upload, **fields), use_tempfile=False
    )
    return coach.post(
        f"/studio/drills/{drill_id}/edit",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def a_drill(coach: FlaskClient, app: Flask) -> int:
    """A saved drill with its built-in demonstration; its id."""
    assert coach.post("/studio/drills/new", data=drill_form()).status_code == 302
    return the_drill(app).id


def the_drill(app: Flask) -> Drill:
    """The stored drill, detached."""
    with app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == SLUG))
        db.session.expunge(drill)
    return drill


def jobs(app: Flask) -> list[VideoJob]:
    """Every waiting, running or failed video job, detached."""
    with app.app_context():
        rows = db.session.scalars(select(VideoJob)).all()
        db.session.expunge_all()
    return list(rows)


def files_in(folder: Path) -> list[str]:
    """Every file name in `folder` (hidden part files included), sorted."""
    return sorted(path.name for path in folder.glob("*")) if folder.exists() else []


def read_back(path: Path) -> dict[str, object]:
    """What a visitor's player and anyone curious can read from a published file."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frame = next(container.decode(video))
        return {
            "format": container.format.name,
            "tags": dict(container.metadata),
            "stream_tags": [dict(stream.metadata) for stream in container.streams],
            "codecs": sorted(stream.codec_context.name for stream in container.streams),
            "size": (frame.width, frame.height),
            "rotation": frame.rotation,
        }


def video_tag(html: str) -> str:
    """The <video ...> start tag of a page."""
    match = re.search(r"<video [^>]*>", html)
    assert match is not None, "no <video> on the page"
    return match.group(0)
