"""The queue of uploaded drill videos waiting to be transcoded: the database is the queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db

QUEUED, RUNNING, FAILED = "queued", "running", "failed"


class VideoJob(db.Model):
    """One drill's uploaded original, until its transcoded video is published (then deleted).

    A drill has at most one: a new upload replaces the waiting one. `claim` is the token of the
    process working on it; it publishes only while its claim still stands, so a job taken over
    after its process went quiet is published by one process alone.
    """

    __tablename__ = "video_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), unique=True)
    # The original's name in VIDEO_WORK_FOLDER, and the published names chosen up front, so a
    # restarted job writes the same files again instead of leaving a second copy behind.
    original: Mapped[str] = mapped_column(String(300))
    video_name: Mapped[str] = mapped_column(String(300))
    poster_name: Mapped[str] = mapped_column(String(300))
    keep_audio: Mapped[bool] = mapped_column(default=False)
    # Seconds into the clip for the poster frame; None picks one from the first seconds.
    poster_at: Mapped[float | None] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(20), default=QUEUED)
    claim: Mapped[str] = mapped_column(String(40), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    percent_done: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
