"""Benchmarks that print figures (`make bench` runs them all through `python -m bench`)."""
