"""Content files: Markdown with TOML front matter between `+++` lines, one file per item.

    +++
    title = "Why lying still won't settle your back"
    tags = ["back-pain", "recovery"]
    +++

    ## The body, in Markdown

The file name (without `.md`) is the item's slug. Each feature turns parsed files into its own
rows; this module knows nothing about articles, drills or programs.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FENCE = "+++"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_MISSING = object()


class ContentError(ValueError):
    """A content file that cannot be read; the message names the file and, if known, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line = path, line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ContentFile:
    """One parsed file: its slug, the front matter as a dict, and the Markdown body."""

    path: Path
    slug: str
    front: dict[str, Any]
    body: str
    body_line: int  # the file's line number where the body starts
    _key_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def error(self, message: str, key: str | None = None, line: int | None = None) -> ContentError:
        """An error about this file, at `line` or the line of front matter `key` when given."""
        return ContentError(self.path, message, line or self._key_lines.get(key or ""))

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
        """The front matter value `key`, checked to be of `kind`; `default` when absent."""
        if key not in self.front:
            if default is _MISSING:
                raise self.error(f"the front matter needs {key} = ...")
            return default
        value = self.front[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise self.error(f"{key} should be {_describe(kind)}, not {value!r}", key)
        return value

    def strings(self, key: str, default: Any = _MISSING) -> list[str]:
        """The front matter value `key` as a list of strings."""
        value = self.get(key, list, default)
        if any(not isinstance(item, str) for item in value):
            raise self.error(f"{key} should be a list of quoted strings", key)
        return value

    def only_keys(self, allowed: set[str]) -> None:
        """Refuse front matter keys outside `allowed` (usually a typo the coach would miss)."""
        for key in self.front:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.error(f"unknown field {key!r} (known fields: {known})", key)


def _describe(kind: type | tuple[type, ...]) -> str:
    names = {str: "a quoted string", int: "a whole number", bool: "true or false", list: "a list"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def parse_content(path: Path, text: str | None = None) -> ContentFile:
    """Parse one content file (front matter + body); ContentError names the file and line."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    slug = path.name.removesuffix(".md")
    if not SLUG.fullmatch(slug):
        raise ContentError(path, "the file name must be a slug: lower-case letters, digits, -")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise ContentError(path, f"the file must start with a {FENCE} line (front matter)", 1)
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise ContentError(path, f"the front matter has no closing {FENCE} line", 1) from None
    toml_text = "".join(lines[1:close])
    try:
        front = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        raise _front_matter_error(path, error, close + 1) from None
    body_start = close + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    body = "".join(lines[body_start:]).rstrip()
    return ContentFile(
        path=path,
        slug=slug,
        front=front,
        body=body + "\n" if body else "",
        body_line=body_start + 1,
        _key_lines=_key_lines(lines[1:close]),
    )


def _front_matter_error(
    path: Path, error: tomllib.TOMLDecodeError, closing_line: int
) -> ContentError:
    """tomllib counts lines from the start of the front matter; count them from the file's."""
    message = str(error)
    position = _TOML_POSITION.search(message)
    if position is None:  # "(at end of document)": an unclosed string, list or table
        message = message.replace(" (at end of document)", "")
        return ContentError(
            path, f"malformed front matter: {message} before the closing {FENCE}", closing_line
        )
    line = int(position.group(1)) + 1  # the opening +++ line
    message = _TOML_POSITION.sub(f"(column {position.group(2)})", message)
    if "Illegal character '\\n'" in message:
        message += "; is a closing quote missing?"
    return ContentError(path, f"malformed front matter: {message}", line)


def _key_lines(front_lines: list[str]) -> dict[str, int]:
    """Where each top-level key is set, as file line numbers (the front matter starts on 2)."""
    found: dict[str, int] = {}
    for offset, line in enumerate(front_lines):
        match = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if match and match.group(1) not in found:
            found[match.group(1)] = offset + 2
    return found


def read_content_folder(folder: Path) -> list[ContentFile]:
    """Every `*.md` file in `folder`, parsed, in file-name order (other files are ignored)."""
    if not folder.is_dir():
        return []
    return [parse_content(path) for path in sorted(folder.glob("*.md")) if path.is_file()]
