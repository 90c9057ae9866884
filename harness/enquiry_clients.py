"""Visitors sending the contact form from threads: each its own cookies, GET then POST."""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlencode

SUCCESS = 303  # the form answers a stored enquiry with POST/redirect/GET to the thanks page


def visitor(number: int) -> dict[str, str]:
    """What enquiry `number` says; the address is unique, so each row can be traced to its post."""
    return {
        "name": f"Load Visitor {number}",
        "email": f"visitor{number:05d}@example.org",
        "topic": "other",
        "message": f"Enquiry {number}: my lower back is stiff after long drives. Can you help?",
    }


@dataclass(frozen=True)
class Answer:
    """What the site told the client about one enquiry (status None: the connection failed)."""

    number: int
    status: int | None
    seconds: float


@dataclass
class Traffic:
    """Everything the clients saw, shared between their threads."""

    answers: list[Answer] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    get_seconds: list[float] = field(default_factory=list)
    form_errors: int = 0  # GETs of the form that failed (retried) or lacked the form
    lock: threading.Condition = field(default_factory=threading.Condition)
    next_number: int = 0

    def take_number(self, limit: int) -> int | None:
        """The next enquiry to send, or None when all have been handed out."""
        with self.lock:
            if self.next_number >= limit:
                return None
            self.next_number += 1
            return self.next_number

    def record(self, answer: Answer) -> None:
        """Keep one POST's answer and wake whoever waits for a count."""
        with self.lock:
            self.answers.append(answer)
            if answer.status is not None:
                self.statuses[answer.status] += 1
            self.lock.notify_all()


class Browser:
    """One visitor: its own cookie jar, a new connection per request (gunicorn sync workers)."""

    def __init__(self, url: str, traffic: Traffic) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies: dict[str, str] = {}
        self.traffic = traffic

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        """One request; (status, body). OSError or HTTPException if the connection fails."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value
            return response.status, content
        finally:
            connection.close()

    def form_fields(self) -> dict[str, str] | None:
        """GET the form (retrying a dropped connection, as a person would reload) for its stamp."""
        for _ in range(3):
            started = time.perf_counter()
            try:
                status, page = self.request("GET", "/contact/?topic=other")
            except (OSError, http.client.HTTPException):
                status, page = 0, ""
            with self.traffic.lock:
                self.traffic.get_seconds.append(time.perf_counter() - started)
                if status:
                    self.traffic.statuses[status] += 1
                fields = {"form_started": hidden_value(page, "form_started")}  # no CSRF token
                if status == 200 and all(fields.values()):
                    return fields
                self.traffic.form_errors += 1
        return None

    def send_enquiry(self, number: int) -> None:
        """Fetch the form, then post enquiry `number` once (a failed POST is not retried)."""
        fields = self.form_fields()
        if fields is None:
            self.traffic.record(Answer(number, None, 0.0))
            return
        body = urlencode({**visitor(number), "context": "", "website": "", **fields})
        started = time.perf_counter()
        try:
            status: int | None = self.request("POST", "/contact/", body)[0]
        except (OSError, http.client.HTTPException):
            status = None
        self.traffic.record(Answer(number, status, time.perf_counter() - started))


def hidden_value(page: str, name: str) -> str:
    """The value of the form's hidden input called `name` ('' if there is none)."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0)) if tag else None
    return unescape(value.group(1)) if value else ""


def drive_clients(
    url: str, clients: int, enquiries: int, seconds: float, traffic: Traffic
) -> list[threading.Thread]:
    """Start `clients` threads that send `enquiries` in all, stopping after `seconds`."""
    deadline = time.monotonic() + seconds

    def client() -> None:
        browser = Browser(url, traffic)
        while time.monotonic() < deadline:
            number = traffic.take_number(enquiries)
            if number is None:
                return
            browser.send_enquiry(number)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads
