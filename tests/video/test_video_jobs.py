"""A transcoder killed mid-way (SIGKILL, as a crash or an OOM kill) and started again: the video
is published once, whole, and nothing half-written or left over stays in the folders."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from harness import Database, child_environment, database_uri, wait_until
from harness.phone_clips import phone_clip
from harness.video import a_drill, files_in, jobs, post_upload, read_back, the_drill

ROOT = Path(__file__).resolve().parents[2]


def process_videos(database: Database, uploads: Path, log: Path) -> subprocess.Popen[bytes]:
    """`flask process-videos` in its own process on the test's database and folders."""
    env = child_environment(
        DATABASE_URL=database_uri(database),
        SECRET_KEY="test-secret-key",
        SITE_URL="http://127.0.0.1:5000",
        UPLOAD_FOLDER=str(uploads),
        VIDEO_JOB_STALE_SECONDS="1",
        MAIL_BACKGROUND_SENDER="0",
    )
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "process-videos"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_a_transcoder_killed_mid_way_publishes_once_when_started_again(
    app: Flask, coach: FlaskClient, database_file: Database, tmp_path: Path
) -> None:
    # Enough moving picture that the encoder is caught at work.
    clip = phone_clip(
        tmp_path / "long.mp4", codec="libx264", seconds=8, fps=25, width=640, height=360, busy=True
    )
    drill_id = a_drill(coach, app)
    assert post_upload(coach, drill_id, clip).status_code == 302
    [job] = jobs(app)
    uploads, log = tmp_path / "uploads", tmp_path / "flask.log"

    first = process_videos(database_file, uploads, log)
    try:
        half_written = lambda: any(  # noqa: E731
            path.stat().st_size > 20_000 for path in uploads.glob(f".{job.video_name}.*.part")
        )
        assert wait_until(half_written, timeout=60), log.read_text()
        assert first.poll() is None, "the transcoder finished before it could be killed"
        first.send_signal(signal.SIGKILL)
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(10)
    assert the_drill(app).video_file == "" and [j.state for j in jobs(app)] == ["running"]

    # its heartbeat goes stale (VIDEO_JOB_STALE_SECONDS=1), with room for a child started under
    # libfaketime at the parent's whole second
    time.sleep(2.5)
    second = process_videos(database_file, uploads, log)
    assert second.wait(120) == 0, log.read_text()
    assert "Published 1 video." in log.read_text()

    drill = the_drill(app)
    assert (drill.video_file, drill.video_poster_file) == (job.video_name, job.poster_name)
    assert files_in(uploads) == sorted([job.video_name, job.poster_name])  # no .part left
    assert files_in(tmp_path / "video-originals") == [] and jobs(app) == []
    assert read_back(uploads / drill.video_file)["size"] == (640, 360)

    third = process_videos(database_file, uploads, log)
    assert third.wait(60) == 0
    assert log.read_text().count("Published 1 video.") == 1
    assert "Published 0 videos." in log.read_text()
