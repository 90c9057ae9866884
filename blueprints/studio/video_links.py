"""Turn whatever video link the coach pastes into the privacy-enhanced embed address."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{1,12}$")
VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "player.vimeo.com"}


class UnsupportedVideoLink(ValueError):
    """Not a YouTube or Vimeo video link; the message is for the coach."""


def embed_url(link: str) -> str:
    """youtube-nocookie.com/embed/ID or player.vimeo.com/video/ID for a YouTube or Vimeo link."""
    text = link.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise UnsupportedVideoLink("Paste an https link to a YouTube or Vimeo video.")
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in YOUTUBE_HOSTS or host == "youtu.be":
        return _youtube(host, segments, parse_qs(parts.query))
    if host in VIMEO_HOSTS:
        return _vimeo(segments, parse_qs(parts.query))
    raise UnsupportedVideoLink("Only YouTube and Vimeo links can be embedded; or upload an MP4.")


def _youtube(host: str, segments: list[str], query: dict[str, list[str]]) -> str:
    if host == "youtu.be":
        video_id = segments[0] if segments else ""
    elif segments[:1] in (["embed"], ["shorts"], ["live"], ["v"]) and len(segments) > 1:
        video_id = segments[1]
    else:
        video_id = query.get("v", [""])[0]
    if not YOUTUBE_ID.match(video_id):
        raise UnsupportedVideoLink("That YouTube link does not point to a single video.")
    return f"https://www.youtube-nocookie.com/embed/{video_id}"


def _vimeo(segments: list[str], query: dict[str, list[str]]) -> str:
    if segments[:1] == ["video"]:
        segments = segments[1:]
    video_id = segments[0] if segments else ""
    if not VIMEO_ID.match(video_id):
        raise UnsupportedVideoLink("That Vimeo link does not point to a single video.")
    # An unlisted video needs its privacy hash: vimeo.com/ID/HASH or ?h=HASH.
    private_hash = segments[1] if len(segments) > 1 else query.get("h", [""])[0]
    if private_hash and VIMEO_HASH.match(private_hash):
        return f"https://player.vimeo.com/video/{video_id}?h={private_hash}"
    return f"https://player.vimeo.com/video/{video_id}"
