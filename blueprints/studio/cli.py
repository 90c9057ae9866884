"""`flask create-admin`: the coach's studio login, made or reset from the command line."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext
from sqlalchemy import select

from blueprints.shared import sessions
from blueprints.shared.extensions import db
from blueprints.studio import devices
from blueprints.studio.models import User


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt="Email")
@click.password_option("--password", prompt="Password", confirmation_prompt=True)
def create_admin_command(email: str, password: str) -> None:
    """Create (or reset the password of) a studio login. The password is never echoed."""
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
    # A new password ends every session the old one opened (a copied cookie included).
    ended = 0 if created else sessions.end_all("studio", user.id)
    if not created:
        devices.forget_all(user.id)  # and every browser's way past the login ceiling
    click.echo(f"{'Created' if created else 'Updated'} studio login for {email}.")
    if ended:
        click.echo(f"Ended {ended} open session{'s' if ended != 1 else ''}.")
