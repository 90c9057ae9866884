"""What the tests under tests/browser/ share besides their fixtures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from playwright.sync_api import (
    Locator,
    Page,
    expect,
)

EXPECTED_CLIENT_ERROR = re.compile(
    r"Failed to load resource: the server responded with a status of 4\d\d"
)


def wait_for_htmx_to_settle(page: Page) -> None:
    """Wait until no htmx request, swap or settle is under way on the page."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def show_next_week(page: Page) -> None:
    """Follow the booking form's "Next week" and wait until the next week is on the page (its
    times replace this week's: a time picked before that would be swapped away)."""
    label = page.locator(".week-label")
    shown = label.inner_text()
    page.get_by_role("link", name="Next week").click()
    expect(label).not_to_have_text(shown)


def log_in_to_studio(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in through the studio's login form, as the coach does."""
    page.goto(base_url + "/studio/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/studio/(?!login)"))


CSP_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "(inline)";
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.reportCspViolation(`${event.effectiveDirective} blocked ${blocked} at ${where}`);
});
"""


def record_csp_violations(page: Page) -> list[str]:
    """Every `securitypolicyviolation` event on the page from now on, across navigations."""
    violations: list[str] = []
    page.expose_function("reportCspViolation", lambda report: violations.append(report))
    page.add_init_script(CSP_VIOLATION_LISTENER)
    return violations


T = TypeVar("T")


def check_each(items: Iterable[T], check: Callable[[T], None]) -> None:
    """Run `check` on every item, then fail once naming each item whose check failed and why.

    For a walk over pages (or drills) on one site: a site per page costs more than the page,
    and the walk still reports every page that fails, not only the first.
    """
    failures = []
    for item in items:
        try:
            check(item)
        except AssertionError as failure:
            failures.append(f"{item}: {failure}")
    assert failures == [], "\n".join(failures)


def axe_report(page: Page) -> str:
    """axe-core's findings on the whole page as it is now, once htmx has settled ('' if none).

    axe-core (550 KB of script, about 0.2 s to evaluate) is sent to a document only once, so a
    check after an htmx swap costs only the audit; only the violations come back.
    """
    wait_for_htmx_to_settle(page)
    if not page.evaluate("() => typeof window.axe?.run === 'function'"):
        page.evaluate(AXE_SCRIPT)
    violations = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
    )
    return AxeResults({"violations": violations}).generate_report() if violations else ""


class AxeAudit:
    """Runs axe-core on the whole page at named moments and gathers what it finds."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.reports: list[str] = []

    def check(self, moment: str) -> None:
        """Audit the page as it is now, once htmx has finished swapping."""
        if report := axe_report(self.page):
            self.reports.append(f"--- {moment} ---\n{report}")

    def assert_clean(self) -> None:
        """Fail with every report gathered, so one run shows all there is to fix."""
        assert self.reports == [], "\n".join(self.reports)


FOCUS_REPORT = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const rect = el.getBoundingClientRect();
  return {
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? `[${el.name}]` : "")
      + " " + (el.innerText || el.value || "").trim().slice(0, 40),
    ring: outline || style.boxShadow !== "none",
    seen: rect.width > 0 && rect.height > 0 && el.checkVisibility(),
  };
}"""


class Keyboard:
    """Moves through the page with Tab alone, checking every stop shows where the focus is."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops: list[str] = []

    def tab(self, key: str = "Tab") -> str:
        """Press Tab (or another key that moves focus); returns what now has the focus."""
        self.page.keyboard.press(key)
        return self.check_focus()

    def check_focus(self) -> str:
        """The focused element, asserting it is on screen and has a visible focus ring."""
        report = self.page.evaluate_handle("document.activeElement").evaluate(FOCUS_REPORT)
        self.stops.append(report["what"])
        assert report["seen"], f"focus went to something not visible: {report['what']}"
        assert report["ring"], f"no visible focus on {report['what']}"
        return report["what"]

    def tab_to(self, selector: str, most: int) -> None:
        """Tab forwards until the element matching `selector` has the focus."""
        for _ in range(most):
            self.tab()
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} not reached in {most} Tabs: {self.stops[-most:]}")

    def expect_focus(self, selector: str) -> None:
        """The focus is on `selector` now."""
        expect(
            self.page.locator(f"{selector}:focus"), f"focus path: {self.stops[-3:]}"
        ).to_have_count(1)


RED_FLAG_QUESTIONS = [
    "Numbness, tingling or weakness in one or both legs",
    "Loss of bladder or bowel control, or numbness around the groin",
    "Weight loss you cannot explain",
    "A recent fall, accident or blow to the back",
]


def fill_intake(page: Page, red_flag: str | None = None) -> None:
    page.get_by_label("What brings you to a consultation?").fill("Sharp pain bending to tie shoes.")
    page.get_by_label("How long has it hurt?").select_option("6_weeks_3_months")
    for question in RED_FLAG_QUESTIONS:
        answer = "Yes" if question == red_flag else "No"
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def wait_like_a_person(page: Page) -> None:
    """The live site discards forms sent within half a second of showing them (spam timer)."""
    page.wait_for_timeout(600)


def other_host_requests(page: Page, origin: str) -> list[str]:
    """Every request the page makes to anywhere but the site itself, from now on."""
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((origin + "/", "data:"))
            else elsewhere.append(request.url)
        ),
    )
    return elsewhere


def fill_signup_form(page: Page, email: str) -> None:
    """Type a complete signup, leaving the consent box for the caller."""
    page.get_by_label("Your name").fill("Robin Carter")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Phone (optional)").fill("07700 900456")
    page.get_by_label("What would you like to be able to do?").fill("Garden all afternoon.")
    page.get_by_label("Your back-pain history").fill("Sciatica two years ago, mostly settled.")


SITE_SEARCH_BOX = "Search articles and drills"


def open_site_search(page: Page) -> Locator:
    """Open the header's search (an icon-sized <summary>) if it is closed; its search box."""
    toggle = page.locator("header details.search-toggle")
    if toggle.get_attribute("open") is None:
        page.locator("header details.search-toggle > summary").click()
    box = page.get_by_role("searchbox", name=SITE_SEARCH_BOX)
    box.wait_for(state="visible")
    return box
