"""A real SMTP server (aiosmtpd) on loopback that records what it receives."""

from __future__ import annotations

import contextlib
import email
import email.policy
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from harness.servers import free_port


@dataclass
class ReceivedMail:
    """An SMTP envelope as the server saw it, and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    received_at: float = field(default_factory=time.monotonic)  # when the server accepted it


@dataclass
class SmtpRecorder:
    """What the loopback SMTP server received."""

    received: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd's hook: keep the message."""
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message)  # type: ignore[arg-type]
            )
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """Wait until at least `count` messages have arrived; returns them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(f"expected {count} emails, got {len(self.received)}")

    def to(self, address: str) -> list[ReceivedMail]:
        """Messages whose envelope included `address`."""
        with self.lock:
            return [m for m in self.received if address in m.rcpt_tos]


class SmtpServer:
    """A real aiosmtpd server on loopback."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = SmtpRecorder()
        # aiosmtpd waits 5 s for its thread by default: too short beside Chromium on 2 cores.
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, ready_timeout=30
        )

    def start(self) -> SmtpServer:
        """Start listening. If it cannot, its thread and event loop are ended before the error
        goes up (an event loop left open fails a later test with a ResourceWarning)."""
        try:
            self.controller.start()
        except BaseException:
            with contextlib.suppress(Exception):
                self.controller.stop(no_assert=True)
            if not self.controller.loop.is_closed():
                self.controller.loop.close()
            raise
        return self

    def stop(self) -> None:
        """Stop listening (a test can do this to simulate a mail server going down)."""
        self.controller.stop()

    def mail_config(self) -> dict[str, Any]:
        """Config keys that point the app at this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}


def attachment_named(message: EmailMessage, suffix: str) -> bytes:
    """The decoded content of the attachment whose file name ends with `suffix`."""
    for part in message.iter_attachments():
        if (part.get_filename() or "").endswith(suffix):
            return part.get_payload(decode=True)
    raise AssertionError(f"no {suffix} attachment in {message['Subject']!r}")
