"""`make bench`: run every benchmark module and print its figures."""

from __future__ import annotations

from bench import contact, programs


def main() -> None:
    """Run the benchmarks one after another."""
    programs.main()
    contact.main()


if __name__ == "__main__":
    main()
