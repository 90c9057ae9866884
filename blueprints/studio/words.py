"""Stored codes said in the coach's words, for studio pages and the CSV exports she opens in a
spreadsheet: "6 weeks to 3 months", not `6_weeks_3_months`; "An article: /blog/...", not
`article:...`."""

from __future__ import annotations

from flask import url_for

from blueprints.booking.models import FORMATS
from blueprints.contact.models import PAIN_DURATIONS, TOPICS

PAGES = {
    "article": ("An article", "blog.article"),
    "drill": ("A drill", "drills.detail"),
    "program": ("A program", "programs.detail"),
}
WORDS = {"topic": TOPICS, "format": FORMATS, "pain_duration": PAIN_DURATIONS}
STATUSES = {"waitlisted": "On the waiting list"}


def came_from(context: str) -> str:
    """The page an enquiry was sent from ("article:cat-cow-basics"), as a label and its path."""
    kind, _, slug = (context or "").partition(":")
    if kind not in PAGES or not slug:
        return context or ""
    label, endpoint = PAGES[kind]
    return f"{label}: {url_for(endpoint, slug=slug)}"


def in_words(field: str, value: object) -> object:
    """A stored code of `field` (topic, format, pain_duration, status) as the coach says it."""
    if value is None or value == "":
        return value
    if field == "status":
        return STATUSES.get(str(value)) or str(value).replace("_", " ").capitalize()
    return WORDS[field].get(str(value), value)
