"""One upload in, one H.264 + AAC MP4 (faststart) and one JPEG poster out, with PyAV.

Only pixels and sound are copied: no container or stream tags (location, device, creation
time) are read across, the muxer runs bit-exact (no encoder tag) and the poster is a new
JPEG made from decoded pixels. The phone's rotation (its display matrix) is applied to the
pixels, so every browser shows the clip upright. Both files are written under temporary names
and renamed into place only when complete.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from blueprints.video.probe import DAMAGED, VideoRejected, seconds_long

if TYPE_CHECKING:
    import av

SHORT_SIDE = 720
# libx264 at constant quality, capped so a busy clip stays light on a visitor's phone.
X264_OPTIONS = {"crf": "23", "preset": "veryfast", "maxrate": "2500k", "bufsize": "5000k"}
AUDIO_RATE = 48_000
AUDIO_BITRATE = 128_000
POSTER_DEFAULT_SECONDS = (
    1.0  # far enough in that the coach is in position, if the clip is that long
)
REPORT_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class Transcoded:
    """What was written."""

    width: int
    height: int
    seconds: float
    has_audio: bool


# Called with the share done (0-100) every REPORT_EVERY_SECONDS; raising stops the work.
Progress = Callable[[int], None]


def output_size(width: int, height: int, short_side: int = SHORT_SIDE) -> tuple[int, int]:
    """The size at most `short_side` on the short side, proportions kept, both even."""
    scale = min(1.0, short_side / min(width, height))

    def even(value: float) -> int:
        return max(2, int(round(value / 2)) * 2)

    return even(width * scale), even(height * scale)


def transcode(
    source: Path,
    video_target: Path,
    poster_target: Path,
    *,
    keep_audio: bool,
    poster_at: float | None,
    progress: Progress = lambda _percent: None,
    part_tag: str = "work",
) -> Transcoded:
    """Write the web video and its poster for `source`; raise VideoRejected if it cannot be read."""
    import av

    # `part_tag` (the job's claim) keeps two processes from ever writing the same file.
    video_part = video_target.with_name(f".{video_target.name}.{part_tag}.part")
    poster_part = poster_target.with_name(f".{poster_target.name}.{part_tag}.part")
    try:
        with av.open(str(source), metadata_errors="ignore") as container:
            result = _transcode(container, video_part, poster_part, keep_audio, poster_at, progress)
    except VideoRejected:
        _remove(video_part, poster_part)
        raise
    except (av.FFmpegError, ValueError, OSError, EOFError) as error:
        _remove(video_part, poster_part)
        raise VideoRejected(DAMAGED) from error
    except BaseException:
        _remove(video_part, poster_part)
        raise
    os.replace(poster_part, poster_target)
    os.replace(video_part, video_target)
    return result


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _transcode(
    container: av.container.InputContainer,
    video_part: Path,
    poster_part: Path,
    keep_audio: bool,
    poster_at: float | None,
    progress: Progress,
) -> Transcoded:
    import av

    if not container.streams.video:
        raise VideoRejected(DAMAGED)
    source_video = container.streams.video[0]
    source_video.thread_type = "AUTO"
    source_audio = container.streams.audio[0] if keep_audio and container.streams.audio else None
    seconds = seconds_long(container) or 0.0
    poster_time = _poster_time(poster_at, seconds)
    frames = _Upright(source_video)
    # faststart: the index goes first, so a browser starts playing from the first bytes.
    options = {"movflags": "+faststart", "fflags": "+bitexact"}
    with av.open(str(video_part), mode="w", format="mp4", options=options) as out:
        out.metadata.clear()
        video_out: av.VideoStream | None = None
        audio_out = None
        if source_audio is not None:
            audio_out = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
            audio_out.bit_rate = AUDIO_BITRATE
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
        waiting_audio: list[av.AudioFrame] = []
        poster_written = False
        last_report = time.monotonic()
        streams = [source_video] + ([source_audio] if source_audio is not None else [])
        for packet in container.demux(streams):
            for frame in packet.decode():
                if isinstance(frame, av.AudioFrame):
                    if audio_out is not None:
                        waiting_audio.extend(resampler.resample(frame))
                    if video_out is not None:  # the header is written: the sound can follow
                        for resampled in waiting_audio:
                            out.mux(audio_out.encode(resampled))
                        waiting_audio.clear()
                    continue
                for upright in frames.push(frame):
                    if video_out is None:  # sized from the first upright picture
                        video_out = _video_stream(out, source_video, upright)
                    if not poster_written and (upright.time or 0.0) >= poster_time:
                        _write_poster(upright, poster_part)
                        poster_written = True
                    out.mux(video_out.encode(upright))
                    last = upright
            if time.monotonic() - last_report >= REPORT_EVERY_SECONDS:
                last_report = time.monotonic()
                done = float(packet.pts * packet.time_base) if packet.pts is not None else 0.0
                progress(min(99, int(100 * done / seconds)) if seconds else 0)
        if video_out is None:
            raise VideoRejected(DAMAGED)
        for upright in frames.flush():
            out.mux(video_out.encode(upright))
            last = upright
        if not poster_written:  # the chosen time is past the end: the last picture
            _write_poster(last, poster_part)
        out.mux(video_out.encode(None))
        if audio_out is not None:
            for resampled in [*waiting_audio, *resampler.resample(None)]:
                out.mux(audio_out.encode(resampled))
            out.mux(audio_out.encode(None))
        size = (video_out.codec_context.width, video_out.codec_context.height)
    return Transcoded(size[0], size[1], seconds, audio_out is not None)


def _poster_time(poster_at: float | None, seconds: float) -> float:
    if poster_at is not None:
        return max(0.0, poster_at)
    return min(POSTER_DEFAULT_SECONDS, seconds / 3)


def _video_stream(
    out: av.container.OutputContainer, source: av.VideoStream, first: av.VideoFrame
) -> av.VideoStream:
    rate = source.average_rate or source.guessed_rate or Fraction(30)
    stream = out.add_stream("libx264", rate=rate, options=dict(X264_OPTIONS))
    stream.width, stream.height = first.width, first.height
    stream.pix_fmt = "yuv420p"
    stream.time_base = source.time_base
    stream.codec_context.time_base = source.time_base
    stream.codec_context.profile = "High"
    return stream


def _write_poster(frame: av.VideoFrame, target: Path) -> None:
    """A new JPEG from the picture's pixels alone (no EXIF, no comment)."""
    frame.to_image().save(target, "JPEG", quality=85, optimize=True, progressive=True)


class _Upright:
    """The decoded pictures turned upright and scaled to SHORT_SIDE, in yuv420p (libavfilter)."""

    def __init__(self, source: av.VideoStream) -> None:
        self.source = source
        self.graph: av.filter.Graph | None = None

    def _build(self, frame: av.VideoFrame) -> av.filter.Graph:
        import av

        rotation = round((frame.rotation or 0) / 90) * 90 % 360
        # frame.rotation is counter-clockwise (FFmpeg's av_display_rotation_get).
        turns = {90: ["transpose=cclock"], 180: ["hflip", "vflip"], 270: ["transpose=clock"]}
        sideways = rotation in (90, 270)
        upright_w, upright_h = (
            (frame.height, frame.width) if sideways else (frame.width, frame.height)
        )
        width, height = output_size(upright_w, upright_h)
        scaled = (height, width) if sideways else (width, height)
        graph = av.filter.Graph()
        node = graph.add_buffer(
            width=frame.width,
            height=frame.height,
            format=frame.format.name,
            time_base=self.source.time_base,
        )
        chain = [f"scale={scaled[0]}:{scaled[1]}", *turns.get(rotation, []), "format=yuv420p"]
        for step in chain:
            name, _, args = step.partition("=")
            following = graph.add(name, args or None)
            node.link_to(following)
            node = following
        sink = graph.add("buffersink")
        node.link_to(sink)
        graph.configure()
        return graph

    def push(self, frame: av.VideoFrame) -> list[av.VideoFrame]:
        """The upright pictures the filter gives back for `frame`."""
        if self.graph is None:
            self.graph = self._build(frame)
        self.graph.push(frame)
        return self._pull()

    def flush(self) -> list[av.VideoFrame]:
        """What the filter still holds at the end."""
        if self.graph is None:
            return []
        self.graph.push(None)
        return self._pull()

    def _pull(self) -> list[av.VideoFrame]:
        import av

        pictures = []
        while True:
            try:
                picture = self.graph.pull()  # type: ignore[union-attr]
            except (BlockingIOError, av.EOFError):
                return pictures
            picture.time_base = self.source.time_base
            pictures.append(picture)
