"""Benchmarks that print figures (medians, rates); run with `python -m bench`."""
