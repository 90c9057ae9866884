"""A small threaded HTTP client for loopback benchmarks, bounded in time and count."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    """What one timed run of requests did."""

    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def hammer(
    url: str,
    clients: int,
    seconds: float,
    max_requests: int = 200_000,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """GET `url` from `clients` threads for `seconds` (or `max_requests` in all)."""
    sent_headers = {"Accept-Encoding": "gzip", **(headers or {})}
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                if result.requests + result.errors >= max_requests:
                    return
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            try:
                connection.request("GET", path, headers=sent_headers)
                response = connection.getresponse()
                response.read()
                with lock:
                    result.requests += 1
                    result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
            except OSError:
                with lock:
                    result.errors += 1
            finally:
                connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result
