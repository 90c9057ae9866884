"""First-view weight of the main pages in a real Chromium: bytes on the wire and requests.

Target: home, an article, /drills/ and /contact/ each under 35 KB transferred (compressed) on a
first view, images and video aside, in at most 6 requests, with no request to another host.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import LiveServer, build_migrated_database, make_app, shutdown_app
from harness.chromium import CHROMIUM_ARGS, chromium_path

BUDGET_BYTES = 35 * 1024
MAX_REQUESTS = 6


def main() -> dict[str, tuple[int, int]]:
    """Load each page in a fresh browser context and print what crossed the wire."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log in the figures
    database = Path(tempfile.mkdtemp(prefix="weight-")) / "site.sqlite"
    build_migrated_database(database)
    app = make_app(database, TESTING=False, DEBUG=False, TRUSTED_HOSTS=["127.0.0.1"])
    with app.app_context():
        seed_demo_content()
        db.session.remove()
    server = LiveServer(app).start()
    figures: dict[str, tuple[int, int]] = {}
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            listing = browser.new_page()
            listing.goto(server.url + "/blog/")
            article = listing.locator("main .card a").first.get_attribute("href") or "/blog/"
            for path in ("/", article, "/drills/", "/contact/"):
                figures[path] = _first_view(browser, server.url, path)
            browser.close()
    finally:
        server.stop()
        shutdown_app(app)
    print("page weight: first view in Chromium, compressed bytes on the wire, images aside")
    for path, (size, requests) in figures.items():
        verdict = "ok" if size < BUDGET_BYTES and requests <= MAX_REQUESTS else "OVER"
        print(f"  {path:<45} {size / 1024:6.1f} KB in {requests} requests  {verdict}")
    return figures


def _first_view(browser, base_url: str, path: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    counted: list[int] = []
    hosts: set[str] = set()

    def finished(request) -> None:  # type: ignore[no-untyped-def]
        hosts.add(urlsplit(request.url).netloc)
        if request.resource_type not in ("image", "media"):
            sizes = request.sizes()
            counted.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("requestfinished", finished)
    page.goto(base_url + path, wait_until="networkidle")
    context.close()
    if hosts != {urlsplit(base_url).netloc}:
        raise AssertionError(f"{path} asked other hosts: {hosts}")
    return sum(counted), len(counted)


if __name__ == "__main__":
    main()
