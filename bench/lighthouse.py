"""Lighthouse (mobile) on the main pages: the four category scores, median of 3 runs each.

Target (issue 18): 100 in performance, accessibility, best practices and SEO on home, an article,
/drills/, a drill page and /contact/. Not in `make bench` (about a minute a page, and it needs
the `lighthouse` npm package): run it with `python -m bench lighthouse [runs]`. It uses the
Chromium the browser tests use (CHROME_PATH) and Lighthouse's own mobile settings (simulated
slow 4G and a 4x slower CPU): performance moves with the machine's load, so the load average is
printed beside the figures. Audits that cost points are listed under the table.

The pages come as visitors get them (as in bench/page_weight.py): through the shipped nginx site
(TLS with a throwaway certificate, its cache, brotli and gzip; harness/edge.py) in front of
gunicorn -w 2 on the demo content. The app itself compresses nothing.
"""

from __future__ import annotations

import html
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from harness.chromium import CHROMIUM_ARGS, chromium_path
from harness.edge import start_edge
from harness.servers import Gunicorn, production_env, seeded_database

LIGHTHOUSE = "lighthouse@12.8.2"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("/", "ARTICLE", "/drills/", "/drills/jefferson-curl", "/contact/")
RUNS = 3


def main(runs: int = RUNS) -> dict[str, dict[str, int]]:
    """Run Lighthouse `runs` times on each page and print the median score per category."""
    database = seeded_database()
    env = production_env(
        database, SITE_URL="https://localhost", TRUSTED_HOSTS="localhost,127.0.0.1",
        PROXY_FIX_X_PROTO="1",
    )  # fmt: skip
    medians: dict[str, dict[str, int]] = {}
    machine: dict[str, int] = {}
    failing: dict[str, set[str]] = {}
    loads: list[float] = []
    reports_folder = Path(tempfile.mkdtemp(prefix="lighthouse-reports-"))
    with Gunicorn(workers=2, env=env) as site:
        edge = start_edge(
            Path(tempfile.mkdtemp(prefix="lighthouse-edge-")), f"127.0.0.1:{site.port}"
        )
        try:
            base_url = edge.site_url
            article = _first_article_path(base_url)
            pages = [article if path == "ARTICLE" else path for path in PAGES]
            _warm_up(base_url, pages)
            for path in pages:
                reports = []
                for _ in range(runs):
                    loads.append(os.getloadavg()[0])
                    reports.append(_lighthouse(base_url + path))
                    name = f"{path.strip('/').replace('/', '_') or 'home'}-{len(reports)}.json"
                    (reports_folder / name).write_text(json.dumps(reports[-1]))
                medians[path] = {
                    name: round(
                        100 * statistics.median(r["categories"][name]["score"] for r in reports)
                    )
                    for name in CATEGORIES
                }
                machine[path] = round(
                    statistics.median(r["environment"]["benchmarkIndex"] for r in reports)
                )
                failing[path] = {
                    f"{audit_id} ({audit['score']:.2f})"
                    for report in reports
                    for audit_id, audit in report["audits"].items()
                    if audit["score"] is not None
                    and audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
                    and audit["score"] < 1
                    and _counts(report, audit_id)
                }
        finally:
            edge.stop()
    print(f"lighthouse {LIGHTHOUSE}, mobile, median of {runs} runs (target: 100 in each)")
    print(f"  load average (1 min) during the runs: {min(loads):.1f}-{max(loads):.1f}")
    print("  benchmark index: Lighthouse's CPU score of this machine during the runs; its 4x CPU")
    print("  slowdown stands for a mid-range phone when the index is about 1000 or more")
    header = " ".join(f"{name[:13]:>13}" for name in CATEGORIES)
    print(f"  {'page':<42} {header} {'bench index':>12}")
    for path, scores in medians.items():
        row = " ".join(f"{scores[name]:>13}" for name in CATEGORIES)
        print(f"  {path:<42} {row} {machine[path]:>12}")
    for path, audits in failing.items():
        if audits:
            print(f"  {path}: below 1 in some run: {', '.join(sorted(audits))}")
    print(f"  reports: {reports_folder}")
    return medians


def _warm_up(base_url: str, paths: list[str]) -> None:
    """Ask for each page and its files once, as a running site would have been: the first
    answer of a static file pays for its compression (brotli's densest, ~0.15 s for htmx)."""
    for path in paths:
        page = _get(base_url + path, {}).decode()
        for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
            _get(base_url + html.unescape(url), {"Accept-Encoding": "br, gzip"})


def _get(url: str, headers: dict[str, str]) -> bytes:
    throwaway_certificate = ssl._create_unverified_context()  # noqa: S323 - our own edge, on loopback
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30, context=throwaway_certificate) as answer:
        return answer.read()


def _counts(report: dict, audit_id: str) -> bool:  # type: ignore[type-arg]
    """Whether the audit weighs in a category's score."""
    return any(
        ref["id"] == audit_id and ref["weight"] > 0
        for category in report["categories"].values()
        for ref in category["auditRefs"]
    )


def _first_article_path(base_url: str) -> str:
    """The newest article's path, as the blog's list links it."""
    listing = _get(base_url + "/blog/", {}).decode()
    return re.findall(r'href="(/blog/(?!tag/|search)[a-z0-9-]+)"', listing)[0]


def _lighthouse(url: str) -> dict:  # type: ignore[type-arg]
    flags = " ".join(["--headless=new", "--ignore-certificate-errors", *CHROMIUM_ARGS])
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    env = {**os.environ, "CHROME_PATH": chromium_path()}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
