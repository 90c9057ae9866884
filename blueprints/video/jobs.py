"""The video queue: the studio enqueues an upload, `flask process-videos` claims, runs, publishes.

The claim, the heartbeat and the publication are conditional updates on the job's row, so a
second transcoder is safe and a job whose process died (killed, rebooted) is taken over once its
heartbeat is older than VIDEO_JOB_STALE_SECONDS. Files are written under names fixed when the
job was queued and renamed into place only when complete, so a restarted job overwrites its own
half-written work and the drill points at the video only after it is whole.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from blueprints.drills.models import Drill
from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.video.models import FAILED, QUEUED, RUNNING, VideoJob

log = logging.getLogger(__name__)
MAX_ATTEMPTS = (
    3  # a clip that kills the transcoder three times is marked failed, not retried forever
)


def work_folder() -> Path:
    """Where originals wait (never served): VIDEO_WORK_FOLDER, or beside the upload folder."""
    configured = current_app.config["VIDEO_WORK_FOLDER"]
    folder = (
        Path(configured)
        if configured
        else Path(current_app.config["UPLOAD_FOLDER"]).parent / "video-originals"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_folder() -> Path:
    """Where published videos and posters are served from."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_original_name(suffix: str) -> str:
    """A random name for an original in the work folder."""
    return f"{secrets.token_hex(16)}{suffix}"


def queue_video(drill: Drill, original: str, keep_audio: bool, poster_at: float | None) -> str:
    """Queue `original` for `drill` in the caller's transaction; returns the replaced original.

    A drill has one waiting upload: a newer one replaces it (the caller removes the old file).
    """
    job = db.session.scalar(select(VideoJob).where(VideoJob.drill_id == drill.id))
    replaced = job.original if job is not None else ""
    if job is None:
        job = VideoJob(drill_id=drill.id)
        db.session.add(job)
    token = secrets.token_hex(16)
    job.original, job.video_name, job.poster_name = original, f"{token}.mp4", f"{token}.jpg"
    job.keep_audio, job.poster_at = keep_audio, poster_at
    job.state, job.claim, job.attempts, job.percent_done = QUEUED, "", 0, 0
    job.heartbeat_at, job.error = None, ""
    return replaced


def job_for(drill_id: int) -> VideoJob | None:
    """The drill's waiting, running or failed upload, if any."""
    return db.session.scalar(select(VideoJob).where(VideoJob.drill_id == drill_id))


def cancel_job(drill_id: int) -> str:
    """Forget the drill's waiting upload (in the caller's transaction); returns its original."""
    job = job_for(drill_id)
    if job is None:
        return ""
    db.session.delete(job)
    return job.original


def remove_original(name: str) -> None:
    """Delete an original from the work folder (a name we generated; anything else is ignored)."""
    if name and "/" not in name and "\\" not in name and not name.startswith("."):
        (work_folder() / name).unlink(missing_ok=True)


def claim_next() -> tuple[int, str] | None:
    """Claim the oldest queued job, or a running one whose process went quiet: (id, claim)."""
    stale = utcnow() - timedelta(seconds=current_app.config["VIDEO_JOB_STALE_SECONDS"])
    claimable = or_(
        VideoJob.state == QUEUED, (VideoJob.state == RUNNING) & (VideoJob.heartbeat_at < stale)
    )
    while True:
        job_id = db.session.scalar(
            select(VideoJob.id).where(claimable).order_by(VideoJob.id).limit(1)
        )
        if job_id is None:
            db.session.commit()
            return None
        token = secrets.token_hex(16)
        claimed = db.session.execute(
            update(VideoJob)
            .where(VideoJob.id == job_id, claimable)
            .values(
                state=RUNNING,
                claim=token,
                heartbeat_at=utcnow(),
                attempts=VideoJob.attempts + 1,
                percent_done=0,
            )
        ).rowcount
        db.session.commit()
        if claimed:
            return job_id, token


class ClaimLost(RuntimeError):
    """Another process took the job over, or the coach replaced or removed the upload."""


def _heartbeat(job_id: int, token: str) -> Callable[[int], None]:
    def beat(percent: int) -> None:
        still_ours = db.session.execute(
            update(VideoJob)
            .where(VideoJob.id == job_id, VideoJob.claim == token)
            .values(heartbeat_at=utcnow(), percent_done=percent)
        ).rowcount
        db.session.commit()
        if not still_ours:
            raise ClaimLost(job_id)

    return beat


def run_job(job_id: int, token: str) -> bool:
    """Transcode the claimed job and publish it; True when it was published by this call."""
    from blueprints.video.probe import VideoRejected
    from blueprints.video.transcode import transcode

    job = db.session.get(VideoJob, job_id)
    if job is None or job.claim != token:
        return False
    original, video_name, poster_name = job.original, job.video_name, job.poster_name
    keep_audio, poster_at, attempts = job.keep_audio, job.poster_at, job.attempts
    db.session.commit()
    if attempts > MAX_ATTEMPTS:
        _fail(
            job_id, token, "The transcoder stopped on this video several times; try another copy."
        )
        return False
    uploads = upload_folder()
    _remove_parts(video_name, poster_name)
    try:
        result = transcode(
            work_folder() / original,
            uploads / video_name,
            uploads / poster_name,
            keep_audio=keep_audio,
            poster_at=poster_at,
            progress=_heartbeat(job_id, token),
            part_tag=token,
        )
    except VideoRejected as problem:
        _fail(job_id, token, str(problem))
        return False
    except (ClaimLost, FileNotFoundError):  # taken over: the other process cleared our parts
        _remove_outputs(video_name, poster_name)
        return False
    return _publish(job_id, token, video_name, poster_name, result.has_audio)


def _publish(job_id: int, token: str, video_name: str, poster_name: str, has_audio: bool) -> bool:
    """Point the drill at the new files and drop the job, only if the claim still stands."""
    with serialized_write("studio-content") as session:
        job = session.scalar(select(VideoJob).where(VideoJob.id == job_id, VideoJob.claim == token))
        new_names = (video_name, poster_name)
        if job is None:  # replaced, removed or taken over meanwhile: its files are not wanted
            published = False
        else:
            drill = session.get(Drill, job.drill_id)
            old = {drill.video_file, drill.video_poster_file} - {""}
            drill.video_file, drill.video_poster_file = job.video_name, job.poster_name
            drill.video_url, drill.video_has_audio = "", has_audio
            original = job.original
            session.delete(job)
            published = True
    if not published:
        _remove_outputs(new_names[0], new_names[1])
        return False
    for name in old - set(new_names):
        (upload_folder() / name).unlink(missing_ok=True)
    remove_original(original)
    return True


def _remove_outputs(video_name: str, poster_name: str) -> None:
    """Delete the files of a run that lost its claim, unless a job or drill still names them."""
    named = db.session.scalar(
        select(VideoJob.id).where(VideoJob.video_name == video_name).limit(1)
    ) or db.session.scalar(select(Drill.id).where(Drill.video_file == video_name).limit(1))
    db.session.commit()
    if named is None:
        for name in (video_name, poster_name):
            (upload_folder() / name).unlink(missing_ok=True)


def _remove_parts(*names: str) -> None:
    """Half-written files an earlier claim on the job left behind (its process died)."""
    for name in names:
        for part in upload_folder().glob(f".{name}.*.part"):
            part.unlink(missing_ok=True)


def _fail(job_id: int, token: str, message: str) -> None:
    """Mark the job failed with the coach's message and delete its original."""
    job = db.session.scalar(select(VideoJob).where(VideoJob.id == job_id, VideoJob.claim == token))
    if job is None:
        db.session.commit()
        return
    job.state, job.error, job.claim = FAILED, message, ""
    original = job.original
    db.session.commit()
    remove_original(original)


def process_videos(keep_going: Callable[[], bool] = lambda: True) -> int:
    """Run every claimable job once; the number published."""
    published = 0
    while keep_going() and (claimed := claim_next()) is not None:
        if run_job(*claimed):
            published += 1
    return published
