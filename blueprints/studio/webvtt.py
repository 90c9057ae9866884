"""Checking a captions upload: a real WebVTT file, or a message that tells the coach what to fix.

What we accept (a strict reading of the W3C WebVTT file syntax, the parts browsers use):
- UTF-8 text (a byte-order mark is dropped), no NUL or other control characters but tab,
  lines of at most MAX_LINE_CHARS characters, the whole file within CAPTIONS_MAX_BYTES;
- the first line is `WEBVTT`, alone or followed by a space or tab and any text; header lines
  until the first blank line;
- then blocks separated by blank lines: `NOTE` comments, `REGION` definitions, and cues. A cue
  is an optional identifier line, a timing line `start --> end` with optional settings
  (vertical, line, position, size, align, region), and its text. Times are `mm:ss.ttt` or
  `hh:mm:ss.ttt`; end comes after start, and each cue starts no earlier than the one before;
- in cue text only WebVTT's own tags: <c>, <i>, <b>, <u>, <ruby>, <rt>, <v Name>, <lang tag>
  (with optional .classes), their closing tags, and time tags inside the cue's time;
- `STYLE` blocks are refused: CSS from a file would style, and could fetch, beyond the cue;
- at least one cue.
The stored copy is the text we checked, with LF line endings and no byte-order mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE_CHARS = 1000
# How browsers and operating systems label a .vtt file; anything else is some other file.
ACCEPTED_CONTENT_TYPES = {"text/vtt", "text/plain", "application/octet-stream", ""}

TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING_LINE = re.compile(rf"({TIMESTAMP})[ \t]+-->[ \t]+({TIMESTAMP})(?:[ \t]+(.*))?")
SIGNATURE = re.compile(r"WEBVTT(?:[ \t].*)?")
SETTING = re.compile(r"(vertical|line|position|size|align|region):(\S+)")
SETTING_VALUES = {
    "vertical": re.compile(r"rl|lr"),
    "line": re.compile(r"(?:-?\d+|\d+(?:\.\d+)?%)(?:,(?:start|center|end))?"),
    "position": re.compile(r"\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?"),
    "size": re.compile(r"\d+(?:\.\d+)?%"),
    "align": re.compile(r"start|center|end|left|right"),
    "region": re.compile(r"[^\s-]\S*"),
}
TAG = re.compile(r"<([^<>]*)>")
CLASSES = r"(?:\.[^\s.<>&]+)*"
OPENING_TAG = re.compile(rf"(c|i|b|u|ruby|rt){CLASSES}|(v|lang){CLASSES}[ \t]+[^<>]+")
CLOSING_TAG = re.compile(r"/(c|i|b|u|ruby|rt|v|lang)")
TIME_TAG = re.compile(TIMESTAMP)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SRT_TIMING = re.compile(r"\d+:\d\d:\d\d,\d{3}\s+-->")


class CaptionsRejected(ValueError):
    """The file is not WebVTT we accept; the message is for the coach."""


@dataclass(frozen=True)
class Cue:
    """One checked cue: when it shows, and its text."""

    start: float
    end: float
    text: str


def seconds(match: re.Match[str], first_group: int = 1) -> float:
    """A TIMESTAMP match (groups hours, minutes, seconds, milliseconds) as seconds."""
    hours, minutes, secs, millis = (match.group(first_group + offset) for offset in range(4))
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def check_webvtt(data: bytes, content_type: str, max_bytes: int) -> tuple[str, list[Cue]]:
    """The captions as text to store, and their cues; CaptionsRejected says what is wrong."""
    if len(data) > max_bytes:
        raise CaptionsRejected(f"That captions file is larger than {_size(max_bytes)}.")
    if content_type.split(";")[0].strip().lower() not in ACCEPTED_CONTENT_TYPES:
        raise CaptionsRejected(
            f"That file was sent as {content_type.split(';')[0]}; upload a WebVTT (.vtt) file."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaptionsRejected(
            "That file is not UTF-8 text; save the captions as WebVTT (.vtt) in UTF-8."
        ) from error
    if CONTROL.search(text):
        raise CaptionsRejected("That file holds binary data; upload a WebVTT (.vtt) text file.")
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            raise CaptionsRejected(
                f"Line {number} is longer than {MAX_LINE_CHARS:,} characters; "
                "break long captions over several lines."
            )
    if not SIGNATURE.fullmatch(lines[0]):
        if any(SRT_TIMING.match(line) for line in lines[:5]):
            raise CaptionsRejected(
                "That looks like a SubRip (.srt) file. Save it as WebVTT: a first line "
                "WEBVTT, and times with a full stop (00:00:01.000)."
            )
        raise CaptionsRejected("A WebVTT file starts with the line WEBVTT; this one does not.")
    cues = _Parser(lines).cues()
    return "\n".join(lines).rstrip("\n") + "\n", cues


def _size(count: int) -> str:
    return f"{count // 1024:,} KB" if count >= 1024 else f"{count} bytes"


class _Parser:
    """Walks the lines after the signature, block by block."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.found: list[Cue] = []

    def cues(self) -> list[Cue]:
        """Every cue, in order; raises CaptionsRejected at the first line that is wrong."""
        number = self._skip_block(1, header=True)
        while number < len(self.lines):
            if not self.lines[number].strip():
                number += 1
                continue
            number = self._block(number)
        if not self.found:
            raise CaptionsRejected(
                "That file has no captions: add at least one cue like "
                "00:00:01.000 --> 00:00:04.000 followed by its text."
            )
        return self.found

    def _skip_block(self, number: int, header: bool = False) -> int:
        """Past the lines of a header or NOTE block (none may hold an arrow)."""
        while number < len(self.lines) and self.lines[number].strip():
            if "-->" in self.lines[number]:
                where = "the header" if header else "a NOTE"
                raise CaptionsRejected(
                    f"Line {number + 1}: a cue cannot start inside {where}; "
                    "leave a blank line before it."
                )
            number += 1
        return number

    def _block(self, number: int) -> int:
        first = self.lines[number]
        keyword = first.split(maxsplit=1)[0] if first.strip() else ""
        if keyword == "NOTE" and first[:4] == "NOTE":
            return self._skip_block(number + 1)
        if keyword == "STYLE" and first.strip() == "STYLE":
            raise CaptionsRejected(
                f"Line {number + 1}: STYLE blocks are not accepted; the site styles the captions."
            )
        if first.strip() == "REGION" and not self.found:
            return self._skip_block(number + 1)
        if "-->" not in first:  # an identifier; the timing line follows
            number += 1
            if number >= len(self.lines) or not self.lines[number].strip():
                raise CaptionsRejected(
                    f"Line {number}: {_quoted(first)} is neither a cue time nor a NOTE; "
                    "a cue starts with a line like 00:00:01.000 --> 00:00:04.000."
                )
        return self._cue(number)

    def _cue(self, number: int) -> int:
        line = self.lines[number]
        timing = TIMING_LINE.fullmatch(line.strip())
        if timing is None:
            raise CaptionsRejected(
                f"Line {number + 1}: {_quoted(line)} is not a cue time; write it as "
                "00:01.000 --> 00:04.000 or 00:00:01.000 --> 00:00:04.000."
            )
        start, end = seconds(timing, 2), seconds(timing, 7)
        if end <= start:
            raise CaptionsRejected(
                f"Line {number + 1}: the cue ends ({timing.group(6)}) before it starts "
                f"({timing.group(1)})."
            )
        if self.found and start < self.found[-1].start:
            raise CaptionsRejected(
                f"Line {number + 1}: cues must be in time order; this one starts before the "
                "one above it."
            )
        self._check_settings(number, timing.group(11) or "")
        text_lines = []
        number += 1
        while number < len(self.lines) and self.lines[number].strip():
            text = self.lines[number]
            if "-->" in text:
                raise CaptionsRejected(
                    f"Line {number + 1}: leave a blank line between one cue's text and the "
                    "next cue's time."
                )
            self._check_tags(number, text, start, end)
            text_lines.append(text)
            number += 1
        self.found.append(Cue(start, end, "\n".join(text_lines)))
        return number

    @staticmethod
    def _check_settings(number: int, settings: str) -> None:
        for token in settings.split():
            setting = SETTING.fullmatch(token)
            if setting is None or not SETTING_VALUES[setting.group(1)].fullmatch(setting.group(2)):
                raise CaptionsRejected(
                    f"Line {number + 1}: {_quoted(token)} is not a WebVTT cue setting."
                )

    @staticmethod
    def _check_tags(number: int, text: str, start: float, end: float) -> None:
        if text.count("<") != len(TAG.findall(text)):
            raise CaptionsRejected(f"Line {number + 1}: a < that opens no tag; write it as &lt;.")
        for inside in TAG.findall(text):
            time = TIME_TAG.fullmatch(inside)
            if time is not None:
                if not start < seconds(time) < end:
                    raise CaptionsRejected(
                        f"Line {number + 1}: the time tag <{inside}> is outside its cue's time."
                    )
            elif not (OPENING_TAG.fullmatch(inside) or CLOSING_TAG.fullmatch(inside)):
                raise CaptionsRejected(
                    f"Line {number + 1}: <{_short(inside)}> is not a WebVTT tag; captions "
                    "may use <i>, <b>, <u>, <c>, <v Name>, <lang xx>, <ruby> and <rt>."
                )


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "\u2026"


def _quoted(text: str) -> str:
    return f"\u201c{_short(text.strip())}\u201d"
