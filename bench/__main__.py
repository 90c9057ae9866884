"""Run every benchmark this package knows, one after another, and print their figures."""

from __future__ import annotations

import importlib
import sys

# Each module has a main() that runs its benchmark and prints its figures.
BENCHMARKS = [
    "bench.render",
    "bench.drill_filter",
    "bench.search",
    "bench.blog",
    "bench.programs",
    "bench.contact",
    "bench.studio",
    "bench.edge",
    "bench.page_weight",
    "bench.load_enquiries",
    "bench.me",
    "bench.mail",
    "bench.newsletter",
    "bench.mixed_load",
    "bench.known_unknown",
    "bench.video",
]


def main(names: list[str]) -> int:
    """Run the named benchmarks (all of them when none are named)."""
    for name in names or BENCHMARKS:
        module = importlib.import_module(name if name.startswith("bench.") else f"bench.{name}")
        print(f"\n== {module.__name__}: {(module.__doc__ or '').strip().splitlines()[0]}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
