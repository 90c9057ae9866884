"""The language of a drill video's captions: a BCP 47 tag, and the name a viewer picks it by."""

from __future__ import annotations

import re

DEFAULT_LANGUAGE = "en"
# language, optional script, optional region (two letters or three digits), optional variants
LANGUAGE_TAG = re.compile(
    r"([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?((?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)",
    re.IGNORECASE,
)
MAX_TAG_CHARS = 35
# The names players show in their captions menu, each in its own language.
LANGUAGE_NAMES = {
    "en": "English",
    "sv": "Svenska",
    "da": "Dansk",
    "nb": "Norsk bokm\u00e5l",
    "nn": "Norsk nynorsk",
    "no": "Norsk",
    "fi": "Suomi",
    "de": "Deutsch",
    "nl": "Nederlands",
    "fr": "Fran\u00e7ais",
    "es": "Espa\u00f1ol",
    "it": "Italiano",
    "pt": "Portugu\u00eas",
    "pl": "Polski",
}


def language_tag(text: str) -> str | None:
    """`text` as a well-formed tag in its usual case ("en-gb" -> "en-GB"), None if it is not one."""
    text = (text or "").strip()
    match = LANGUAGE_TAG.fullmatch(text) if len(text) <= MAX_TAG_CHARS else None
    if match is None:
        return None
    language, script, region, variants = match.groups()
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts) + variants.lower()


def language_label(tag: str) -> str:
    """What the captions menu says: "English", "English (en-GB)", or the tag itself."""
    name = LANGUAGE_NAMES.get(tag.split("-")[0].lower())
    if name is None:
        return tag
    return name if "-" not in tag else f"{name} ({tag})"
