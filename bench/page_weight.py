"""First-view weight of the main pages in a real Chromium: bytes on the wire and requests.

Target (issues 13 and 18): home, an article, /drills/, a drill page with its demonstration and
/contact/ each within 35 KB transferred (compressed, headers included) on a first view, images and
video aside, in at most 6 requests, with no request to another host, in the light and the dark
theme. Below the table: what each request of the heaviest page weighs.

The pages come as visitors get them: through the shipped nginx site (TLS, its cache and its
brotli/gzip, harness/edge.py) in front of gunicorn; the app itself compresses nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from harness.chromium import CHROMIUM_ARGS, chromium_path
from harness.edge import start_edge
from harness.servers import Gunicorn, production_env, seeded_database

BUDGET_BYTES = 35 * 1024
MAX_REQUESTS = 6
DRILL_PAGE = "/drills/jefferson-curl"  # the longest demonstration of the demo drills
THEMES = ("light", "dark")

Transfers = list[tuple[str, int]]


def main() -> dict[tuple[str, str], tuple[int, int]]:
    """Load each page in a fresh browser context and print what crossed the wire."""
    database = seeded_database()
    env = production_env(
        database, SITE_URL="https://localhost", TRUSTED_HOSTS="localhost,127.0.0.1",
        PROXY_FIX_X_PROTO="1",
    )  # fmt: skip
    figures: dict[tuple[str, str], tuple[int, int]] = {}
    parts: dict[tuple[str, str], Transfers] = {}
    with Gunicorn(workers=2, env=env) as site:
        folder = Path(tempfile.mkdtemp(prefix="weight-edge-"))
        edge = start_edge(folder, f"127.0.0.1:{site.port}")
        try:
            _measure(edge.site_url, figures, parts)
        finally:
            edge.stop()
    _report(figures, parts)
    return figures


def _measure(
    url: str,
    figures: dict[tuple[str, str], tuple[int, int]],
    parts: dict[tuple[str, str], Transfers],
) -> None:
    """Load each page in each theme in a fresh context; what crossed the wire, into the dicts."""
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        listing = browser.new_page(ignore_https_errors=True)  # a throwaway certificate
        listing.goto(url + "/blog/")
        article = listing.locator("main .card a").first.get_attribute("href") or "/blog/"
        for path in ("/", article, "/drills/", DRILL_PAGE, "/contact/"):
            for theme in THEMES:
                parts[path, theme] = _first_view(browser, url, path, theme)
                figures[path, theme] = (
                    sum(size for _, size in parts[path, theme]),
                    len(parts[path, theme]),
                )
        browser.close()


def _report(
    figures: dict[tuple[str, str], tuple[int, int]], parts: dict[tuple[str, str], Transfers]
) -> None:
    print("page weight: first view in Chromium, compressed bytes on the wire, images aside")
    print(f"  (target: <= {BUDGET_BYTES / 1024:.0f} KB in <= {MAX_REQUESTS} requests)")
    for (path, theme), (size, requests) in figures.items():
        verdict = "ok" if size <= BUDGET_BYTES and requests <= MAX_REQUESTS else "OVER"
        print(f"  {path:<40} {theme:<5} {size / 1024:6.1f} KB in {requests} requests  {verdict}")
    heaviest = max(figures, key=lambda key: figures[key][0])
    print(f"  heaviest, {heaviest[0]} ({heaviest[1]}), body + headers per request:")
    for url, size in parts[heaviest]:
        print(f"    {size / 1024:5.1f} KB  {urlsplit(url).path}")


def _first_view(browser, base_url: str, path: str, theme: str) -> Transfers:  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=theme, ignore_https_errors=True)  # a throwaway cert
    if theme == "dark":  # the switch's choice as well as the system's
        context.add_cookies([{"name": "theme", "value": "dark", "url": base_url}])
    page = context.new_page()
    counted: Transfers = []
    hosts: set[str] = set()

    def finished(request) -> None:  # type: ignore[no-untyped-def]
        hosts.add(urlsplit(request.url).netloc)
        if request.resource_type not in ("image", "media"):
            sizes = request.sizes()
            counted.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", finished)
    page.goto(base_url + path, wait_until="networkidle")
    context.close()
    if hosts != {urlsplit(base_url).netloc}:
        raise AssertionError(f"{path} asked other hosts: {hosts}")
    return counted


if __name__ == "__main__":
    main()
