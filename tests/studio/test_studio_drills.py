"""Drills in the studio: create, edit, delete; video links, MP4 uploads and posters."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from blueprints.drills.models import Drill, DrillEquipment
from blueprints.shared.extensions import db
from blueprints.studio.video_links import UnsupportedVideoLink, embed_url
from harness.coach import coach_client
from harness.media import tiny_mp4
from harness.studio import drill_form, png_bytes, publish_videos, the_drill, upload

# The start of a real MP4 file: an ftyp box (size, "ftyp", major brand, version, compatible brands).
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


@pytest.fixture
def studio_site() -> dict[str, object]:
    """An empty site with a small video limit."""
    return {"VIDEO_UPLOAD_MAX_BYTES": 64 * 1024}


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://vimeo.com/76979871/abc123def0", "https://player.vimeo.com/video/76979871?h=abc123def0"),
        ("https://player.vimeo.com/video/76979871?h=abc123def0&autoplay=1", "https://player.vimeo.com/video/76979871?h=abc123def0"),
    ],
)  # fmt: skip
def test_video_links_become_privacy_enhanced_embeds(link: str, expected: str) -> None:
    assert embed_url(link) == expected


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UC123",
        "https://vimeo.com/channels/staffpicks",
    ],
)
def test_other_video_links_are_refused(link: str) -> None:
    with pytest.raises(UnsupportedVideoLink):
        embed_url(link)


def test_create_edit_and_delete_a_drill(app: Flask, coach: FlaskClient) -> None:
    response = coach.post("/studio/drills/new", data=drill_form())
    drill = the_drill(app)
    assert response.status_code == 302 and response.location == f"/studio/drills/{drill.id}/edit"
    assert (drill.direction, drill.level, drill.position) == ("flexion", "intermediate", 3)
    assert drill.equipment_names == ["bench", "dumbbell"]
    assert drill.steps == "Sit tall on the bench\nHold the dumbbell by your feet\nRoll down slowly"
    assert drill.video_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert drill.duration_seconds == 40
    assert "Seated Jefferson curl" in coach.get("/drills/").get_data(as_text=True)

    response = coach.post(
        f"/studio/drills/{drill.id}/edit",
        data=drill_form(
            level="advanced", equipment=["dumbbell", "box"], position="1", video_url=""
        ),
    )
    assert response.status_code == 302
    edited = the_drill(app)
    assert (edited.level, edited.position, edited.video_url) == ("advanced", 1, "")
    assert edited.equipment_names == ["box", "dumbbell"]

    assert coach.get(f"/studio/drills/{drill.id}/delete").status_code == 200
    assert the_drill(app) is not None  # the GET only asked
    assert coach.post(f"/studio/drills/{drill.id}/delete").status_code == 302
    assert the_drill(app) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DrillEquipment)) == 0
    assert coach.get("/drills/seated-jefferson-curl").status_code == 404


def test_the_library_lists_drills_in_order_within_each_direction(coach: FlaskClient) -> None:
    coach.post("/studio/drills/new", data=drill_form(name="Second", position="2"))
    coach.post("/studio/drills/new", data=drill_form(name="First", position="1"))
    html = coach.get("/studio/drills").get_data(as_text=True)
    assert html.index(">First</a>") < html.index(">Second</a>")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Give the drill a name."),
        ({"direction": "sideways"}, "direction", "Not a valid choice"),
        ({"equipment": []}, "equipment", "Tick what the drill needs"),
        ({"equipment": ["none", "band"]}, "equipment", "cannot go with other equipment"),
        ({"position": "-1"}, "position", "Use 0 to 9999."),
        ({"steps": ""}, "steps", "List the steps."),
        ({"video_url": "https://dailymotion.com/video/x8"}, "video_url", "Only YouTube and Vimeo"),
        ({"slug": "Not A Slug"}, "slug", "Use lowercase letters"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(
    app: Flask, coach: FlaskClient, overrides: dict[str, object], field: str, message: str
) -> None:
    response = coach.post("/studio/drills/new", data=drill_form(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Drill)) == 0


def test_an_uploaded_video_replaces_the_link_once_converted_and_is_served(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    coach.post("/studio/drills/new", data=drill_form())
    drill_id = the_drill(app).id
    response = coach.post(
        f"/studio/drills/{drill_id}/edit",
        data=drill_form(video_file=upload(tiny_mp4(), "clip.mp4")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    # The link plays until the converted video is ready.
    assert the_drill(app).video_url.startswith("https://www.youtube-nocookie.com/")
    assert publish_videos(app) == 1
    drill = the_drill(app)
    assert drill.video_url == "" and drill.video_file.endswith(".mp4")
    video = (tmp_path / "uploads" / drill.video_file).read_bytes()
    with coach.get("/drills/seated-jefferson-curl/video") as served:
        assert served.status_code == 200 and served.data == video
        assert served.mimetype == "video/mp4"
    # Going back to a link removes the stored files.
    coach.post(
        f"/studio/drills/{drill_id}/edit", data=drill_form(video_url="https://vimeo.com/76979871")
    )
    assert the_drill(app).video_url == "https://player.vimeo.com/video/76979871"
    assert list(tmp_path.glob("uploads/*")) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "That file is not a video we can read."),
        (b"just text pretending to be a video", "That file is not a video we can read."),
        (MP4_HEAD + b"\x00" * 2000, "That video is damaged or incomplete"),
        (MP4_HEAD + b"\x00" * (64 * 1024), "larger than"),
    ],
)
def test_uploads_that_are_not_small_videos_are_refused(
    app: Flask, coach: FlaskClient, tmp_path: Path, data: bytes, message: str
) -> None:
    response = coach.post(
        "/studio/drills/new",
        data=drill_form(video_url="", video_file=upload(data, "clip.mp4")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert the_drill(app) is None
    assert list(tmp_path.glob("*/*")) == []  # nothing uploaded, nothing waiting


def test_a_poster_is_stored_as_a_resized_jpeg(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    response = coach.post(
        "/studio/drills/new",
        data=drill_form(poster=upload(png_bytes(2400, 1350), "poster.png")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    drill = the_drill(app)
    with Image.open(tmp_path / "uploads" / drill.poster_file) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 900))
    response = coach.post(
        "/studio/drills/new",
        data=drill_form(name="Other", poster=upload(b"GIF89a not really", "poster.gif")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and 'id="poster-error"' in response.get_data(as_text=True)


def test_a_large_video_body_is_accepted_only_from_the_coach(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 32 * 1024
    app.config["WTF_CSRF_ENABLED"] = True  # so the body is read before the login check, as live
    video = tiny_mp4(width=192, height=160)  # raw pictures: about 45 KB
    assert len(video) > 40_000
    body = {"video_file": upload(video, "clip.mp4")}
    visitor = app.test_client()
    assert (
        visitor.post(
            "/studio/drills/new", data=body, content_type="multipart/form-data"
        ).status_code
        == 413
    )
    app.config["WTF_CSRF_ENABLED"] = False
    coach = coach_client(app)
    response = coach.post(
        "/studio/drills/new",
        data=drill_form(video_url="", video_file=upload(video, "clip.mp4")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert publish_videos(app) == 1
    assert the_drill(app).video_file.endswith(".mp4")
