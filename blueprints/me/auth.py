"""Signing clients in without a password: emailed single-use links, and their sessions.

Sessions live in the shared server-side store (blueprints/shared/sessions.py) under the kind
"client", so "sign out everywhere" ends every copy of the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, session
from sqlalchemy import func, select, update

from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.me.models import Client, SignInLink
from blueprints.programs.models import Signup
from blueprints.shared import sessions
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.outbox import queue_email
from blueprints.shared.ratelimit import allow
from blueprints.shared.signing import InvalidLink, sign, unsign
from blueprints.shared.urls import absolute_url

LINK_PURPOSE = "me-sign-in"
LINK_MAX_AGE_SECONDS = 30 * 60
REQUESTS_PER_ADDRESS = 10  # per client address per hour
REQUESTS_PER_EMAIL = 3  # per email address per hour
CLIENT_KIND = "client"


def is_known_address(email: str) -> bool:
    """True when someone with this email has a program signup or a booking."""
    signup = select(Signup.id).where(func.lower(Signup.email) == email).limit(1)
    booking = (
        select(Booking.id)
        .join(Enquiry, Booking.enquiry_id == Enquiry.id)
        .where(func.lower(Enquiry.email) == email)
        .limit(1)
    )
    return db.session.scalar(signup) is not None or db.session.scalar(booking) is not None


def sign_in_allowed() -> bool:
    """The rate limit on asking for links from this client address (its own 429, nobody else's)."""
    return allow("me-sign-in", REQUESTS_PER_ADDRESS, 3600)


def _mail_allowed(email: str) -> bool:
    """Count one email to this address; False once it had REQUESTS_PER_EMAIL this hour.

    Past the allowance the asker gets the same answer as before and the address no more mail
    (the links already sent keep working), so strangers asking cannot refuse its owner a thing.
    """
    email_key = hashlib.sha256(email.encode()).hexdigest()[:32]
    return allow("me-sign-in-email", REQUESTS_PER_EMAIL, 3600, email_key)


def request_sign_in_link(email: str) -> bool:
    """Email a sign-in link if the address is known; True if one was queued.

    An unknown address gets an email too, saying there is nothing to sign in to: the same work
    and the same answer for both, so neither tells a stranger who is a client.
    """
    email = email.strip().lower()
    if not _mail_allowed(email):
        return False
    if not is_known_address(email):
        queue_email(
            "me-sign-in-unknown", email, f"Signing in to {current_app.config['SITE_NAME']}",
            "me_sign_in_unknown",
        )  # fmt: skip
        db.session.commit()
        return False
    client = db.session.scalar(select(Client).where(Client.email == email))
    if client is None:
        client = Client(email=email)
        db.session.add(client)
        db.session.flush()
    nonce = secrets.token_urlsafe(24)
    db.session.add(SignInLink(client_id=client.id, nonce=nonce))
    link = absolute_url("me.sign_in_link", token=sign(LINK_PURPOSE, nonce))
    queue_email(
        "me-sign-in", email, f"Your sign-in link for {current_app.config['SITE_NAME']}",
        "me_sign_in", link=link, minutes=LINK_MAX_AGE_SECONDS // 60,
    )  # fmt: skip
    db.session.commit()
    return True


def check_link(token: str) -> SignInLink:
    """The unused, unexpired link a token names; InvalidLink otherwise. Uses nothing up."""
    nonce = unsign(LINK_PURPOSE, token, max_age_seconds=LINK_MAX_AGE_SECONDS)
    link = db.session.scalar(select(SignInLink).where(SignInLink.nonce == str(nonce)))
    if link is None:
        raise InvalidLink("This sign-in link is not valid.")
    if link.used_at is not None:
        raise InvalidLink("This sign-in link has been used already.")
    if link.created_at < utcnow() - timedelta(seconds=LINK_MAX_AGE_SECONDS):
        raise InvalidLink("This link has expired.")
    return link


def use_link(token: str) -> Client:
    """Spend a sign-in link (once, even under a race) and return whose it was."""
    link = check_link(token)
    spent = db.session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        db.session.rollback()
        raise InvalidLink("This sign-in link has been used already.")
    client = db.session.get(Client, link.client_id)
    db.session.commit()
    if client is None:
        raise InvalidLink("This sign-in link is not valid.")
    return client


# --- the session: the shared server-side store, under the kind "client" ------------------


def start_client_session(client: Client) -> None:
    """Sign `client` in on this browser (a fresh session: nothing from before survives)."""
    session.clear()
    sessions.start(CLIENT_KIND, client.id)


def current_client() -> Client | None:
    """The signed-in client, or None (also once signed out everywhere, expired or idle)."""
    if "me_client" in g:
        return g.me_client
    client_id = sessions.current(CLIENT_KIND)
    client = db.session.get(Client, client_id) if client_id is not None else None
    g.me_client = client
    return client


def end_client_session() -> None:
    """Sign out on this browser."""
    sessions.end_current(CLIENT_KIND)
    g.pop("me_client", None)


def end_all_client_sessions(client: Client) -> None:
    """Sign out on every browser and device."""
    sessions.end_all(CLIENT_KIND, client.id)
    end_client_session()
