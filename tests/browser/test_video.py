"""The coach uploads the HEVC .mov her phone recorded; the studio shows the upload's progress
and then the conversion; Chromium plays the published H.264 clip on the drill page, upright,
silent and looping, and a reader who asks for reduced motion gets it standing still."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness import LiveServer
from harness.browser import log_in_to_studio
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach
from harness.phone_clips import PHONE_TAGS, phone_clip
from harness.studio import publish_videos

pytestmark = pytest.mark.browser


def test_a_phone_video_uploads_with_progress_converts_and_plays(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    app = live_server.app
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    # Upright on an iPhone: 1920x1080 pictures that the display matrix turns to 1080x1920.
    clip = phone_clip(
        tmp_path / "IMG_0042.MOV",
        seconds=1.5,
        width=1920,
        height=1080,
        rotation=90,
        tags=PHONE_TAGS,
    )
    create_coach(app)
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    page.goto(live_server.url + "/studio/drills")
    page.get_by_role("link", name="Cat-cow").click()

    # A slow uplink, so the progress bar is seen moving.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 60_000},
    )
    page.get_by_label("Or upload a video from your phone").set_input_files(clip)
    page.get_by_role("button", name="Save", exact=True).click()
    progress = page.locator("progress#upload-progress")
    expect(progress).to_be_visible()
    page.wait_for_function("() => document.querySelector('#upload-progress')?.value > 0")
    expect(page.locator(".flash")).to_contain_text("Saved \u201cCat-cow\u201d", timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    state = page.locator("#video-state")
    expect(state).to_contain_text("waiting to be converted")

    # `flask process-videos` does its work; the editor, asking every few seconds, says so.
    assert publish_videos(app) == 1
    expect(state).to_contain_text("converted and playing on", timeout=15_000)

    page.goto(live_server.url + "/drills/cat-cow")
    video = page.locator("video.video-frame")
    expect(video).to_have_attribute("poster", re.compile(r"^/drills/cat-cow/video-poster\?v="))
    page.wait_for_function(
        "() => { const v = document.querySelector('video.video-frame');"
        " return v.currentTime > 0.2 && !v.paused; }"
    )
    played = page.evaluate(
        "() => { const v = document.querySelector('video.video-frame');"
        " return {error: v.error, width: v.videoWidth, height: v.videoHeight,"
        " muted: v.muted, loop: v.loop}; }"
    )
    assert played == {"error": None, "width": 720, "height": 1280, "muted": True, "loop": True}

    # Reduced motion: the clip never starts by itself.
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    page.wait_for_function("() => document.querySelector('video.video-frame').readyState >= 1")
    page.wait_for_timeout(800)
    assert page.evaluate(
        "() => { const v = document.querySelector('video.video-frame');"
        " return v.paused && v.currentTime === 0; }"
    )
