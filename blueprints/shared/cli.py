"""Command-line tasks: demo content, the first admin, and draining the outbox."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from blueprints.shared.extensions import db


def init_app(app: Flask) -> None:
    """Register the commands on `flask`."""
    app.cli.add_command(seed_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(send_mail_command)


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


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt="Email")
@click.password_option("--password", prompt="Password", confirmation_prompt=True)
def create_admin_command(email: str, password: str) -> None:
    """Create (or reset the password of) a studio login. The password is never echoed."""
    from blueprints.studio.models import User

    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from error
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    user = db.session.scalar(select(User).where(User.email == email))
    created = user is None
    if user is None:
        user = User(email=email)
        db.session.add(user)
    user.set_password(password)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} studio login for {email}.")


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
