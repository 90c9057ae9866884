"""The coach uploads what her phone recorded; visitors get an upright H.264 clip that says
nothing about where, when or on what it was filmed. Refused uploads say why and leave nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from harness.phone_clips import PHONE_TAGS, colour_at, phone_clip
from harness.video import (
    SLUG,
    a_drill,
    drill_form,
    files_in,
    jobs,
    post_upload,
    read_back,
    the_drill,
    video_tag,
)

PRIVATE = ("location", "creation", "make", "model", "iso6709", "encoder", "date", "apple")


def test_a_phone_clip_is_published_upright_as_h264_with_nothing_private(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    # An iPhone-style HEVC .mov, held upright (stored 960x736, turned by its display matrix),
    # with the filming place, the phone and the time in its tags, and sound.
    clip = phone_clip(
        tmp_path / "IMG_0042.MOV", width=960, height=736, rotation=90, tags=PHONE_TAGS, sound=True
    )
    drill_id = a_drill(coach, app)
    response = post_upload(coach, drill_id, clip, poster_seconds="1.2")
    assert response.status_code == 302

    # Waiting: the demonstration still plays, the studio says what is happening.
    assert the_drill(app).video_file == "" and [job.state for job in jobs(app)] == ["queued"]
    assert "data-demo" in coach.get(f"/drills/{SLUG}").get_data(as_text=True)
    editor = coach.get(f"/studio/drills/{drill_id}/edit").get_data(as_text=True)
    assert "waiting to be converted" in editor

    result = app.test_cli_runner().invoke(args=["process-videos"])
    assert result.exit_code == 0 and "Published 1 video." in result.output

    drill = the_drill(app)
    uploads = tmp_path / "uploads"
    served = read_back(uploads / drill.video_file)
    assert served["codecs"] == ["h264"]  # the sound was not asked for
    assert served["size"] == (720, 940) and served["rotation"] == 0  # upright, 720 px wide
    assert set(served["tags"]) <= {"major_brand", "minor_version", "compatible_brands"}
    for tags in [served["tags"], *served["stream_tags"]]:
        for key, value in tags.items():
            assert not any(word in f"{key} {value}".lower() for word in PRIVATE), (key, value)
    data = (uploads / drill.video_file).read_bytes()
    assert b"51.5072" not in data and b"iPhone" not in data and b"2026-11-30" not in data
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: plays from the first bytes

    # The poster is the frame at 1.2 s, the video's size, and a bare JPEG.
    with Image.open(uploads / drill.video_poster_file) as poster:
        assert (poster.format, poster.size) == ("JPEG", (720, 940))
        assert not poster.getexif() and "comment" not in poster.info
        pixel = poster.convert("RGB").getpixel((360, 470))
    assert all(abs(a - b) < 24 for a, b in zip(pixel, colour_at(1.2), strict=True)), pixel

    # The original is gone; nothing half-written stays; the job is done.
    assert files_in(tmp_path / "video-originals") == [] and jobs(app) == []
    assert files_in(uploads) == sorted([drill.video_file, drill.video_poster_file])

    page = coach.get(f"/drills/{SLUG}").get_data(as_text=True)
    tag = video_tag(page)
    for attribute in (" playsinline", " muted", " loop", 'preload="metadata"', "data-autoplay"):
        assert attribute in tag
    assert f'poster="/drills/{SLUG}/video-poster?v={drill.video_poster_file[:8]}"' in tag
    assert "data-demo" not in page
    with coach.get(f"/drills/{SLUG}/video") as answer:
        assert answer.status_code == 200 and answer.mimetype == "video/mp4"

    # The coach removes it: the demonstration comes back and the files go.
    response = coach.post(f"/studio/drills/{drill_id}/edit", data=drill_form(remove_video="y"))
    assert response.status_code == 302
    assert the_drill(app).video_file == "" and files_in(uploads) == []
    assert "data-demo" in coach.get(f"/drills/{SLUG}").get_data(as_text=True)


def test_kept_sound_plays_with_controls_not_muted(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    clip = phone_clip(tmp_path / "clip.mp4", codec="libx264", sound=True)
    drill_id = a_drill(coach, app)
    assert post_upload(coach, drill_id, clip, video_sound="y").status_code == 302
    assert "Published 1 video." in app.test_cli_runner().invoke(args=["process-videos"]).output
    drill = the_drill(app)
    assert read_back(tmp_path / "uploads" / drill.video_file)["codecs"] == ["aac", "h264"]
    tag = video_tag(coach.get(f"/drills/{SLUG}").get_data(as_text=True))
    assert " controls" in tag and " muted" not in tag and "data-autoplay" not in tag


def truncated(path: Path) -> Path:
    """The first 60% of a clip, as a copy cut short would be."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def text_file(path: Path) -> Path:
    path.write_text("Notes from Tuesday: cat-cow, 10 slow reps.\n" * 50)
    return path


@pytest.mark.parametrize(
    ("make", "config", "message"),
    [
        (lambda d: text_file(d / "notes.mov"), {}, "That file is not a video we can read."),
        (lambda d: truncated(phone_clip(d / "cut.mov")), {}, "That video is damaged or incomplete"),
        (
            lambda d: phone_clip(d / "long.mov", seconds=3),
            {"VIDEO_MAX_SECONDS": 2},
            "That video is 3 s long; a drill video can be at most 2 s.",
        ),
        (
            lambda d: phone_clip(d / "big.mov", codec="libx264", busy=True),
            {"VIDEO_UPLOAD_MAX_BYTES": 4096},
            "That video is larger than 0 MB.",
        ),
    ],
    ids=["text-renamed-mov", "truncated", "too-long", "too-large"],
)
def test_a_refused_upload_says_why_and_leaves_nothing(
    app: Flask,
    coach: FlaskClient,
    tmp_path: Path,
    make,
    config,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    drill_id = a_drill(coach, app)
    before = the_drill(app)
    app.config.update(config)
    response = post_upload(coach, drill_id, make(tmp_path), name="Renamed")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="video_file-error"' in html and message in html
    after = the_drill(app)
    assert (after.name, after.video_file, after.updated_at) == (
        before.name,
        before.video_file,
        before.updated_at,
    )
    assert jobs(app) == []
    assert files_in(tmp_path / "uploads") == [] and files_in(tmp_path / "video-originals") == []


def test_a_body_beyond_the_limit_gets_the_editor_back_with_the_message(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    drill_id = a_drill(coach, app)
    app.config["VIDEO_UPLOAD_MAX_BYTES"] = 1024 * 1024
    app.config["CAPTIONS_MAX_BYTES"] = 1024
    big = tmp_path / "big.mov"
    big.write_bytes(b"\x00" * (30 * 1024 * 1024))  # past the video, poster and captions allowance
    response = post_upload(coach, drill_id, big)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'id="video_file-error"' in html and "larger than 1 MB" in html
    assert 'value="Cat-cow on the floor"' in html  # the drill as stored
    assert files_in(tmp_path / "uploads") == [] and jobs(app) == []
