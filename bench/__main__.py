"""`make bench`: run every benchmark module and print its figures."""

from __future__ import annotations

from bench import contact, programs, studio


def main() -> None:
    """Run the benchmarks one after another."""
    programs.main()
    contact.main()
    studio.main()


if __name__ == "__main__":
    main()
