"""Checking and storing uploads: images re-encoded by Pillow, videos probed with PyAV.

Captions (WebVTT) are checked in webvtt.py; this module reads and stores them like the rest.
A video is never held in memory: werkzeug spools every upload above 500 KB to a temporary
file while the request is parsed, `store_original` copies it in 1 MB pieces to the private work
folder, PyAV probes it there in a child process, and `flask process-videos` turns it into the
published clip.
"""

from __future__ import annotations

import io
import secrets
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, request
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from blueprints.studio import bp

if TYPE_CHECKING:
    from PIL import Image

    from blueprints.video.probe import VideoFacts

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_WIDTH = 1600
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo decodes; a decompression bomb does not
JPEG_QUALITY = 85
IMAGE_MAX_BYTES = 25 * 1024 * 1024  # a phone photo, before Pillow shrinks it
VIDEO_SUFFIXES = {".mov", ".mp4", ".m4v", ".webm"}


class UploadRejected(ValueError):
    """The file is not what it claims to be, or too big; the message is for the coach."""


def image_as_jpeg(
    upload: FileStorage, max_width: int = MAX_IMAGE_WIDTH, square: bool = False
) -> bytes:
    """Verify that `upload` is an image, shrink it to `max_width` (cut to its central square
    first when `square`), and re-encode it as JPEG.

    Re-encoding drops whatever else the file carried (EXIF location, scripts in comments).
    """
    # Pillow only when the coach uploads an image, not in every web worker.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload.stream) as probe:
                image_format = probe.format
                probe.verify()
            upload.stream.seek(0)
            with Image.open(upload.stream) as image:
                if image_format not in IMAGE_FORMATS:
                    raise UploadRejected("Upload a JPEG, PNG, WebP or GIF image.")
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise UploadRejected("That image is too large; use one under 40 megapixels.")
                upright = ImageOps.exif_transpose(image)
                if square:
                    side = min(upright.width, upright.height)
                    upright = ImageOps.fit(upright, (side, side), centering=(0.5, 0.4))
                return _encode_jpeg(upright, max_width)
    except UploadRejected:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise UploadRejected(
            "That file is not an image we can read (JPEG, PNG, WebP or GIF)."
        ) from error


def _encode_jpeg(image: Image.Image, max_width: int) -> bytes:
    from PIL import Image

    if image.width > max_width:
        height = max(1, round(image.height * max_width / image.width))
        image = image.resize((max_width, height), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flattened = Image.new("RGB", image.size, (255, 255, 255))
        flattened.paste(image, mask=image.getchannel("A"))
        image = flattened
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # Pixels only: Pillow writes the source's JPEG comment (and other `info`) back out otherwise.
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def poster_as_jpeg(upload: FileStorage) -> bytes:
    """A PNG, JPEG or WebP poster (by its bytes, within IMAGE_MAX_BYTES) re-encoded as JPEG."""
    head = upload.stream.read(12)
    upload.stream.seek(0)
    # by the first bytes: PNG, JPEG, or WebP (a RIFF file whose form type is WEBP)
    if not (
        head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        raise UploadRejected("Upload the poster as a PNG, JPEG or WebP image.")
    if _size(upload) > IMAGE_MAX_BYTES:
        raise UploadRejected(
            f"That image is larger than {IMAGE_MAX_BYTES // (1024 * 1024)} MB; use a smaller one."
        )
    return image_as_jpeg(upload)


PORTRAIT_SIZE = 480  # px square: the largest it shows (96 CSS px) at up to 5x density


def portrait_as_jpeg(upload: FileStorage) -> bytes:
    """The coach's portrait: a real image within IMAGE_MAX_BYTES, cut square, at most
    PORTRAIT_SIZE pixels, re-encoded as JPEG with nothing but its pixels."""
    if _size(upload) > IMAGE_MAX_BYTES:
        raise UploadRejected(
            f"That image is larger than {IMAGE_MAX_BYTES // (1024 * 1024)} MB; use a smaller one."
        )
    return image_as_jpeg(upload, PORTRAIT_SIZE, square=True)


def captions_max_bytes() -> int:
    """The largest captions file accepted (config CAPTIONS_MAX_BYTES)."""
    return int(current_app.config["CAPTIONS_MAX_BYTES"])


def read_small(upload: FileStorage, limit: int) -> bytes:
    """The upload's bytes, at most `limit` + 1 of them (enough to tell it is too large)."""
    upload.stream.seek(0)
    data = upload.stream.read(limit + 1)
    upload.stream.seek(0)
    return data


def video_max_bytes() -> int:
    """The largest video upload accepted (config VIDEO_UPLOAD_MAX_BYTES, default 500 MB)."""
    return int(current_app.config["VIDEO_UPLOAD_MAX_BYTES"])


def video_too_large_message() -> str:
    """What the coach reads when a video is over the size limit."""
    limit = video_max_bytes() // (1024 * 1024)
    return (
        f"That video is larger than {limit} MB. Trim it or film at a lower resolution "
        "(1080p is plenty), then upload it again."
    )


def check_video(upload: FileStorage) -> tuple[str, VideoFacts]:
    """Store the upload as an original if it is a phone video within the limits: its name there
    and what the probe found.

    Raises UploadRejected (and keeps nothing) otherwise. The probe runs in a child process on
    the stored file (see blueprints/video/probe.py).
    """
    from blueprints.video.jobs import remove_original, work_folder
    from blueprints.video.probe import VideoRejected, probe_in_child

    if _size(upload) > video_max_bytes():
        raise UploadRejected(video_too_large_message())
    name = store_original(upload)
    try:
        facts = probe_in_child(work_folder() / name, float(current_app.config["VIDEO_MAX_SECONDS"]))
    except VideoRejected as error:
        remove_original(name)
        raise UploadRejected(str(error)) from error
    except BaseException:
        remove_original(name)
        raise
    return name, facts


def store_original(upload: FileStorage) -> str:
    """Copy the uploaded video to the private work folder; returns its name there."""
    from blueprints.video.jobs import new_original_name, work_folder

    suffix = Path(upload.filename or "").suffix.lower()
    name = new_original_name(suffix if suffix in VIDEO_SUFFIXES else ".video")
    upload.stream.seek(0)
    with open(work_folder() / name, "xb") as target:
        shutil.copyfileobj(upload.stream, target, 1024 * 1024)
    return name


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_bytes(data: bytes, suffix: str) -> str:
    """Write `data` under a random name in the upload folder; returns the name."""
    name = f"{secrets.token_hex(16)}{suffix}"
    (_folder() / name).write_bytes(data)
    return name


def remove_upload(name: str | None) -> None:
    """Delete a stored upload (a name we generated; anything else is ignored)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return
    (_folder() / name).unlink(missing_ok=True)


def _upload_limits() -> dict[str, int]:
    return {
        "studio.articles_new": IMAGE_MAX_BYTES,
        "studio.articles_edit": IMAGE_MAX_BYTES,
        "studio.profile": IMAGE_MAX_BYTES,
        "studio.drills_new": video_max_bytes() + IMAGE_MAX_BYTES + captions_max_bytes(),
        "studio.drills_edit": video_max_bytes() + IMAGE_MAX_BYTES + captions_max_bytes(),
    }


@bp.url_value_preprocessor
def allow_large_uploads(endpoint: str | None, values: dict[str, object] | None) -> None:
    """Let the article and drill editors receive more than the site-wide request limit.

    This hook runs before any before_request (CSRF reads the body there), and only raises the
    limit for a logged-in coach, so a visitor still cannot send a large body.
    """
    limit = _upload_limits().get(endpoint or "")
    if limit is not None and current_user.is_authenticated:
        request.max_content_length = limit + 1024 * 1024  # room for the form's other fields
