"""Login throttling that slows password guessing without letting a stranger lock the coach out.

Only failures count, in three ways (all in `rate_event`, so every worker sees them):

- per client: many failures from one address, whatever the accounts, stop that address;
- per client and account: a client that keeps failing on one account waits, and the wait
  doubles with each further failure (15 minutes, 30, 60, ... at most a day);
- per account: when an account is being guessed at from several addresses, every client that
  has already failed on it waits too.

A client with no failures on the account is never refused: the coach's correct password from
her own browser works however many strangers have guessed at her address.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from blueprints.shared.clock import utcnow
from blueprints.shared.ratelimit import client_fingerprint, forget, recent, record

FAILURES_PER_CLIENT = 20
FAILURES_PER_CLIENT_AND_ACCOUNT = 8
FAILURES_PER_ACCOUNT = 8
WINDOW_SECONDS = 15 * 60
FIRST_WAIT = timedelta(minutes=15)
LONGEST_WAIT = timedelta(days=1)
REMEMBER_SECONDS = LONGEST_WAIT.total_seconds()


def _account(email: str) -> str:
    # Counted by hash: a login attempt never stores an address in the clear.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _pair(email: str) -> str:
    return f"{client_fingerprint()}:{_account(email)}"


def login_refused(email: str) -> bool:
    """True when this client must wait before it may try `email`'s password again."""
    client_failures, _ = recent("login-fail-client", WINDOW_SECONDS)
    if client_failures >= FAILURES_PER_CLIENT:
        return True
    pair_failures, last_failure = recent("login-fail-pair", REMEMBER_SECONDS, _pair(email))
    if pair_failures == 0:
        return False  # a clean client is always heard
    if pair_failures >= FAILURES_PER_CLIENT_AND_ACCOUNT and last_failure is not None:
        doublings = pair_failures - FAILURES_PER_CLIENT_AND_ACCOUNT
        wait = min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)
        if utcnow() < last_failure + wait:
            return True
    account_failures, _ = recent("login-fail-account", WINDOW_SECONDS, _account(email))
    return account_failures >= FAILURES_PER_ACCOUNT


def login_failed(email: str) -> None:
    """Count a wrong password (or unknown address) from this client."""
    record("login-fail-client")
    record("login-fail-pair", _pair(email))
    record("login-fail-account", _account(email))


def login_succeeded(email: str) -> None:
    """This client proved itself for `email`: its failures on it, and the alarm, are cleared."""
    forget("login-fail-pair", _pair(email))
    # The account's owner is in, so the account-wide alarm starts again from nothing; every
    # guesser keeps its own count and wait.
    forget("login-fail-account", _account(email))
