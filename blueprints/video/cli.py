"""`flask process-videos`: transcode the queued drill videos, once or (--loop) as they come."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext


@click.command("process-videos")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep going, looking for new uploads every --interval.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between looks.")
def process_videos_command(loop: bool, interval: float) -> None:
    """Transcode every waiting drill video and publish each once."""
    from blueprints.shared.extensions import db
    from blueprints.video.jobs import process_videos

    while True:
        published = process_videos()
        db.session.remove()
        if published or not loop:
            click.echo(f"Published {published} video{'s' if published != 1 else ''}.")
        if not loop:
            return
        time.sleep(interval)
