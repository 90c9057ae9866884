"""A client's program in a real Chromium: sign up, sign in from the emailed link, log sessions,
see the first load step and a step back, report a red flag, and the coach's list shows them.
axe-core audits every page and swap on the way; the morning answers and the red flag are given
with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from harness import LiveServer, SmtpServer
from harness.browser import AxeAudit, fill_signup_form, log_in_to_studio, record_csp_violations
from harness.coach import COACH_EMAIL, COACH_PASSWORD, create_coach
from harness.me import CLIENT_EMAIL, CURL, START, add_signup, session_count, sign_in_link

pytestmark = pytest.mark.browser


@pytest.fixture
def at_start(live_server: LiveServer) -> Iterator[None]:
    """The app's clock at a fixed Monday morning (the live server is already running)."""
    with time_machine.travel(START, tick=True):
        yield


def tab_to(page: Page, target: Locator, limit: int = 120) -> None:
    """Press Tab until `target` has the focus (fails if the keyboard cannot reach it)."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def curl_row(page: Page) -> Locator:
    return page.locator("tr", has=page.get_by_role("rowheader", name=CURL))


def answer_the_morning_by_keyboard(page: Page, audit: AxeAudit) -> None:
    """The next visit first asks about the morning after: answered without a mouse."""
    expect(page.get_by_role("heading", name=re.compile("The morning after"))).to_be_visible()
    audit.check("the next-morning question")
    pain = page.get_by_label("Back pain the next morning (0 none, 10 worst)")
    tab_to(page, pain)
    page.keyboard.type("1")
    tab_to(page, page.get_by_role("radio", name="As before the session, or better"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Save the morning"))
    page.keyboard.press("Enter")
    expect(page.locator("#morning").get_by_role("status")).to_contain_text("Noted")
    audit.check("the morning answered (htmx swap)")


def log_curl(page: Page, base: str, audit: AxeAudit, pain: int, load: str = "") -> None:
    """Log a session of the Jefferson curl only (the other drills left at 0 sets)."""
    page.goto(base + "/me/log")
    form = page.locator("#log form")
    for sets in form.locator("input[name^=sets-]").all():
        sets.fill("0")
    entry = page.locator("fieldset", has_text=CURL)
    entry.get_by_label("Sets done").fill("3")
    entry.get_by_label("Reps in each set").fill("8")
    entry.get_by_label("Load in kg (empty for bodyweight)").fill(load)
    entry.get_by_label("Pain during (0 none, 10 worst)").fill(str(pain))
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("heading", name="Session logged")).to_be_visible()
    audit.check(f"a session logged (pain {pain})")


def test_a_client_follows_their_plan_and_the_coach_is_in_the_loop(
    page: Page,
    live_server: LiveServer,
    live_app: Flask,
    browser_smtp: SmtpServer,
    at_start: None,
) -> None:
    audit = AxeAudit(page)
    csp_violations = record_csp_violations(page)  # the charts draw with no style attribute
    base = live_server.url

    # Sign up to a program, then ask for a sign-in link at /me/.
    page.goto(base + "/programs/back-basics-group-course")
    fill_signup_form(page, CLIENT_EMAIL)
    page.get_by_role("checkbox").check()
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status")).to_contain_text("Your signup has arrived")

    page.goto(base + "/me/")
    audit.check("the sign-in form")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("#email-error")).to_be_visible()
    audit.check("a refused address")
    page.get_by_label("Email address").fill(CLIENT_EMAIL)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("status")).to_contain_text("a sign-in link is on its way")

    mail = next(
        m
        for m in _wait_for_subject(browser_smtp, CLIENT_EMAIL, "Your sign-in link")
        if "sign-in link" in m.message["Subject"]
    )
    body = mail.message.get_body(("plain",)).get_content()
    link = re.search(re.escape(base) + r"/me/sign-in/\S+", body).group(0)
    page.goto(link)
    audit.check("the sign-in button")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Robin Carter")  # as signed up
    expect(page.locator(".signed-in-as")).to_contain_text(CLIENT_EMAIL)
    expect(curl_row(page)).to_contain_text("Start at the plan")
    audit.check("my page, before any log")
    page.goto(link)  # a used link explains itself
    expect(page.get_by_role("alert")).to_contain_text("used already")
    audit.check("a used sign-in link")

    # Consent, then three sessions at bodyweight, pain 2, each morning settled.
    page.goto(base + "/me/log")
    expect(page).to_have_url(base + "/me/consent")
    audit.check("the consent page")
    page.get_by_label(re.compile("I agree that my pain scores")).check()
    page.get_by_role("button", name="Agree and continue").click()
    entry = page.locator("fieldset", has_text=CURL)
    entry.get_by_label("Pain during (0 none, 10 worst)").fill("11")
    page.get_by_role("button", name="Save the session").click()
    expect(entry.locator(".field-error")).to_contain_text("from 0 to 10")
    expect(page.locator('#log [aria-invalid="true"]').first).to_be_focused()  # the first refused
    audit.check("a refused session (htmx swap)")
    log_curl(page, base, audit, pain=2)
    for day in (2, 4):
        with time_machine.travel(START + timedelta(days=day), tick=True):
            page.goto(base + "/me/log")
            answer_the_morning_by_keyboard(page, audit)
            log_curl(page, base, audit, pain=2)
    with time_machine.travel(START + timedelta(days=5), tick=True):
        page.goto(base + "/me/")
        answer_the_morning_by_keyboard(page, audit)
        page.reload()
        expect(curl_row(page)).to_contain_text("2.5 kg")
        expect(curl_row(page)).to_contain_text(
            "last two sessions 3x8 at bodyweight, pain 2/10 at most, settled, so try 2.5 kg"
        )
        audit.check("my page suggesting the first load step")

    # Pain 7 at the new load: it steps back.
    with time_machine.travel(START + timedelta(days=6), tick=True):
        log_curl(page, base, audit, pain=7, load="2.5")
        expect(curl_row(page)).to_contain_text("pain 7/10, so back to bodyweight")

    # A red flag: stop, see a clinician, no suggestion, the coach emailed and listing them.
    with time_machine.travel(START + timedelta(days=8), tick=True):
        page.goto(base + "/me/log")
        answer_the_morning_by_keyboard(page, audit)
        page.goto(base + "/me/log")
        flag = page.get_by_role("checkbox", name=re.compile("Numbness, tingling or weakness"))
        tab_to(page, flag)
        page.keyboard.press("Space")
        tab_to(page, page.get_by_role("button", name="Save the session"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Please stop here")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("clinician")
        audit.check("the red-flag stop")
        page.goto(base + "/me/")
        expect(curl_row(page)).to_contain_text("No suggestion")
        audit.check("my page with a red flag")
        page.goto(base + "/me/progress")
        expect(page.locator("svg.chart-svg").first).to_be_visible()
        audit.check("my progress charts")
        page.goto(base + "/me/data")
        audit.check("my data")

        coach_mail = _wait_for_subject(browser_smtp, "coach@example.com", "Red flag")
        assert any(CLIENT_EMAIL in m.message["Subject"] for m in coach_mail)

        create_coach(live_app)
        log_in_to_studio(page, base, COACH_EMAIL, COACH_PASSWORD)
        page.goto(base + "/studio/clients")
        need = page.locator("#needs-a-look")
        expect(need.get_by_role("row", name=re.compile(CLIENT_EMAIL))).to_contain_text(
            "Red flag reported"
        )
        audit.check("the coach's clients list")
        need.get_by_role("link", name=CLIENT_EMAIL).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(CLIENT_EMAIL)
        audit.check("the coach's view of the client")
        page.get_by_role("link", name=re.compile("^Edit ")).click()
        audit.check("the plan editor")
        page.goto(base + "/studio/progression-rule")
        audit.check("the progression rule")
    audit.assert_clean()
    assert csp_violations == []


def _wait_for_subject(server: SmtpServer, to: str, subject: str, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    """The messages to `to` once one whose subject contains `subject` has arrived."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in server.recorder.to(to) if subject in m.message["Subject"]]
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no email to {to} about {subject!r}")


def test_without_javascript_a_session_is_refused_then_logged(
    page_without_js: Page, live_server: LiveServer, live_app: Flask, at_start: None
) -> None:
    page = page_without_js
    base = live_server.url
    add_signup(live_app)
    page.goto(base + "/me/")
    page.get_by_label("Email address").fill(CLIENT_EMAIL)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.goto(base + sign_in_link(live_app))
    page.get_by_role("button", name="Sign in").click()
    page.goto(base + "/me/log")
    page.get_by_label(re.compile("I agree that my pain scores")).check()
    page.get_by_role("button", name="Agree and continue").click()
    for sets in page.locator("#log input[name^=sets-]").all():
        sets.fill("0")
    entry = page.locator("fieldset", has_text=CURL)
    entry.get_by_label("Sets done").fill("3")
    entry.get_by_label("Load in kg (empty for bodyweight)").fill("-4")
    entry.get_by_label("Pain during (0 none, 10 worst)").fill("2")
    page.get_by_role("button", name="Save the session").click()
    expect(entry.locator(".field-error")).to_contain_text("cannot be negative")
    assert session_count(live_app) == 0
    page.locator("fieldset", has_text=CURL).get_by_label("Load in kg (empty for bodyweight)").fill(
        ""
    )
    page.get_by_role("button", name="Save the session").click()
    expect(page).to_have_url(base + "/me/")
    expect(page.get_by_role("status")).to_contain_text("Session logged")
    assert session_count(live_app) == 1
