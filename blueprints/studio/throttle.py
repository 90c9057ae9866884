"""Login throttling that slows password guessing without letting a stranger lock the coach out.

Only failures count (all in `rate_event`, so every worker sees them). A browser holding the
account's device cookie (blueprints/studio/devices.py: one the coach logged in with before) is
counted on its own:

- per device and account: a known device that keeps failing waits, and the wait doubles with
  each further failure (15 minutes, 30, 60, ... at most a day); nobody else's failures count,
  so the coach with her own browser and the right password always gets in.

Every other browser is counted three ways:

- per client: many failures from one address, whatever the accounts, stop that address;
- per client and account: the same doubling wait as a device's;
- per account, a ceiling: at most GUESSES_PER_ACCOUNT failures from browsers without the device
  cookie are answered in any WINDOW_SECONDS, however many addresses they come from; past it,
  every such browser waits (a coach on a new browser too, until the window moves on).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from blueprints.shared.clock import utcnow
from blueprints.shared.ratelimit import client_fingerprint, forget, recent, record

FAILURES_PER_CLIENT = 20
FAILURES_PER_CLIENT_AND_ACCOUNT = 8
GUESSES_PER_ACCOUNT = 10
WINDOW_SECONDS = 15 * 60
FIRST_WAIT = timedelta(minutes=15)
LONGEST_WAIT = timedelta(days=1)
REMEMBER_SECONDS = LONGEST_WAIT.total_seconds()


def _account(email: str) -> str:
    # Counted by hash: a login attempt never stores an address in the clear.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _pair(email: str, device: str | None) -> tuple[str, str]:
    """The (action, identity) counting this browser's failures on `email`'s account."""
    if device is not None:
        return "login-fail-device", f"{device}:{_account(email)}"
    return "login-fail-pair", f"{client_fingerprint()}:{_account(email)}"


def login_refused(email: str, device: str | None = None) -> bool:
    """True when this browser must wait before it may try `email`'s password again.

    `device` names the browser's device cookie when it is valid for this account (else None).
    """
    if device is None:
        client_failures, _ = recent("login-fail-client", WINDOW_SECONDS)
        if client_failures >= FAILURES_PER_CLIENT:
            return True
    action, identity = _pair(email, device)
    pair_failures, last_failure = recent(action, REMEMBER_SECONDS, identity)
    if pair_failures >= FAILURES_PER_CLIENT_AND_ACCOUNT and last_failure is not None:
        doublings = pair_failures - FAILURES_PER_CLIENT_AND_ACCOUNT
        wait = min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)
        if utcnow() < last_failure + wait:
            return True
    if device is not None:
        return False  # the account's own device: nobody else's guesses count against it
    account_guesses, _ = recent("login-fail-account", WINDOW_SECONDS, _account(email))
    return account_guesses >= GUESSES_PER_ACCOUNT


def login_failed(email: str, device: str | None = None) -> None:
    """Count a wrong password (or unknown address) from this browser."""
    record(*_pair(email, device))
    if device is None:
        record("login-fail-client")
        record("login-fail-account", _account(email))


def login_succeeded(email: str, device: str | None = None) -> None:
    """This browser proved itself for `email`: its own failures on it are cleared.

    The account's ceiling is not: what strangers guessed in the window still counts.
    """
    forget(*_pair(email, device))
