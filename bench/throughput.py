"""Public pages against the floor: the same bytes from a minimal Flask view on the same gunicorn.

Both run gunicorn -w 2 sync workers at once; Debian's wrk (a C load generator, far from the
bottleneck here) loads one, then the other, page by page, in alternating rounds, so the noise of
this shared machine hits both sides alike. Each figure is the median of the rounds; the ratio is
the median of the per-round ratios. A first visit sends no cookie; a returning visitor sends the
cookies a first visit was given. Worker memory is read from /proc after the load.

Two floors: the page's body alone ("body"), and the page's whole response ("response": the same
body and every header the page sent, its security headers and a copy of its cookie included).
The headers are not free: gunicorn and Flask spend ~100 us a request on the page's eight, which
no work of ours can avoid, so the targets are judged against the whole response; the body-only
ratio is printed beside it.

On a machine other sessions share, req/s swing with their load; so each run also reads the CPU
time the two gunicorn workers spent (/proc/<pid>/stat) and divides it by the requests served:
"cpu ratio" is floor CPU per request over page CPU per request, what the req/s ratio would be on
a machine of our own (medians of the rounds).

Targets: every cached public page >= 0.80 of the floor, with and without compression;
`/contact/` and `/programs/` >= 0.50; each worker <= 60 MB resident after the load.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from harness.servers import ROOT, Gunicorn, production_env, seeded_database

ROUNDS = 3
SECONDS_PER_RUN = 2
CONNECTIONS = 8
COMPRESSED = "gzip, br"
RSS_TARGET_MB = 60.0


@dataclass
class Case:
    """One page as one kind of visitor asks for it, and its floor."""

    name: str
    path: str
    target: float
    headers: dict[str, str] = field(default_factory=dict)
    page: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)  # the response's bytes
    body_floor: list[float] = field(default_factory=list)  # the body's bytes alone
    ratios: list[float] = field(default_factory=list)
    body_ratios: list[float] = field(default_factory=list)
    page_cpu: list[float] = field(default_factory=list)  # microseconds of worker CPU a request
    floor_cpu: list[float] = field(default_factory=list)
    sets_cookie: bool = False
    size: int = 0


def main() -> dict[str, float]:
    """Run the comparison and print every figure beside its target."""
    subprocess.run(["bash", str(ROOT / "tests" / "ensure_wrk.sh")], check=True)  # noqa: S603,S607
    database = seeded_database()
    floor_dir = database.parent / "floor"
    floor_dir.mkdir()
    (floor_dir / "robots.txt").write_bytes(b"User-agent: *\n")  # the harness waits for it
    load_before = os.getloadavg()
    with Gunicorn(workers=2, env=production_env(database)) as site:
        # Memory of a worker that has built the app and served only the start-up probe, and
        # again after the load: what the pages (templates, SQL, page cache) add to the imports.
        site_rss_start = _settled_rss(site.worker_pids())
        cases = _cases(site.url)
        for number, case in enumerate(cases):
            body, encoding, cookies, headers = _fetch(site.url + case.path, case.headers)
            case.size = len(body)
            case.sets_cookie = bool(cookies)
            (floor_dir / str(number)).write_bytes(body)
            if encoding:
                (floor_dir / f"{number}.encoding").write_text(encoding)
            sent = [f"{k}: {v}" for k, v in headers if k.lower() not in _SET_BY_THE_SERVER]
            (floor_dir / f"{number}.headers").write_text("\n".join(sent))
        env = production_env(database, BENCH_FLOOR_DIR=str(floor_dir))
        with Gunicorn(workers=2, env=env, app="bench.floor_app:app") as floor:
            for number, case in enumerate(cases):  # warm up both sides
                _wrk(site.url + case.path, case.headers, 1, site)
                _wrk(f"{floor.url}/{number}/headers", case.headers, 1, floor)
                _wrk(f"{floor.url}/{number}", case.headers, 1, floor)
            for _ in range(ROUNDS):
                for number, case in enumerate(cases):
                    page, page_cpu = _wrk(site.url + case.path, case.headers, SECONDS_PER_RUN, site)
                    base, base_cpu = _wrk(
                        f"{floor.url}/{number}/headers", case.headers, SECONDS_PER_RUN, floor
                    )
                    body, _ = _wrk(f"{floor.url}/{number}", case.headers, SECONDS_PER_RUN, floor)
                    case.page.append(page)
                    case.floor.append(base)
                    case.body_floor.append(body)
                    case.ratios.append(page / base)
                    case.body_ratios.append(page / body)
                    case.page_cpu.append(page_cpu)
                    case.floor_cpu.append(base_cpu)
            site_rss = [_rss_mb(pid) for pid in site.worker_pids()]
            floor_rss = [_rss_mb(pid) for pid in floor.worker_pids()]
    load_after = os.getloadavg()
    return _report(cases, site_rss_start, site_rss, floor_rss, load_before, load_after)


def _cases(url: str) -> list[Case]:
    article = _first_link(url, "/blog/", "/blog/")
    program = _first_link(url, "/programs/", "/programs/")
    pages = [
        ("home", "/", 0.80, {}),
        ("article", article, 0.80, {}),
        ("/drills/", "/drills/", 0.80, {}),
        ("drills partial", "/drills/?direction=rotation", 0.80, {"HX-Request": "true"}),
        ("/programs/", "/programs/", 0.50, {}),
        ("a program", program, 0.80, {}),
        ("/contact/", "/contact/", 0.50, {}),
    ]
    cases = []
    for name, path, target, headers in pages:
        cases.append(Case(name, path, target, dict(headers)))
        cases.append(Case(name, path, target, {**headers, "Accept-Encoding": COMPRESSED}))
    # A returning visitor: the cookies a first visit was given (session with a CSRF token, ...).
    cookies = _fetch(url + article, {})[2]
    if cookies:
        returning = {"Cookie": "; ".join(cookies)}
        cases.append(Case("article, returning", article, 0.80, dict(returning)))
        cases.append(
            Case("article, returning", article, 0.80, {**returning, "Accept-Encoding": COMPRESSED})
        )
    return cases


def _first_link(url: str, page: str, prefix: str) -> str:
    html = _fetch(url + page, {})[0].decode()
    match = re.search(rf'href="({re.escape(prefix)}[a-z0-9-]+)"', html)
    assert match, f"no link to {prefix}... on {page}"
    return match.group(1)


_SET_BY_THE_SERVER = {"date", "server", "connection", "content-length", "transfer-encoding"}


def _fetch(
    url: str, headers: dict[str, str]
) -> tuple[bytes, str, list[str], list[tuple[str, str]]]:
    """The body exactly as sent (not decoded), its Content-Encoding, the cookies set and every
    header."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        query = f"?{parts.query}" if parts.query else ""
        connection.request("GET", parts.path + query, headers=headers)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, (url, response.status)
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        encoding = response.headers.get("Content-Encoding", "")
        return body, encoding, cookies, response.getheaders()
    finally:
        connection.close()


def _wrk(url: str, headers: dict[str, str], seconds: int, server: Gunicorn) -> tuple[float, float]:
    """Requests per second wrk reaches on `url`, and the workers' CPU microseconds a request.

    Any error or non-2xx answer stops the run."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    workers = server.worker_pids()
    cpu_before = sum(_cpu_seconds(pid) for pid in workers)
    output = subprocess.run(  # noqa: S603 - fixed arguments
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    cpu = sum(_cpu_seconds(pid) for pid in workers) - cpu_before
    assert "Non-2xx" not in output and "Socket errors" not in output, output
    served = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return rate, cpu / served * 1e6


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settled_rss(pids: list[int]) -> list[float]:
    """The workers' RSS once it stops changing (a worker may still be importing the app)."""
    readings = [_rss_mb(pid) for pid in pids]
    for _ in range(50):
        time.sleep(0.2)
        previous, readings = readings, [_rss_mb(pid) for pid in pids]
        if all(abs(a - b) < 0.05 for a, b in zip(previous, readings, strict=True)):
            break
    return readings


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s*(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def _report(
    cases: list[Case],
    site_rss_start: list[float],
    site_rss: list[float],
    floor_rss: list[float],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> dict[str, float]:
    setup = (
        f"gunicorn -w 2 sync each, wrk -c{CONNECTIONS}, {ROUNDS} alternating rounds of "
        f"{SECONDS_PER_RUN}s, {shutil.which('wrk')}"
    )
    print(f"throughput: public pages vs the floor, the same bytes from a minimal view ({setup})")
    cores = os.cpu_count()
    print(f"  load average before {_load(load_before)}, after {_load(load_after)} ({cores} cores)")
    print("  floor = the page's whole response (body and headers) from a minimal view;"
          " body = its body alone")  # fmt: skip
    header = ("page", "encoding", "bytes", "cookie", "page/s", "floor/s", "ratio", "body")
    header += ("CPU us", "cpu ratio")
    print("  {:<20} {:<9} {:>6} {:>6} {:>7} {:>7} {:>5} {:>5} {:>11} {:>9}  target".format(*header))
    figures: dict[str, float] = {}
    for case in cases:
        encoding = "gzip, br" if "Accept-Encoding" in case.headers else "identity"
        ratio = statistics.median(case.ratios)
        body_ratio = statistics.median(case.body_ratios)
        page_cpu, floor_cpu = statistics.median(case.page_cpu), statistics.median(case.floor_cpu)
        cpu_ratio = floor_cpu / page_cpu
        verdict = (
            ("meets" if ratio >= case.target else "MISSES")
            + " (req/s), "
            + ("meets" if cpu_ratio >= case.target else "MISSES")
            + " (cpu)"
        )
        cookie = "set" if case.sets_cookie else "-"
        print(
            f"  {case.name:<20} {encoding:<9} {case.size:>6} {cookie:>6}"
            f" {statistics.median(case.page):>7.0f} {statistics.median(case.floor):>7.0f}"
            f" {ratio:>5.2f} {body_ratio:>5.2f}"
            f" {page_cpu:>5.0f}/{floor_cpu:<5.0f} {cpu_ratio:>9.2f}"
            f"  >= {case.target:.2f} {verdict}"
            f"  (rounds {', '.join(f'{r:.2f}' for r in case.ratios)})"
        )
        figures[f"{case.name} {encoding} ratio"] = ratio
        figures[f"{case.name} {encoding} body-only ratio"] = body_ratio
        figures[f"{case.name} {encoding} cpu ratio"] = cpu_ratio
    by_name = {(c.name, "Accept-Encoding" in c.headers): c for c in cases}
    for compressed in (False, True):
        first, returning = (
            by_name.get(("article", compressed)),
            by_name.get(("article, returning", compressed)),
        )
        if first and returning:
            extra = statistics.median(first.page_cpu) - statistics.median(returning.page_cpu)
            encoding = "gzip, br" if compressed else "identity"
            print(f"  a first visit (new session cookie and CSRF token) costs {extra:.0f} us of"
                  f" worker CPU more than a returning visitor's ({encoding})")  # fmt: skip
    worst = max(site_rss)
    verdict = "meets" if worst <= RSS_TARGET_MB else "MISSES"
    site = ", ".join(f"{r:.1f}" for r in site_rss)
    start = ", ".join(f"{r:.1f}" for r in site_rss_start)
    floor = ", ".join(f"{r:.1f}" for r in floor_rss)
    print(f"  worker RSS after the load: site {site} MB (<= {RSS_TARGET_MB:.0f} MB: {verdict});"
          f" floor {floor} MB; site at start (app built, no page yet) {start} MB")  # fmt: skip
    figures["worker rss mb"] = worst
    return figures


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
