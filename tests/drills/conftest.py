"""Shared by the drill tests (no tests here): reading result cards, an independent oracle."""

from __future__ import annotations
