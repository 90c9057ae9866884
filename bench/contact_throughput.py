"""The contact page under gunicorn -w 2 beside an article page, one run, alternating rounds.

Target: /contact/ (and the consultation picker, with and without a remembered zone) at least 50%
of an article's throughput, both rendered by the app on every request (no cache in front here;
in the deployment nginx keeps both for PUBLIC_MAX_AGE_SECONDS). The free times are computed once
per change of bookings or availability (booking/freetimes.py), so the picker costs about what
an article's render costs.
"""

from __future__ import annotations

import statistics
import urllib.request

from bench.http_load import hammer
from harness.servers import Gunicorn, production_env, seeded_database

ROUNDS = 5
SECONDS_PER_ROUND = 2.0
CLIENTS = 8
TARGET = 0.50


def main() -> dict[str, float]:
    """Run the comparison and print its figures."""
    database = seeded_database()
    with Gunicorn(workers=2, env=production_env(database)) as server:
        listing = urllib.request.urlopen(server.url + "/blog/").read().decode()  # noqa: S310
        slug = listing.split('href="/blog/', 1)[1].split('"', 1)[0]
        pages = {
            "article": (f"{server.url}/blog/{slug}", None),
            "contact": (f"{server.url}/contact/", None),
            "booking": (f"{server.url}/contact/?topic=consultation", None),
            "booking, zone cookie": (
                f"{server.url}/contact/?topic=consultation",
                {"Cookie": "tz=America/New_York"},
            ),
        }
        for url, headers in pages.values():  # warm up both workers
            hammer(url, CLIENTS, 0.5, headers=headers)
        rates: dict[str, list[float]] = {name: [] for name in pages}
        ratios: dict[str, list[float]] = {name: [] for name in pages if name != "article"}
        for _ in range(ROUNDS):
            round_rates = {}
            for name, (url, headers) in pages.items():
                result = hammer(url, CLIENTS, SECONDS_PER_ROUND, headers=headers)
                assert result.errors == 0 and set(result.statuses) == {200}, result
                round_rates[name] = result.per_second
                rates[name].append(result.per_second)
            for name in ratios:
                ratios[name].append(round_rates[name] / round_rates["article"])
    setup = f"gunicorn -w 2, {CLIENTS} clients, {ROUNDS} alternating rounds of {SECONDS_PER_ROUND}s"
    print(f"contact page throughput beside an article (both rendered by the app) ({setup})")
    figures: dict[str, float] = {}
    for name, values in rates.items():
        median = statistics.median(values)
        figures[f"{name} rps"] = median
        rounds = ", ".join(f"{v:.0f}" for v in values)
        line = f"  {name:<22} median {median:8.1f} req/s  rounds {rounds}"
        if name in ratios:
            ratio = statistics.median(ratios[name])
            figures[f"{name} ratio"] = ratio
            verdict = "meets" if ratio >= TARGET else "MISSES"
            line += f"  ratio {ratio:.2f} ({verdict} the {TARGET:.2f} target)"
        print(line)
    return figures


if __name__ == "__main__":
    main()
