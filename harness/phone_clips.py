"""Video clips like a phone's, made with PyAV for upload tests and benchmarks.

A clip can be HEVC in a QuickTime .mov with the tags phones write (the filming place as ISO
6709, the device, the creation time) and a display matrix that turns it upright, plus a tone
as its sound. Each second is one flat colour (SECOND_COLOURS), so a poster or a decoded frame
says where in the clip it came from.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw

SECOND_COLOURS = [(200, 40, 40), (40, 160, 60), (40, 70, 200), (220, 180, 40), (150, 60, 170)]
PHONE_TAGS = {
    "location": "+51.5072-000.1276/",
    "com.apple.quicktime.location.ISO6709": "+51.5072-000.1276+011.000/",
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 15",
    "creation_time": "2026-11-30T08:15:00.000000Z",
    "com.apple.quicktime.creationdate": "2026-11-30T08:15:00+0000",
}


def colour_at(seconds: float) -> tuple[int, int, int]:
    """The clip's colour at `seconds`."""
    return SECOND_COLOURS[int(seconds) % len(SECOND_COLOURS)]


def phone_clip(
    path: Path,
    *,
    seconds: float = 2,
    width: int = 320,
    height: int = 180,
    fps: int = 10,
    codec: str = "libx265",
    rotation: int = 0,
    tags: dict[str, str] | None = None,
    sound: bool = False,
    busy: bool = False,
) -> Path:
    """Write a clip to `path` (.mov, .mp4 or .webm by its suffix); returns the path.

    `rotation` is the display matrix's counter-clockwise turn: a phone held upright records
    1920x1080 pictures with rotation 90 or 270. `busy` draws moving stripes over the colour,
    so an encoder has real work (benchmarks, a transcoder that must be caught mid-way).
    """
    options = {"movflags": "use_metadata_tags"} if path.suffix == ".mov" else {}
    with av.open(str(path), mode="w", options=options) as out:
        out.metadata.update(tags or {})
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if codec == "libx265":
            video.options = {"x265-params": "log-level=none", "preset": "ultrafast"}
        elif codec == "libx264":
            video.options = {"preset": "ultrafast"}
        if rotation:
            video.set_display_rotation(rotation)
        audio = out.add_stream("aac", rate=48_000, layout="mono") if sound else None
        frames = int(seconds * fps)
        for number in range(frames):
            image = Image.new("RGB", (width, height), colour_at(number / fps))
            if busy:
                draw = ImageDraw.Draw(image)
                for stripe in range(0, width, 24):
                    x = (stripe + number * 7) % width
                    draw.rectangle((x, 0, x + 9, height), fill=((x * 3) % 256, number % 256, 90))
            frame = av.VideoFrame.from_image(image)
            frame.pts = number
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            _tone(out, audio, seconds)
    return path


def _tone(out: av.container.OutputContainer, audio: av.AudioStream, seconds: float) -> None:
    rate, size = 48_000, 1024
    samples = int(seconds * rate)
    for start in range(0, samples, size):
        count = min(size, samples - start)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=count)
        values = [0.2 * math.sin(2 * math.pi * 440 * (start + i) / rate) for i in range(count)]
        frame.planes[0].update(_floats(values))
        frame.sample_rate, frame.pts = rate, start
        out.mux(audio.encode(frame))
    out.mux(audio.encode(None))


def _floats(values: list[float]) -> bytes:
    import struct

    return struct.pack(f"<{len(values)}f", *values)
