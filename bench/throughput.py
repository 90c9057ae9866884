"""Article page served by the app versus the same HTML as a static file, same gunicorn, one run.

Target: dynamic throughput at least 70% of static. Rounds alternate A/B so that noise on this
shared machine hits both sides alike; the figure is the median of the per-round ratios.
"""

from __future__ import annotations

import statistics
import urllib.request

from bench.http_load import hammer
from harness.servers import Gunicorn, production_env, seeded_database

ROUNDS = 5
SECONDS_PER_ROUND = 3.0
CLIENTS = 8


def main() -> dict[str, float]:
    """Run the comparison and print its figures."""
    database = seeded_database()
    static_dir = database.parent / "static-copy"
    env = production_env(database, BENCH_STATIC_DIR=str(static_dir))
    with Gunicorn(workers=2, env=env, app="bench.static_app:create_bench_app()") as server:
        listing = urllib.request.urlopen(server.url + "/blog/").read().decode()  # noqa: S310
        slug = listing.split('href="/blog/', 1)[1].split('"', 1)[0]
        article_url = f"{server.url}/blog/{slug}"
        html = urllib.request.urlopen(article_url).read()  # noqa: S310
        static_dir.mkdir(exist_ok=True)
        (static_dir / "article.html").write_bytes(html)
        static_url = f"{server.url}/__static-copy/article.html"
        assert urllib.request.urlopen(static_url).read() == html  # noqa: S310

        hammer(article_url, CLIENTS, 1.0)  # warm up both workers
        hammer(static_url, CLIENTS, 1.0)
        dynamic, static, ratios = [], [], []
        for _ in range(ROUNDS):
            d = hammer(article_url, CLIENTS, SECONDS_PER_ROUND)
            s = hammer(static_url, CLIENTS, SECONDS_PER_ROUND)
            assert d.errors == 0 and s.errors == 0 and set(d.statuses) == {200}
            dynamic.append(d.per_second)
            static.append(s.per_second)
            ratios.append(d.per_second / s.per_second)
    figures = {
        "article_rps_median": statistics.median(dynamic),
        "static_rps_median": statistics.median(static),
        "ratio_median": statistics.median(ratios),
    }
    setup = f"gunicorn -w 2, {CLIENTS} clients, {ROUNDS} alternating rounds of {SECONDS_PER_ROUND}s"
    print(f"throughput: article page vs the same HTML as a static file ({setup})")
    print(f"  article  median {figures['article_rps_median']:8.1f} req/s  {_fmt(dynamic)}")
    print(f"  static   median {figures['static_rps_median']:8.1f} req/s  {_fmt(static)}")
    verdict = "meets" if figures["ratio_median"] >= 0.70 else "MISSES"
    print(f"  ratio    median {figures['ratio_median']:8.2f}  ({verdict} the 0.70 target)  "
          f"rounds {', '.join(f'{r:.2f}' for r in ratios)}")  # fmt: skip
    return figures


def _fmt(values: list[float]) -> str:
    return "rounds " + ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    main()
