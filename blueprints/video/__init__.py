"""Drill videos filmed on a phone: checked on upload, transcoded in the background, published once.

`probe` reads an upload in the web worker (PyAV, imported only then); `transcode` turns it into
an H.264 + AAC MP4 with a poster; `jobs` claims, runs and publishes the queued work from the
`flask process-videos` command (deploy/systemd/strongspine-video.service), never in a web worker.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register `flask process-videos`."""
    from blueprints.video.cli import process_videos_command

    app.cli.add_command(process_videos_command)
