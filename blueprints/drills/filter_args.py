"""The drill library's filters as a visitor gives them: the query string read into DrillFilters.

How a query string is read (the rules the tests hold us to):
- `direction`, `level` and `equipment` may each appear several times (the form's checkboxes send
  one value per ticked box); a drill matches if it has ANY of the values given for a field, and
  ALL the fields given. `equipment=none` matches drills that can be done with no equipment, even
  if they list kit for loading them later.
- An unknown value for one of those is dropped and reported back as a visible note, so an old
  shared link still shows the library instead of an error.
- `q` (words that must all appear in the drill's text, searched as the site's search page does:
  blueprints/drills/search.py) and `page` may appear once. Two of either, or a `q` longer than
  MAX_QUERY_LENGTH, is a 400 with a message: there is no sensible guess at what was meant.
- A `page` that is not a whole number from 1 is ignored (page 1, with a note); so is a page past
  the end of the results (see blueprints/drills/filters.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS
from blueprints.shared.fulltext import MAX_QUERY_LENGTH, query_error

MAX_PAGE_DIGITS = 6  # a page number longer than this is not a page number
NOTE_VALUE_LENGTH = 40  # how much of an unknown value we repeat back
NOTE_VALUE_COUNT = 3

CHOICES: dict[str, Mapping[str, str]] = {
    "direction": DIRECTIONS,
    "level": LEVELS,
    "equipment": EQUIPMENT,
}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class DrillFilters:
    """What a visitor asked the library for, already checked against what we know."""

    directions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    q: str = ""
    page: int = 1
    notes: tuple[str, ...] = ()  # values we ignored, told back to the visitor
    errors: Mapping[str, str] = field(default_factory=dict)  # field -> why the request is a 400

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> DrillFilters:
        """Read the query string by the rules in this module's docstring."""
        notes: list[str] = []
        errors: dict[str, str] = {}
        chosen = {name: _known_values(name, args.getlist(name), notes) for name in CHOICES}
        q = _single(args, "q", "search", errors)
        if too_long := query_error(q):
            errors["q"] = too_long
            q = q[:MAX_QUERY_LENGTH]
        page = _page_number(_single(args, "page", "page number", errors), notes)
        return cls(
            directions=chosen["direction"],
            levels=chosen["level"],
            equipment=chosen["equipment"],
            q=" ".join(_CONTROL_CHARACTERS.sub(" ", q).split()),
            page=page,
            notes=tuple(notes),
            errors=errors,
        )

    @property
    def is_active(self) -> bool:
        """True when anything narrows the library."""
        return bool(self.directions or self.levels or self.equipment or self.q)

    def query_args(self, page: int = 1) -> dict[str, list[str] | str | int]:
        """Clean arguments for url_for(): known values only, defaults and bad fields left out."""
        args: dict[str, list[str] | str | int] = {}
        for name, values in (
            ("direction", self.directions),
            ("level", self.levels),
            ("equipment", self.equipment),
        ):
            if values:
                args[name] = list(values)
        if self.q and "q" not in self.errors:
            args["q"] = self.q
        if page > 1:
            args["page"] = page
        return args


def _known_values(name: str, raw: list[str], notes: list[str]) -> tuple[str, ...]:
    choices = CHOICES[name]
    given = {value.strip(): None for value in raw}  # ordered, without repeats
    unknown = [value for value in given if value and value not in choices]
    if unknown:
        notes.append(_unknown_note(name, unknown))
    # Keep the order the library shows them in, so equal filters give equal URLs.
    return tuple(key for key in choices if key in given)


def _unknown_note(name: str, unknown: list[str]) -> str:
    shown = [_shorten(value) for value in unknown[:NOTE_VALUE_COUNT]]
    listed = ", ".join(f"“{value}”" for value in shown)
    more = len(unknown) - len(shown)
    extra = f" and {more} more" if more > 0 else ""
    if len(unknown) == 1:
        return f"We don't know the {name} {listed}, so we left it out."
    return f"We don't know the {name} values {listed}{extra}, so we left them out."


def _shorten(value: str) -> str:
    value = _CONTROL_CHARACTERS.sub(" ", value)
    return value if len(value) <= NOTE_VALUE_LENGTH else value[: NOTE_VALUE_LENGTH - 1] + "…"


def _single(args: MultiDict[str, str], name: str, label: str, errors: dict[str, str]) -> str:
    values = args.getlist(name)
    if len(values) > 1:
        errors[name] = f"The address gives the {label} more than once; please give it once."
    return values[0] if values else ""


def _page_number(raw: str, notes: list[str]) -> int:
    raw = raw.strip()
    if not raw:
        return 1
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS and int(raw) >= 1:
        return int(raw)
    notes.append(f"“{_shorten(raw)}” is not a page number, so here is the first page.")
    return 1
