"""The deployment as visitors meet it: the shipped nginx site in front of gunicorn -w 2.

Three figures, from one run on one seeded database:

- The cached article, asked for with `Accept-Encoding: br` over TLS, beside the same bytes
  (nginx's cached, compressed copy, fetched once) served by the same nginx from a file, TLS and
  all. Debian's wrk loads one, then the other, in alternating rounds, so the noise of this shared
  machine hits both alike; the ratio is the median of the per-round ratios. Target >= 0.5.
  On a machine other sessions share, req/s follow their load, so the nginx workers' CPU time
  a request is read from /proc as well: file CPU over cached CPU is the "cpu ratio".
- Each public page rendered by the app, asked for straight from gunicorn (no nginx, so no cache
  in front): p50 and p95 of requests made one after another, pages taken round-robin, and the
  first timed request of each (finding the pages warmed a few already), and the CPU time the
  workers spent a request (a mean: /proc counts in ticks), which the machine's load moves less.
- The resident memory of the whole deployment after that load: nginx's master and workers,
  gunicorn's master and workers, and the mail sender (`flask send-mail --loop`).
"""

from __future__ import annotations

import http.client
import os
import re
import ssl
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from harness import SmtpServer, free_port
from harness.edge import Edge, start_edge
from harness.servers import ROOT, Gunicorn, child_environment, production_env, seeded_database

ROUNDS = 3
SECONDS_PER_RUN = 3
CONNECTIONS = 8
RENDERS = 25  # requests per page for the render times
RATIO_TARGET = 0.5
BR = {"Accept-Encoding": "gzip, deflate, br"}

# The same TLS as the site's server, a folder instead of the cache: the ceiling for one file.
FILE_SERVER = """
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {folder}/tls.crt;
        ssl_certificate_key {folder}/tls.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:strongspine_tls:10m;
        location / {{
            root {folder}/files;
            default_type "text/html; charset=utf-8";
            add_header Content-Encoding br;
            add_header Vary Accept-Encoding;
        }}
    }}
"""


def main() -> dict[str, float]:
    """Start the deployment, measure, print every figure beside its target."""
    subprocess.run(["bash", str(ROOT / "tests" / "ensure_wrk.sh")], check=True)  # noqa: S603,S607
    database = seeded_database()
    folder = database.parent / "edge"
    (folder / "files").mkdir(parents=True)
    file_port = free_port()
    smtp = SmtpServer().start()
    load_before = os.getloadavg()
    env = production_env(
        database,
        SITE_URL="https://127.0.0.1",
        SESSION_COOKIE_SECURE="true",
        PROXY_FIX_X_FOR="1",
        PROXY_FIX_X_PROTO="1",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
    )
    mail_sender = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(Path(sys.executable).parent / "flask"), "--app", "app", "send-mail", "--loop"],
        cwd=ROOT, env=child_environment(**env), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    edge: Edge | None = None
    try:
        with Gunicorn(workers=2, env=env) as site:
            extra = FILE_SERVER.format(port=file_port, folder=folder)
            edge = start_edge(folder, f"127.0.0.1:{site.port}", workers="auto", extra=extra)
            front = f"https://127.0.0.1:{edge.https_port}"
            pages = _public_pages(site.url)
            renders, render_cpu = _render_times(site.url, pages, site.worker_pids())
            article = pages["article"][0]
            _get(front + article, BR)  # into the cache
            status, headers, body = _get(front + article, BR)
            (folder / "files" / "article.html").write_bytes(body)
            file_url = f"https://127.0.0.1:{file_port}/article.html"
            workers = edge.pids()[1:]
            for url in (front + article, file_url):  # warm up both
                _wrk(url, BR, 1, workers)
            cached, from_file, ratios, cpu = [], [], [], []
            for _ in range(ROUNDS):
                cached.append(_wrk(front + article, BR, SECONDS_PER_RUN, workers))
                from_file.append(_wrk(file_url, BR, SECONDS_PER_RUN, workers))
                ratios.append(cached[-1][0] / from_file[-1][0])
                cpu.append(from_file[-1][1] / cached[-1][1])
            after = _get(front + article, BR)[1]
            memory = {
                "nginx": [_rss_mb(pid) for pid in edge.pids()],
                "gunicorn": [_rss_mb(pid) for pid in [site.process.pid, *site.worker_pids()]],  # type: ignore[union-attr]
                "mail sender": [_rss_mb(mail_sender.pid)],
            }
    finally:
        if edge is not None:
            edge.stop()
        mail_sender.terminate()
        mail_sender.wait(15)
        smtp.stop()
    load_after = os.getloadavg()
    print(f"edge: the shipped nginx site + gunicorn -w 2, wrk -c{CONNECTIONS} over TLS,"
          f" {ROUNDS} alternating rounds of {SECONDS_PER_RUN}s; load average before"
          f" {_load(load_before)}, after {_load(load_after)} ({os.cpu_count()} cores)")  # fmt: skip
    encoding, kept = headers.get("content-encoding", "identity"), headers.get("x-cache-status")
    print(f"  article {article}: {status}, {encoding}, {len(body)} bytes, X-Cache-Status {kept}"
          f" before the load, {after.get('x-cache-status')} after;"
          f" Set-Cookie: {'set-cookie' in headers}")  # fmt: skip
    ratio = statistics.median(ratios)
    verdict = "meets" if ratio >= RATIO_TARGET else "MISSES"
    rates = [statistics.median(r for r, _ in side) for side in (cached, from_file)]
    costs = [statistics.median(c for _, c in side) for side in (cached, from_file)]
    print(f"  cached article (br) {rates[0]:,.0f} req/s, the same bytes from a"
          f" file {rates[1]:,.0f} req/s: ratio {ratio:.2f}"
          f" (>= {RATIO_TARGET}: {verdict};"
          f" rounds {', '.join(f'{r:.2f}' for r in ratios)})")  # fmt: skip
    cpu_ratio = statistics.median(cpu)
    print(f"  nginx worker CPU a request: cached article {costs[0]:.0f} us, file {costs[1]:.0f} us:"
          f" ratio {cpu_ratio:.2f}, what the req/s ratio would be with the cores to ourselves"
          f" (rounds {', '.join(f'{r:.2f}' for r in cpu)})")  # fmt: skip
    print("  uncached render, straight from gunicorn (ms): page, p50, p95, first request,"
          " workers' CPU a request (mean)")  # fmt: skip
    figures = {"article br vs file ratio": ratio, "article br vs file cpu ratio": cpu_ratio}
    for name, times in renders.items():
        p50, p95 = statistics.median(times[1:]), _p95(times[1:])
        print(f"    {name:<22} {p50:6.1f} {p95:6.1f} {times[0]:7.1f} {render_cpu[name]:6.1f}"
              f"   {pages[name][0]}")  # fmt: skip
        figures[f"{name} render p50 ms"] = p50
    total = 0.0
    for name, values in memory.items():
        total += sum(values)
        each = ", ".join(f"{v:.1f}" for v in values)
        print(f"  RSS {name}: {sum(values):.1f} MB ({each})")
    print(f"  RSS of the whole deployment: {total:.1f} MB")
    figures["deployment rss mb"] = total
    return figures


def _public_pages(url: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Every kind of public page, with the headers its visitor sends."""
    article = _first_link(url, "/blog/", r"/blog/(?!tag/|search)[a-z0-9-]+")
    tag = _first_link(url + article, "", r"/blog/tag/[^\"?#]+")
    drill = _first_link(url, "/drills/", r"/drills/[a-z0-9-]+")
    program = _first_link(url, "/programs/", r"/programs/[a-z0-9-]+")
    return {
        "home": ("/", {}),
        "articles": ("/blog/", {}),
        "article": (article, {}),
        "tag": (tag, {}),
        "drill library": ("/drills/", {}),
        "drills partial (htmx)": ("/drills/?direction=rotation", {"HX-Request": "true"}),
        "drill": (drill, {}),
        "programs": ("/programs/", {}),
        "program": (program, {}),
        "search": ("/search?q=back", {}),
        "feed": ("/feed.xml", {}),
        "sitemap": ("/sitemap.xml", {}),
        "privacy": ("/privacy", {}),
        "contact": ("/contact/", {}),
    }


def _first_link(url: str, path: str, pattern: str) -> str:
    _, _, page = _get(url + path, {})
    found = re.search(f'href="({pattern})"', page.decode())
    assert found is not None, (url + path, pattern)
    return found.group(1)


def _render_times(
    url: str, pages: dict[str, tuple[str, dict[str, str]]], workers: list[int]
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Milliseconds per request for each page (the first request first), round-robin; and the
    mean CPU milliseconds the gunicorn `workers` spent on each page's requests after the first."""
    times: dict[str, list[float]] = {name: [] for name in pages}
    cpu = dict.fromkeys(pages, 0.0)
    for round_number in range(RENDERS + 1):
        for name, (path, headers) in pages.items():
            cpu_before = sum(_cpu_seconds(pid) for pid in workers)
            started = time.perf_counter()
            status, _, _ = _get(url + path, headers)
            times[name].append((time.perf_counter() - started) * 1000)
            if round_number:
                cpu[name] += sum(_cpu_seconds(pid) for pid in workers) - cpu_before
            assert status == 200, (path, status)
    return times, {name: spent / RENDERS * 1000 for name, spent in cpu.items()}


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body as sent) of one GET; https without checking the certificate."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # a throwaway cert
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, context=context, timeout=30
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                           headers=headers)  # fmt: skip
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def _wrk(
    url: str, headers: dict[str, str], seconds: int, workers: list[int]
) -> tuple[float, float]:
    """Requests per second wrk reaches on `url`, and the CPU microseconds the `workers` spent a
    request; a non-2xx answer stops the run."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    cpu_before = sum(_cpu_seconds(pid) for pid in workers)
    output = subprocess.run(  # noqa: S603 - fixed arguments
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    cpu = sum(_cpu_seconds(pid) for pid in workers) - cpu_before
    served = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    assert "Non-2xx" not in output, output
    if "Socket errors" in output:  # timeouts on a busy machine: counted, not hidden
        print("  wrk:", re.search(r"Socket errors.*", output).group(0), url)  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return rate, cpu / served * 1e6


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s*(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
