"""Command-line tasks every site has: demo content, draining the outbox, backup and restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from blueprints.shared.deploy_check import check_deploy_command


def init_app(app: Flask) -> None:
    """Register the commands on `flask`."""
    app.cli.add_command(seed_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    # Also an entry point (pyproject.toml), so it runs when the app itself would refuse to start.
    app.cli.add_command(check_deploy_command)


@click.command("seed")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only seed a site that has no drills or articles.")
@click.option(
    "--update", is_flag=True, help="Also overwrite the demo items already there from their files."
)
def seed_command(if_empty: bool, update: bool) -> None:
    """Add the demo content from content/ that is missing (by slug); safe to run twice."""
    from blueprints.shared.content import ContentError
    from blueprints.shared.seed import seed_demo_content, site_has_content

    if if_empty and site_has_content():
        click.echo("The site already has content; not seeding.")
        return
    try:
        added = seed_demo_content(update=update)
    except ContentError as error:
        raise click.ClickException(f"{error}\nNothing was seeded.") from error
    summary = ", ".join(f"{count} {what}" for what, count in added.items())
    if update:
        unchanged = "nothing to add or overwrite, the demo content matches its files"
    else:
        unchanged = "nothing new, the demo content is already there"
    click.echo(f"Seeded: {summary or unchanged}.")


@click.command("send-mail")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep draining every few seconds until stopped.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
def send_mail_command(loop: bool, interval: float) -> None:
    """Deliver due emails from the outbox (for cron, or a loop beside the web server)."""
    import time

    from blueprints.shared.outbox import deliver_due

    while True:
        report = deliver_due()
        click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
        if not loop:
            break
        time.sleep(interval)


@click.command("backup")
@with_appcontext
@click.option("--keep", type=int, default=None, help="Archives to keep (default BACKUP_KEEP).")
def backup_command(keep: int | None) -> None:
    """Write a backup archive (database, uploads, checksums); keep only the last few."""
    from blueprints.shared.backup import BackupError, write_backup

    try:
        made = write_backup(keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Wrote {made.path} ({made.files} files, {made.size:,} bytes).")


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(path_type=Path))
def restore_command(archive: Path) -> None:
    """Rebuild an empty site (database and uploads) from a backup archive."""
    from blueprints.shared.backup import BackupError, restore

    try:
        files = restore(archive)
    except BackupError as error:
        raise click.ClickException(f"{error}\nNothing was restored.") from error
    click.echo(f"Restored the database and {files} uploaded files from {archive}.")
