"""Is this upload a video we can turn into a drill clip? Read with PyAV, answered in plain words.

The web worker asks `probe_in_child` about the original once it is on disk: the probe runs in a
child process (`python -m blueprints.video.probe PATH MAX_SECONDS`), so FFmpeg's libraries
(about 21 MB resident once imported) never stay in a web worker, and a file that crashes a
demuxer takes down the child, not the worker. `flask process-videos` imports PyAV itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from av.container import InputContainer

# What phones and cameras record; the transcoder decodes each with FFmpeg's own decoders.
VIDEO_CODECS = {"h264": "H.264", "hevc": "HEVC", "vp9": "VP9", "av1": "AV1"}
CONTAINERS = ("mov", "mp4", "m4a", "3gp", "matroska", "webm")
NOT_A_VIDEO = (
    "That file is not a video we can read. Upload the clip as your phone recorded it: "
    ".mov, .mp4, .m4v or .webm."
)
DAMAGED = (
    "That video is damaged or incomplete, so it cannot be played. "
    "Copy it from the phone again and upload the new copy."
)


class VideoRejected(ValueError):
    """The upload cannot become a drill video; the message says why, for the coach."""


@dataclass(frozen=True)
class VideoFacts:
    """What the probe learned: enough to tell the coach what will happen."""

    codec: str
    width: int
    height: int
    seconds: float
    has_audio: bool


def looks_like_a_video_container(head: bytes) -> bool:
    """Whether the first bytes are those of an ISO/QuickTime or Matroska/WebM file."""
    return (len(head) >= 8 and head[4:8] in {b"ftyp", b"moov", b"mdat", b"wide", b"free"}) or (
        head.startswith(b"\x1a\x45\xdf\xa3")
    )


def probe_video(stream: BinaryIO, max_seconds: float) -> VideoFacts:
    """Open `stream` with PyAV, decode its first picture, and check its kind and length."""
    import av

    head = stream.read(12)
    stream.seek(0)
    if not looks_like_a_video_container(head):
        raise VideoRejected(NOT_A_VIDEO)
    try:
        with av.open(stream, mode="r", metadata_errors="ignore") as container:
            facts = _facts(container, max_seconds)
            _decode_first_picture(container)
    except VideoRejected:
        raise
    except (av.FFmpegError, ValueError, OSError, EOFError) as error:
        raise VideoRejected(DAMAGED) from error
    finally:
        stream.seek(0)
    return facts


def _facts(container: InputContainer, max_seconds: float) -> VideoFacts:
    streams = container.streams
    if container.format.name.split(",")[0] not in CONTAINERS or not streams.video:
        raise VideoRejected(NOT_A_VIDEO)
    video = streams.video[0]
    codec = video.codec_context.name
    if codec not in VIDEO_CODECS:
        raise VideoRejected(
            f"That video is in a format we cannot convert ({codec}). Phones record H.264, HEVC, "
            "VP9 or AV1; export it as one of those."
        )
    seconds = seconds_long(container)
    if seconds is None or seconds <= 0 or not video.codec_context.width:
        raise VideoRejected(DAMAGED)
    if seconds > max_seconds:
        raise VideoRejected(
            f"That video is {minutes_and_seconds(seconds)} long; a drill video can be at most "
            f"{minutes_and_seconds(max_seconds)}. Trim it and upload it again."
        )
    return VideoFacts(
        codec=codec,
        width=video.codec_context.width,
        height=video.codec_context.height,
        seconds=seconds,
        has_audio=bool(streams.audio),
    )


def seconds_long(container: InputContainer) -> float | None:
    """The clip's length: the container's, else its video stream's."""
    if container.duration:
        return container.duration / 1_000_000
    video = container.streams.video[0]
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return None


def _decode_first_picture(container: InputContainer) -> None:
    video = container.streams.video[0]
    for _frame in container.decode(video):
        return
    raise VideoRejected(DAMAGED)


def minutes_and_seconds(seconds: float) -> str:
    """3 min, 3 min 20 s, 45 s: a length as the coach says it."""
    whole = int(seconds + 0.5)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


PROBE_TIMEOUT_SECONDS = 60
ROOT = Path(__file__).resolve().parents[2]


def probe_in_child(path: Path, max_seconds: float) -> VideoFacts:
    """`probe_video` on the file at `path`, in a child process; VideoRejected with its message."""
    try:
        child = subprocess.run(  # noqa: S603 - our own module, a path we generated
            [sys.executable, "-m", "blueprints.video.probe", str(path), str(max_seconds)],
            cwd=ROOT,
            capture_output=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
        answer = json.loads(child.stdout) if child.returncode == 0 else {}
    except (subprocess.TimeoutExpired, ValueError) as error:
        raise VideoRejected(DAMAGED) from error
    if "refused" in answer:
        raise VideoRejected(answer["refused"])
    if "facts" not in answer:  # the child died on the file: a demuxer or decoder crashed
        raise VideoRejected(DAMAGED)
    return VideoFacts(**answer["facts"])


def _main(path: str, max_seconds: str) -> None:
    """The child's side: one JSON line, {"facts": ...} or {"refused": message}."""
    try:
        with open(path, "rb") as stream:
            answer = {"facts": asdict(probe_video(stream, float(max_seconds)))}
    except VideoRejected as problem:
        answer = {"refused": str(problem)}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _main(*sys.argv[1:3])
