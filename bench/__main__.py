"""Run every benchmark module in turn; each prints its own figures."""

from __future__ import annotations

import importlib

# Add your module here: it needs a `run() -> None` that prints its figures.
BENCHMARKS = ["bench.blog"]


def main() -> None:
    """Run each benchmark module's run()."""
    for name in BENCHMARKS:
        importlib.import_module(name).run()


if __name__ == "__main__":
    main()
