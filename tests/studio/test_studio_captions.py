"""Captions and posters for the coach's uploaded videos: what is accepted, what is refused and
how the refusal reads, that nothing is half-stored, and what the drill page's <video> gets."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from blueprints.drills.captions import language_label, language_tag
from blueprints.drills.models import Drill
from blueprints.shared.extensions import db
from blueprints.studio import uploads
from blueprints.studio.webvtt import CaptionsRejected, check_webvtt
from harness.media import tiny_mp4
from harness.studio import drill_form, png_bytes, publish_videos, the_drill, upload

CAPTIONS_LIMIT = 4096
GOOD_VTT = (
    "WEBVTT\n\n"
    "intro\n00:00.500 --> 00:01.500\n<v Maya>Stand tall, hands on the plate.</v>\n\n"
    "00:00:01.500 --> 00:00:02.900 align:start position:10%\nBend to the side, <i>slowly</i>.\n"
)
ROOT = Path(__file__).resolve().parents[2]
MOTION = (ROOT / "content" / "drills" / "overhead-side-bend.motion.toml").read_text()


def vtt(*cues: str, header: str = "WEBVTT") -> bytes:
    """A WebVTT file of `cues` (each its timing line, its text on the next lines)."""
    return ("\n\n".join([header, *cues]) + "\n").encode()


def check(data: bytes, content_type: str = "text/vtt") -> list[tuple[float, float, str]]:
    """The cues check_webvtt finds, as plain tuples."""
    _, cues = check_webvtt(data, content_type, CAPTIONS_LIMIT)
    return [(cue.start, cue.end, cue.text) for cue in cues]


# --- the checker on its own -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (vtt("00:01.000 --> 00:04.000\nHello"), [(1.0, 4.0, "Hello")]),
        (vtt("01:02:03.004 --> 01:02:05.000\nLate"), [(3723.004, 3725.0, "Late")]),
        # byte-order mark, CRLF, text after the signature, a NOTE, an identifier, two lines
        (
            b"\xef\xbb\xbfWEBVTT - Side bend\r\nKind: captions\r\n\r\nNOTE written by Maya\r\n"
            b"\r\n1\r\n00:00.000 --> 00:02.000\r\nReach up\r\nand over\r\n",
            [(0.0, 2.0, "Reach up\nand over")],
        ),
        (
            vtt(
                "00:00.000 --> 00:01.000 line:0 position:50%,center size:80% align:center\n"
                "<c.loud>Breathe</c> <b>out</b> <u>now</u>",
                "00:01.000 --> 00:03.000 vertical:rl\n"
                "<lang sv>Andas</lang> <00:01.500>ut <ruby>\u4e0a<rt>\u3046\u3048</rt></ruby>",
            ),
            [
                (0.0, 1.0, "<c.loud>Breathe</c> <b>out</b> <u>now</u>"),
                (
                    1.0,
                    3.0,
                    "<lang sv>Andas</lang> <00:01.500>ut <ruby>\u4e0a<rt>\u3046\u3048</rt></ruby>",
                ),
            ],
        ),
        (
            vtt("REGION\nid:low\nwidth:40%", "00:01.000 --> 00:02.000 region:low\nLow"),
            [(1.0, 2.0, "Low")],
        ),
        (
            vtt("00:01.000 --> 00:02.000\nA", "00:01.000 --> 00:03.000\nB"),
            [(1.0, 2.0, "A"), (1.0, 3.0, "B")],
        ),
        (
            vtt("00:01.000 --> 00:02.000\nTom &amp; Jerry &gt; 3"),
            [(1.0, 2.0, "Tom &amp; Jerry &gt; 3")],
        ),
    ],
)
def test_webvtt_that_is_accepted(data: bytes, expected: list[tuple[float, float, str]]) -> None:
    assert check(data) == expected


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (b"WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n", "text/vtt", "starts with the line WEBVTT"),
        (b"\n\nWEBVTT\n\n00:01.000 --> 00:02.000\nHi\n", "text/vtt", "starts with the line WEBVTT"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", "text/vtt", "SubRip (.srt)"),
        (
            vtt("00:00:01,000 --> 00:00:02,000\nHi"),
            "text/vtt",
            "Line 3: \u201c00:00:01,000 --> 00:00:02,000\u201d is not a cue time",
        ),
        (vtt("00:01.0 --> 00:02.000\nHi"), "text/vtt", "is not a cue time"),
        (vtt("00:61.000 --> 01:02.000\nHi"), "text/vtt", "is not a cue time"),
        (vtt("1:00:01.000 --> 1:00:02.000\nHi"), "text/vtt", "is not a cue time"),
        (
            vtt("00:05.000 --> 00:02.000\nHi"),
            "text/vtt",
            "Line 3: the cue ends (00:02.000) before it starts (00:05.000)",
        ),
        (vtt("00:05.000 --> 00:05.000\nHi"), "text/vtt", "ends (00:05.000) before it starts"),
        (
            vtt("00:05.000 --> 00:06.000\nB", "00:01.000 --> 00:02.000\nA"),
            "text/vtt",
            "Line 6: cues must be in time order",
        ),
        (vtt("NOTE nothing here"), "text/vtt", "has no captions"),
        (b"WEBVTT\n", "text/vtt", "has no captions"),
        (vtt("just words", "more words"), "text/vtt", "is neither a cue time nor a NOTE"),
        (
            vtt("00:01.000 --> 00:02.000\nHi\n00:02.000 --> 00:03.000\nThere"),
            "text/vtt",
            "leave a blank line between",
        ),
        (b"WEBVTT\n00:01.000 --> 00:02.000\nHi\n", "text/vtt", "cannot start inside the header"),
        (
            vtt("00:01.000 --> 00:02.000 colour:red\nHi"),
            "text/vtt",
            "\u201ccolour:red\u201d is not a WebVTT cue setting",
        ),
        (
            vtt("00:01.000 --> 00:02.000 align:middle\nHi"),
            "text/vtt",
            "is not a WebVTT cue setting",
        ),
        (
            vtt("00:01.000 --> 00:02.000\n<script>alert(1)</script>"),
            "text/vtt",
            "<script> is not a WebVTT tag",
        ),
        (
            vtt("00:01.000 --> 00:02.000\n<img src=x onerror=alert(1)>"),
            "text/vtt",
            "is not a WebVTT tag",
        ),
        (
            vtt("00:01.000 --> 00:02.000\n<b onclick=alert(1)>Hi</b>"),
            "text/vtt",
            "is not a WebVTT tag",
        ),
        (
            vtt("00:01.000 --> 00:02.000\n<a href='https://evil.example'>Hi</a>"),
            "text/vtt",
            "is not a WebVTT tag",
        ),
        (vtt("00:01.000 --> 00:02.000\n1 < 2"), "text/vtt", "a < that opens no tag"),
        (vtt("00:01.000 --> 00:02.000\nToo <00:05.000>late"), "text/vtt", "outside its cue's time"),
        (
            vtt(
                "STYLE\n::cue { background: url(https://evil.example/x.png) }",
                "00:01.000 --> 00:02.000\nHi",
            ),
            "text/vtt",
            "STYLE blocks are not accepted",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "text/vtt", "not UTF-8 text"),
        (tiny_mp4()[:4000], "text/vtt", "not UTF-8 text"),  # the start of a real video
        (b"WEBVTT\n\x01\x02\x03\x1b[31m", "text/vtt", "holds binary data"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\x00there\n", "text/vtt", "holds binary data"),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nK\u00f6r!\n".encode("latin-1"),
            "text/vtt",
            "not UTF-8 text",
        ),
        (
            vtt("00:01.000 --> 00:02.000\n" + "a" * 1001),
            "text/vtt",
            "Line 4 is longer than 1,000 characters",
        ),
        (b"WEBVTT " + b"a" * 2000 + b"\n", "text/vtt", "Line 1 is longer than 1,000 characters"),
        (vtt("00:01.000 --> 00:02.000\nHi"), "image/png", "sent as image/png"),
        (vtt("00:01.000 --> 00:02.000\nHi"), "text/html; charset=utf-8", "sent as text/html"),
        (vtt("00:01.000 --> 00:02.000\n" + "Hi\n" * 1500), "text/vtt", "larger than 4 KB"),
    ],
)
def test_webvtt_that_is_refused_says_why(data: bytes, content_type: str, message: str) -> None:
    with pytest.raises(CaptionsRejected) as refused:
        check(data, content_type)
    assert message in str(refused.value)


@pytest.mark.parametrize("content_type", ["text/vtt", "text/plain", "application/octet-stream", ""])
def test_how_browsers_label_a_vtt_file_is_accepted(content_type: str) -> None:
    assert len(check(vtt("00:01.000 --> 00:02.000\nHi"), content_type)) == 1


def test_the_stored_text_has_plain_line_endings_and_no_byte_order_mark() -> None:
    text, _ = check_webvtt(
        b"\xef\xbb\xbfWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nHi\r\n\r\n", "", 999
    )
    assert text == "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"


@pytest.mark.parametrize(
    ("typed", "tag", "label"),
    [
        ("en", "en", "English"),
        ("EN-gb", "en-GB", "English (en-GB)"),
        ("sv", "sv", "Svenska"),
        ("zh-hant-TW", "zh-Hant-TW", "zh-Hant-TW"),
        ("es-419", "es-419", "Espa\u00f1ol (es-419)"),
        ("de-CH-1996", "de-CH-1996", "Deutsch (de-CH-1996)"),
        ("english", None, None),
        ("e", None, None),
        ("en_GB", None, None),
        ('en" onload="x', None, None),
        ("en-" + "a" * 40, None, None),
    ],
)
def test_language_tags(typed: str, tag: str | None, label: str | None) -> None:
    assert language_tag(typed) == tag
    if tag is not None:
        assert language_label(tag) == label


# --- through the drill editor -----------------------------------------------------------------


@pytest.fixture
def studio_site() -> dict[str, object]:
    """An empty site with a small captions limit."""
    return {"CAPTIONS_MAX_BYTES": CAPTIONS_LIMIT}


def captions_upload(data: bytes, content_type: str = "text/vtt") -> tuple[io.BytesIO, str, str]:
    """A captions file field value with the content type a browser would send."""
    return io.BytesIO(data), "captions.vtt", content_type


def with_video(**overrides: object) -> dict[str, object]:
    """A drill form carrying a real MP4 upload (and whatever else is given)."""
    return drill_form(video_url="", video_file=upload(tiny_mp4(), "clip.mp4"), **overrides)


def stored(tmp_path: Path) -> list[str]:
    """The names in the upload folder, sorted by suffix."""
    return sorted(path.suffix for path in (tmp_path / "uploads").glob("*"))


def drill_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Drill))


def test_video_and_captions_are_saved_together_and_the_page_plays_them(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    response = coach.post(
        "/studio/drills/new",
        data=with_video(captions=captions_upload(GOOD_VTT.encode()), captions_lang="SV"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and publish_videos(app) == 1
    drill = the_drill(app)
    assert drill.captions_file.endswith(".vtt") and drill.captions_lang == "sv"
    assert stored(tmp_path) == [".jpg", ".mp4", ".vtt"]  # the video, its poster frame, captions

    page = coach.get("/drills/seated-jefferson-curl").get_data(as_text=True)
    video = re.search(r"<video[^>]*>.*?</video>", page, re.S).group(0)
    track = re.search(r"<track [^>]*>", video).group(0)
    assert 'kind="captions"' in track and 'srclang="sv"' in track
    assert 'label="Svenska"' in track and " default" in track
    src = re.search(r'src="([^"]+)"', track).group(1)
    assert src.startswith("/drills/seated-jefferson-curl/captions?v=")
    with coach.get(src) as served:
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "text/vtt; charset=utf-8"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.get_data(as_text=True) == GOOD_VTT


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (b"WEBVTX\n\n00:01.000 --> 00:02.000\nHi\n", "text/vtt", "starts with the line WEBVTT"),
        (vtt("00:01 --> 00:02\nHi"), "text/vtt", "is not a cue time"),
        (vtt("00:05.000 --> 00:02.000\nHi"), "text/vtt", "ends (00:02.000) before it starts"),
        (vtt("00:01.000 --> 00:02.000\n" + "Hi\n" * 1500), "text/vtt", "larger than 4 KB"),
        (bytes(range(256)) * 4, "text/vtt", "not UTF-8 text"),
        (
            vtt("00:01.000 --> 00:02.000\nHi"),
            "application/x-subrip",
            "sent as application/x-subrip",
        ),
        (vtt("00:01.000 --> 00:02.000\n" + "x" * 3000), "text/vtt", "longer than 1,000 characters"),
        (vtt("00:01.000 --> 00:02.000\n<script>alert(1)</script>"), "text/vtt", "not a WebVTT tag"),
    ],
)
def test_bad_captions_with_a_new_video_store_neither(
    app: Flask, coach: FlaskClient, tmp_path: Path, data: bytes, content_type: str, message: str
) -> None:
    response = coach.post(
        "/studio/drills/new",
        data=with_video(captions=captions_upload(data, content_type)),
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="field-error" id="captions-error">([^<]*)</p>', html)
    assert error is not None and message in error.group(1).replace("&lt;", "<")
    assert 'aria-describedby="captions-hint captions-error"' in html
    assert drill_count(app) == 0 and stored(tmp_path) == []


def test_bad_captions_leave_an_existing_drill_as_it_was(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    coach.post(
        "/studio/drills/new",
        data=with_video(captions=captions_upload(GOOD_VTT.encode())),
        content_type="multipart/form-data",
    )
    before = the_drill(app)
    files_before = sorted(path.name for path in (tmp_path / "uploads").iterdir())
    response = coach.post(
        f"/studio/drills/{before.id}/edit",
        data=with_video(
            name="Renamed",
            captions=captions_upload(vtt("00:03.000 --> 00:01.000\nHi")),
            captions_lang="de",
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    after = the_drill(app)
    assert (after.name, after.video_file, after.captions_file, after.captions_lang) == (
        before.name,
        before.video_file,
        before.captions_file,
        "en",
    )
    assert sorted(path.name for path in (tmp_path / "uploads").iterdir()) == files_before


def test_captions_need_an_uploaded_video(app: Flask, coach: FlaskClient, tmp_path: Path) -> None:
    response = coach.post(
        "/studio/drills/new",
        data=drill_form(captions=captions_upload(GOOD_VTT.encode())),  # a YouTube link only
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Captions go with an uploaded video" in response.get_data(as_text=True)
    assert drill_count(app) == 0 and stored(tmp_path) == []


def test_a_bad_language_tag_is_refused_beside_its_field(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    response = coach.post(
        "/studio/drills/new",
        data=with_video(captions=captions_upload(GOOD_VTT.encode()), captions_lang="English"),
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = '<p class="field-error" id="captions_lang-error">Use the two letters of a language'
    assert error in html
    assert drill_count(app) == 0 and stored(tmp_path) == []


def test_the_coach_replaces_then_removes_captions(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    coach.post(
        "/studio/drills/new",
        data=with_video(captions=captions_upload(GOOD_VTT.encode())),
        content_type="multipart/form-data",
    )
    assert publish_videos(app) == 1
    drill = the_drill(app)
    editor = coach.get(f"/studio/drills/{drill.id}/edit").get_data(as_text=True)
    assert "Captions in English play with the uploaded video" in editor
    assert 'id="remove_captions"' in editor and 'value="en"' in editor

    replacement = vtt("00:00.200 --> 00:02.000\nHallo")
    response = coach.post(
        f"/studio/drills/{drill.id}/edit",
        data=drill_form(video_url="", captions=captions_upload(replacement), captions_lang="de"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    replaced = the_drill(app)
    assert replaced.video_file == drill.video_file  # the video stays
    assert replaced.captions_file != drill.captions_file and replaced.captions_lang == "de"
    assert not (tmp_path / "uploads" / drill.captions_file).exists()
    page = coach.get("/drills/seated-jefferson-curl").get_data(as_text=True)
    assert 'srclang="de" label="Deutsch"' in page
    with coach.get("/drills/seated-jefferson-curl/captions") as served:
        assert served.data == replacement

    response = coach.post(
        f"/studio/drills/{drill.id}/edit",
        data=drill_form(video_url="", remove_captions="y"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert the_drill(app).captions_file == "" and stored(tmp_path) == [".jpg", ".mp4"]
    assert "<track" not in coach.get("/drills/seated-jefferson-curl").get_data(as_text=True)
    assert coach.get("/drills/seated-jefferson-curl/captions").status_code == 404


def test_removing_the_video_removes_its_captions(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    coach.post(
        "/studio/drills/new",
        data=with_video(captions=captions_upload(GOOD_VTT.encode())),
        content_type="multipart/form-data",
    )
    drill = the_drill(app)
    response = coach.post(
        f"/studio/drills/{drill.id}/edit", data=drill_form(video_url="", remove_video="y")
    )
    assert response.status_code == 302
    assert (the_drill(app).video_file, the_drill(app).captions_file) == ("", "")
    assert stored(tmp_path) == []


def test_deleting_a_drill_deletes_its_captions(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    coach.post(
        "/studio/drills/new",
        data=with_video(captions=captions_upload(GOOD_VTT.encode())),
        content_type="multipart/form-data",
    )
    assert coach.post(f"/studio/drills/{the_drill(app).id}/delete").status_code == 302
    assert stored(tmp_path) == []


# --- the poster -------------------------------------------------------------------------------


def image_bytes(kind: str, size: tuple[int, int] = (64, 36)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_a_png_jpeg_or_webp_poster_is_used_by_the_video(
    app: Flask, coach: FlaskClient, kind: str
) -> None:
    response = coach.post(
        "/studio/drills/new",
        data=with_video(poster=upload(image_bytes(kind), "poster")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and publish_videos(app) == 1
    page = coach.get("/drills/seated-jefferson-curl").get_data(as_text=True)
    poster = re.search(r'<video [^>]*poster="([^"]+)"', page).group(1)
    assert poster.startswith("/drills/seated-jefferson-curl/poster?v=")
    with coach.get(poster) as served, Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "JPEG"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (image_bytes("GIF"), "Upload the poster as a PNG, JPEG or WebP image."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload the poster as a PNG, JPEG or WebP"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "Upload the poster as a PNG, JPEG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not an image we can read"),
        (png_bytes(400, 400), "larger than"),
    ],
)
def test_a_poster_that_is_not_a_small_png_jpeg_or_webp_is_refused(
    app: Flask,
    coach: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    message: str,
) -> None:
    monkeypatch.setattr(uploads, "IMAGE_MAX_BYTES", 1024)  # the 400x400 PNG is a few KB
    response = coach.post(
        "/studio/drills/new",
        data=with_video(poster=upload(data, "poster.png")),
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="field-error" id="poster-error">([^<]*)</p>', html)
    assert error is not None and message in error.group(1)
    assert drill_count(app) == 0 and stored(tmp_path) == []


def test_without_a_poster_the_demonstration_plays_until_the_video_shows_its_own_frame(
    app: Flask, coach: FlaskClient
) -> None:
    response = coach.post(
        "/studio/drills/new", data=with_video(motion=MOTION), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    page = coach.get("/drills/seated-jefferson-curl").get_data(as_text=True)
    assert "<video" not in page and "data-demo" in page  # the video is not converted yet
    assert publish_videos(app) == 1
    page = coach.get("/drills/seated-jefferson-curl").get_data(as_text=True)
    poster = re.search(r'<video [^>]*poster="([^"]+)"', page).group(1)
    assert poster.startswith("/drills/seated-jefferson-curl/video-poster?v=")
    with coach.get(poster) as served, Image.open(io.BytesIO(served.data)) as image:
        assert (image.format, image.size) == ("JPEG", (64, 48))  # a frame of the clip
