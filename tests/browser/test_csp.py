"""The Content-Security-Policy, proved in a real Chromium: it blocks what it must, and the site
itself never trips it, on pages or after htmx swaps."""

from __future__ import annotations

import re

import pytest
from flask import Flask, Response
from playwright.sync_api import Page, Route, expect
from playwright.sync_api import Response as BrowserResponse
from sqlalchemy import select

from blueprints.drills.models import Drill
from blueprints.shared.extensions import db
from harness import LiveServer
from harness.browser import log_in_to_studio, record_csp_violations, wait_for_htmx_to_settle
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach

pytestmark = pytest.mark.browser

ARTICLE_PATH = "/blog/lying-still-wont-settle-your-back"
PROGRAM_PATH = "/programs/back-basics-group-course"

PROBE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CSP probe</title>
<script src="/csp-probe.js"></script></head>
<body><main>
<p id="styled" style="color: rgb(200, 0, 0)">Inline style</p>
<script>window.inlineScriptRan = true;</script>
<button id="handler" onclick="window.inlineHandlerRan = true">Press</button>
</main></body></html>"""

PROBE_SCRIPT = """window.probeScriptRan = true;
try { window.evalAnswer = eval("1 + 1"); } catch (error) { window.evalRefused = error.name; }
try { window.functionAnswer = new Function("return 2")(); } catch (error) {
  window.functionRefused = error.name;
}
setTimeout(() => eval("window.uncaughtEvalRan = true"));  // uncaught: a page error
setTimeout(() => { window.probeDone = true; });
"""

APPENDED_SCRIPT = "<script>window.partialScriptRan = true;</script>"

# How Chromium reports each block (older releases said "Refused to ..."); eval surfaces as the
# EvalError thrown where nothing catches it.
BLOCKED_IN_CONSOLE = {
    "inline script": r"console: (Refused to execute|Executing) inline script",
    "inline handler": r"console: (Refused to execute|Executing) inline event handler",
    "inline style": r"console: (Refused to apply|Applying) inline style",
    "eval": r"pageerror: (EvalError: )?(Refused to evaluate|Evaluating) a string as JavaScript",
}


def add_probe_routes(app: Flask) -> None:
    """A page with inline script, an inline handler and an inline style, and a same-origin
    script that calls eval: served by the app, so they carry the app's own headers."""
    app.add_url_rule("/csp-probe", "csp_probe", lambda: PROBE_PAGE)
    app.add_url_rule(
        "/csp-probe.js",
        "csp_probe_script",
        lambda: Response(PROBE_SCRIPT, mimetype="text/javascript"),
    )


def directives(policy: str) -> dict[str, list[str]]:
    """A CSP header as {directive: [sources]}."""
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_strict_policy(policy: str | None, what: str) -> None:
    """Scripts and styles from this host only: no inline code, no eval, no framing."""
    assert policy, f"{what} has no Content-Security-Policy"
    parsed = directives(policy)
    assert parsed["script-src"] == ["'self'"], (what, policy)
    assert parsed["style-src"] == ["'self'"], (what, policy)
    assert parsed["frame-ancestors"] == ["'none'"], (what, policy)
    assert "unsafe" not in policy, (what, policy)


def test_the_policy_blocks_inline_script_handlers_styles_and_eval(
    page: Page, live_app: Flask, live_server: LiveServer, console_errors: list[str]
) -> None:
    add_probe_routes(live_app)
    violations = record_csp_violations(page)
    response = page.goto(live_server.url + "/csp-probe")
    assert_strict_policy(response.all_headers().get("content-security-policy"), "the probe")

    page.locator("#handler").click()
    page.wait_for_function("window.probeDone === true")
    assert page.evaluate("window.probeScriptRan") is True  # scripts from this host run...
    assert page.evaluate("window.inlineScriptRan") is None  # ...inline ones do not
    assert page.evaluate("window.inlineHandlerRan") is None
    assert page.evaluate("[window.evalRefused, window.functionRefused]") == [
        "EvalError",
        "EvalError",
    ]
    assert page.evaluate("[window.evalAnswer, window.functionAnswer]") == [None, None]
    assert page.evaluate("window.uncaughtEvalRan") is None
    expect(page.locator("#styled")).not_to_have_css("color", "rgb(200, 0, 0)")

    blocked = sorted({violation.split()[0] for violation in violations})
    assert blocked == ["script-src", "script-src-attr", "script-src-elem", "style-src-attr"]
    assert any(re.search(r"blocked eval ", violation) for violation in violations), violations
    for what, pattern in BLOCKED_IN_CONSOLE.items():
        assert any(re.match(pattern, error) for error in console_errors), (what, console_errors)
    console_errors.clear()  # expected here; the fixture fails on any console error left


@pytest.mark.parametrize(
    "path", ["/drills/?direction=rotation", "/blog/search?q=deadlift", "/no-such-page"]
)
def test_htmx_partials_carry_the_policy_that_blocks_inline_script(
    page: Page, live_server: LiveServer, console_errors: list[str], path: str
) -> None:
    """A partial opened on its own is a document too: the server's headers must protect it."""

    def append_inline_script(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, body=answer.text() + APPENDED_SCRIPT)

    violations = record_csp_violations(page)
    page.route(re.compile(re.escape(live_server.url + path)), append_inline_script)
    page.set_extra_http_headers({"HX-Request": "true"})
    response = page.goto(live_server.url + path)

    assert response.headers.get("vary") and "HX-Request" in response.headers["vary"]
    assert page.locator("html > body > header.site-header").count() == 0, "not a partial"
    assert_strict_policy(response.all_headers().get("content-security-policy"), path)
    assert page.evaluate("window.partialScriptRan") is None
    assert [violation.split()[0] for violation in violations] == ["script-src-elem"]
    assert any(re.match(BLOCKED_IN_CONSOLE["inline script"], error) for error in console_errors)
    console_errors.clear()


MAIN_PAGES = [
    "/",
    "/blog/",
    "/blog/tag/back-pain",
    ARTICLE_PATH,
    "/drills/",
    "/drills/prone-press-up",
    "/programs/",
    PROGRAM_PATH,
    "/contact/",
    "/privacy",
    "/no-such-page",
    "/studio/login",
]


def test_the_site_never_trips_its_own_policy_on_pages_or_htmx_swaps(
    page: Page, live_app: Flask, live_server: LiveServer
) -> None:
    """Every main page and every htmx control, with a listener for policy violations."""
    with live_app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == "prone-press-up"))
        drill.video_url = "https://www.youtube-nocookie.com/embed/pressUpDemo"
        db.session.commit()
    create_coach(live_app)
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(content_type="text/html", body="<p>Stand-in player</p>"),
    )
    violations = record_csp_violations(page)
    answers: list[tuple[str, str | None]] = []

    def keep_policy(response: BrowserResponse) -> None:
        if response.url.startswith(live_server.url) and response.request.resource_type in (
            "document",
            "xhr",
            "fetch",
        ):
            policy = response.all_headers().get("content-security-policy")
            answers.append((f"{response.request.method} {response.url}", policy))

    page.on("response", keep_policy)
    for path in MAIN_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == (404 if path == "/no-such-page" else 200), path
        wait_for_htmx_to_settle(page)

    # Drills: a direction, a kit filter, typing a search, then "more".
    page.goto(live_server.url + "/drills/")
    page.get_by_role("checkbox", name=re.compile(r"^Rotation\b")).check()
    expect(page.locator("#drill-count")).to_have_text("4 drills match.")
    page.get_by_role("checkbox", name="No equipment").check()
    expect(page.locator("#drill-count")).to_have_text("3 drills match.")
    # "twist" names the direction: every rotation drill without kit still matches.
    page.get_by_label("Search names, descriptions and steps").press_sequentially("twist", delay=40)
    expect(page.locator("#drill-count")).to_have_text("3 drills match.")
    page.goto(live_server.url + "/drills/")
    page.get_by_role("link", name="More drills").click()
    expect(page.locator(".drill-card")).to_have_count(16)

    # Articles: search as you type, the video facade, a refused comment.
    page.goto(live_server.url + "/blog/")
    page.get_by_label("Search the articles").press_sequentially("deadlif", delay=40)
    expect(page.locator("#listing").get_by_role("status")).to_contain_text("articles mention")
    page.goto(live_server.url + ARTICLE_PATH)
    page.get_by_role("link", name=re.compile("Play video: Prone press-up")).click()
    expect(
        page.frame_locator("aside.drill-embed iframe").get_by_text("Stand-in player")
    ).to_be_visible()
    page.locator("#comment-form").get_by_role("button", name="Send comment").click()
    expect(page.locator("#comment-name-error")).to_be_visible()

    # Contact: the consultation times appear, the zone changes, a refused booking.
    page.goto(live_server.url + "/contact/")
    page.get_by_label("What is it about?").select_option("consultation")
    expect(page.locator("input[name=slot]").first).to_be_visible()
    wait_for_htmx_to_settle(page)
    page.get_by_label("Show times in").select_option("Asia/Tokyo")
    expect(page.locator(".zone-note")).to_contain_text("Asia/Tokyo")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#slot-error")).to_be_visible()

    # Programs: a refused signup.
    page.goto(live_server.url + PROGRAM_PATH)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#consent-error")).to_be_visible()

    # Studio: the live preview of an article with a drill card.
    log_in_to_studio(page, live_server.url, COACH_EMAIL, COACH_PASSWORD)
    page.goto(live_server.url + "/studio/articles/new")
    page.get_by_label("Article", exact=True).fill("Gently.\n\n[[drill:prone-press-up]]")
    expect(page.locator("#article-preview .drill-embed")).to_be_visible()
    wait_for_htmx_to_settle(page)

    assert violations == []
    htmx_answers = [what for what, _ in answers if what.startswith("POST") or "?" in what]
    assert len(htmx_answers) >= 8, answers  # the swaps really went through the network
    for what, policy in answers:
        assert_strict_policy(policy, what)
