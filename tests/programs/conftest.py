"""Helpers shared by the programs tests (no tests here): a program, a valid form, the records."""

from __future__ import annotations
