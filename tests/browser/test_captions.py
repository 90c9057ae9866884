"""The coach uploads a video with WebVTT captions; on the drill page Chromium plays the video
and shows the captions at their times, from the site alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness import LiveServer
from harness.browser import axe_report, log_in_to_studio, other_host_requests, record_csp_violations
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach
from harness.media import tiny_mp4
from harness.studio import publish_videos

pytestmark = pytest.mark.browser

CAPTIONS = (
    "WEBVTT\n\n"
    "00:00.300 --> 00:01.400\n<v Maya>Arms long, ribs down.</v>\n\n"
    "00:01.600 --> 00:02.800\nRound back up, <i>one bone at a time</i>.\n"
)
BACKWARDS = "WEBVTT\n\n00:02.000 --> 00:01.000\nToo soon\n"


def choose_files(page: Page, captions: str) -> None:
    """Pick the video and captions files in the drill editor, as the coach would."""
    page.get_by_label("Or upload a video from your phone").set_input_files(
        files={"name": "cat-cow.mp4", "mimeType": "video/mp4", "buffer": tiny_mp4()}
    )
    page.get_by_label("Captions for the uploaded video (WebVTT)").set_input_files(
        files={"name": "cat-cow.vtt", "mimeType": "text/vtt", "buffer": captions.encode()}
    )


def test_an_uploaded_video_plays_its_captions(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    live_server.app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    seeded = set((tmp_path / "uploads").glob("*"))  # the demo coach's portrait
    create_coach(live_server.app)
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    page.goto(live_server.url + "/studio/drills")
    page.get_by_role("link", name="Cat-cow").click()

    # A captions file whose cue ends before it starts: refused beside its field, nothing kept.
    choose_files(page, BACKWARDS)
    page.get_by_role("button", name="Save", exact=True).click()
    captions_field = page.get_by_label("Captions for the uploaded video (WebVTT)")
    expect(captions_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#captions-error")).to_have_text(
        "Line 3: the cue ends (00:01.000) before it starts (00:02.000)."
    )
    assert set((tmp_path / "uploads").glob("*")) == seeded

    choose_files(page, CAPTIONS)
    page.get_by_label("Language of the captions").fill("en-GB")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Saved \u201cCat-cow\u201d")
    expect(
        page.get_by_text("Captions in English (en-GB) play with the uploaded video")
    ).to_be_visible()
    assert publish_videos(live_server.app) == 1  # `flask process-videos` converts the upload

    violations = record_csp_violations(page)
    elsewhere = other_host_requests(page, live_server.url)
    page.goto(live_server.url + "/drills/cat-cow")
    video = page.locator("video.video-frame")
    expect(video).to_have_attribute("poster", re.compile(r"^/drills/cat-cow/video-poster\?v="))
    track = video.locator("track")
    expect(track).to_have_attribute("kind", "captions")
    expect(track).to_have_attribute("srclang", "en-GB")
    expect(track).to_have_attribute("label", "English (en-GB)")
    served = page.request.get(live_server.url + track.get_attribute("src"))
    assert served.headers["content-type"] == "text/vtt; charset=utf-8"

    # The captions load (the default track shows), and the video really plays.
    page.wait_for_function(
        "() => { const t = document.querySelector('video').textTracks[0];"
        " return t.mode === 'showing' && t.cues && t.cues.length === 2; }"
    )
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }"
    )
    page.wait_for_function(
        "() => { const v = document.querySelector('video');"
        " const active = v.textTracks[0].activeCues;"
        " return v.currentTime > 0.3 && active.length === 1"
        " && active[0].text === '<v Maya>Arms long, ribs down.</v>'; }"
    )
    page.evaluate("() => document.querySelector('video').pause()")

    # Seek to the second cue's time: that cue is the one showing, as a viewer reads it.
    page.evaluate("() => { document.querySelector('video').currentTime = 2.0; }")
    page.wait_for_function(
        "() => { const active = document.querySelector('video').textTracks[0].activeCues;"
        " return active.length === 1 && active[0].getCueAsHTML().textContent"
        " === 'Round back up, one bone at a time.'; }"
    )
    state = page.evaluate(
        "() => { const v = document.querySelector('video');"
        " return {error: v.error, width: v.videoWidth, duration: v.duration}; }"
    )
    assert state == {"error": None, "width": 64, "duration": 3}
    # Hidden by the viewer, the track keeps its cues but shows none.
    page.evaluate("() => { document.querySelector('video').textTracks[0].mode = 'hidden'; }")
    assert page.evaluate("() => document.querySelector('video').textTracks[0].cues.length") == 2
    assert axe_report(page) == ""
    assert violations == []
    assert elsewhere == []
