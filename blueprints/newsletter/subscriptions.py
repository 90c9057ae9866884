"""Subscribing (double opt-in), confirming, unsubscribing and forgetting unconfirmed addresses.

A subscriber is identified in links by a random key, signed per purpose: the confirmation link
expires with the pending address (CONFIRM_DAYS) and with the next unsubscribe (it carries the
subscriber's generation), the unsubscribe link never does.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from blueprints.newsletter.models import NewsletterDelivery, Subscriber
from blueprints.shared.clock import utcnow
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage, RateEvent
from blueprints.shared.outbox import queue_email
from blueprints.shared.ratelimit import allow
from blueprints.shared.signing import InvalidLink, sign, unsign
from blueprints.shared.urls import absolute_url

CONFIRM_DAYS = 7
# Per visitor: a household trying a few addresses (past it, that visitor's own 429).
SUBSCRIBES_PER_CLIENT = 10
SUBSCRIBE_WINDOW_SECONDS = 3600
# Per address, however many visitors ask: a typo and a retry, then no more mail that day; and no
# second confirmation while the last one is under an hour old (its link keeps working).
MAILS_PER_ADDRESS = 3
MAILS_PER_ADDRESS_WINDOW_SECONDS = 24 * 3600
CONFIRMATION_RESEND_AFTER = timedelta(hours=1)
CONFIRM_PURPOSE = "newsletter-confirm"
UNSUBSCRIBE_PURPOSE = "newsletter-unsubscribe"
# One lock for every newsletter write: an unsubscribe can never fall between a batch reading
# "confirmed" and queueing that address's copy (PostgreSQL's advisory locks are per name).
NEWSLETTER_LOCK = "newsletter"


def subscribe_allowed() -> bool:
    """Count this request against the visitor's own hourly allowance (by its address)."""
    return allow("newsletter-subscribe", SUBSCRIBES_PER_CLIENT, SUBSCRIBE_WINDOW_SECONDS)


def _mail_allowed(session: Session, email: str) -> bool:
    """Count one email to this address, inside the newsletter lock (so two requests cannot both
    take the last one); False once it had MAILS_PER_ADDRESS in the window."""
    key = "newsletter-mail:" + hashlib.sha256(email.encode()).hexdigest()[:32]  # not in clear
    now = utcnow()
    since = now - timedelta(seconds=MAILS_PER_ADDRESS_WINDOW_SECONDS)
    mailed = session.scalar(
        select(func.count())
        .select_from(RateEvent)
        .where(RateEvent.key == key, RateEvent.at >= since)
    )
    if mailed >= MAILS_PER_ADDRESS:
        return False
    session.add(RateEvent(key=key, at=now))
    return True


def request_subscription(email: str) -> None:
    """Store the address as pending and email it a confirmation link.

    The same work and answer whoever asks: an address already confirmed is emailed that it is
    (with its unsubscribe link) instead, so neither the answer nor its time tells anyone who is
    subscribed. While its last confirmation is under an hour old, or past the address's daily
    allowance, nothing more is mailed and the links already sent keep working.
    """
    with serialized_write(NEWSLETTER_LOCK) as session:
        subscriber = session.scalar(select(Subscriber).where(Subscriber.email == email))
        if subscriber is None:
            subscriber = Subscriber(
                email=email, key=secrets.token_urlsafe(24), status="pending", generation=0
            )
            session.add(subscriber)
        elif subscriber.status == "confirmed":
            if _mail_allowed(session, email):
                _queue_already_subscribed(subscriber)
            return
        elif (
            subscriber.status == "pending"
            and subscriber.confirmation_sent_at > utcnow() - CONFIRMATION_RESEND_AFTER
        ):
            return
        if not _mail_allowed(session, email):
            return
        subscriber.status = "pending"
        subscriber.confirmation_sent_at = utcnow()
        subscriber.unsubscribed_at = None
        queue_email(
            "newsletter-confirm",
            email,
            f"Please confirm: new articles from {current_app.config['SITE_NAME']}",
            "newsletter_confirm",
            confirm_url=absolute_url(
                "newsletter.confirm",
                token=sign(CONFIRM_PURPOSE, [subscriber.key, subscriber.generation]),
            ),
            confirm_days=CONFIRM_DAYS,
        )


def _queue_already_subscribed(subscriber: Subscriber) -> None:
    queue_email(
        "newsletter-already",
        subscriber.email,
        f"You already receive new articles from {current_app.config['SITE_NAME']}",
        "newsletter_already",
        unsubscribe_url=unsubscribe_url(subscriber.key),
    )


def subscriber_from_link(purpose: str, token: str) -> Subscriber:
    """The subscriber a signed link names, or InvalidLink (forged, expired, or erased since; for
    a confirmation link also once the address has unsubscribed after it was sent)."""
    max_age = CONFIRM_DAYS * 86400 if purpose == CONFIRM_PURPOSE else None
    key, generation = _key_and_generation(unsign(purpose, token, max_age))
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.key == key))
    if subscriber is None or (purpose == CONFIRM_PURPOSE and subscriber.generation != generation):
        raise InvalidLink("This link is no longer valid.")
    return subscriber


def _key_and_generation(value: object) -> tuple[str, int]:
    # A confirmation link carries [key, generation]; one sent before generations were kept
    # carries the key alone and counts as generation 0 (the migration raised it for every
    # address that had unsubscribed). An unsubscribe link carries the key alone.
    if isinstance(value, list) and len(value) == 2:
        return str(value[0]), int(value[1])
    return str(value), 0


def confirm(token: str) -> Subscriber:
    """Confirm the address the link was sent to (a second click changes nothing)."""

    def confirmed(subscriber: Subscriber) -> None:
        if subscriber.status != "confirmed":
            subscriber.status = "confirmed"
            subscriber.confirmed_at = utcnow()
            subscriber.unsubscribed_at = None

    return _change_by_link(CONFIRM_PURPOSE, token, confirmed)


def unsubscribe(token: str) -> Subscriber:
    """No further newsletter for this address, at once: its queued copies are withdrawn too."""

    def unsubscribed(subscriber: Subscriber) -> None:
        if subscriber.status != "unsubscribed":
            subscriber.status = "unsubscribed"
            subscriber.unsubscribed_at = utcnow()
            subscriber.generation += 1  # every confirmation link sent so far stops working
        withdraw_queued_newsletters(subscriber.id)

    return _change_by_link(UNSUBSCRIBE_PURPOSE, token, unsubscribed)


def _change_by_link(purpose: str, token: str, change: Callable[[Subscriber], None]) -> Subscriber:
    """Apply `change` to the subscriber a signed link names, in one newsletter transaction."""
    linked = subscriber_from_link(purpose, token)
    subscriber_id, generation = linked.id, linked.generation
    with serialized_write(NEWSLETTER_LOCK) as session:
        subscriber = session.get(Subscriber, subscriber_id, populate_existing=True)
        # Removed, or unsubscribed, between the look-up and the lock.
        if subscriber is None or (
            purpose == CONFIRM_PURPOSE and subscriber.generation != generation
        ):
            raise InvalidLink("This link is no longer valid.")
        change(subscriber)
    return subscriber


def withdraw_queued_newsletters(subscriber_id: int) -> None:
    """Delete this subscriber's newsletter emails that no sender has picked up yet.

    Runs inside the caller's transaction. One a sender has already claimed may still go out.
    """
    queued = select(NewsletterDelivery.outbox_message_id).where(
        NewsletterDelivery.subscriber_id == subscriber_id,
        NewsletterDelivery.outbox_message_id.is_not(None),
    )
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.id.in_(queued), OutboxMessage.status.in_(("pending", "sending"))
        )
    )


def remove_subscriber(subscriber_id: int) -> str | None:
    """Delete a subscriber and their queued newsletters (the studio's remove); their email."""
    with serialized_write(NEWSLETTER_LOCK) as session:
        subscriber = session.get(Subscriber, subscriber_id)
        if subscriber is None:
            return None
        email = subscriber.email
        withdraw_queued_newsletters(subscriber_id)
        session.delete(subscriber)
    return email


def forget_unconfirmed() -> int:
    """Delete addresses never confirmed within CONFIRM_DAYS of the last confirmation email."""
    cutoff = utcnow() - timedelta(days=CONFIRM_DAYS)
    with serialized_write(NEWSLETTER_LOCK) as session:
        result = session.execute(
            delete(Subscriber).where(
                Subscriber.status == "pending", Subscriber.confirmation_sent_at < cutoff
            )
        )
    return result.rowcount or 0


def unsubscribe_url(subscriber_key: str) -> str:
    """The one-click unsubscribe address for a subscriber (in the header and the footer)."""
    return absolute_url("newsletter.unsubscribe", token=sign(UNSUBSCRIBE_PURPOSE, subscriber_key))
