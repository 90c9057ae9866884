"""A public form the server refuses starts its answer with the error summary: on a plain page
(no JavaScript) the title says "Error:" and the summary takes the focus, each problem a link to
its field; in an htmx answer the summary is there to be read and site.js moves the focus to the
first refused field instead (tests/browser/test_a11y.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask

from harness.blog import form_started_token
from harness.coach import coach_client
from harness.forms import enquiry_data
from harness.newsletter import subscribe_data
from harness.programs import signup_form

ARTICLE = "/blog/lying-still-wont-settle-your-back"
PROGRAM = "/programs/back-basics-group-course"


def _comment(site: Flask) -> dict[str, str]:
    stamp = form_started_token(site.test_client(), ARTICLE)
    return {"name": "", "email": "", "body": "", "website": "", "form_started": stamp}


# (what is refused, where it posts, its data, the field linked first, its message)
REFUSALS: list[tuple[str, str, Callable[[Flask], dict[str, str]], str, str]] = [
    ("enquiry", "/contact/", lambda site: enquiry_data(site, email="not an address"), "email",
     "does not look like an email address"),
    ("signup", f"{PROGRAM}/signup", lambda site: signup_form(site, name=""), "name", "name"),
    ("comment", f"{ARTICLE}/comments", _comment, "comment-name", "your name"),
    ("subscription", "/newsletter/subscribe",
     lambda site: subscribe_data(site, "not an address"), "newsletter-email", "email address"),
]  # fmt: skip


def _summary(html: str) -> str:
    found = re.search(
        r'<div class="form-error error-summary" id="error-summary"(.*?)</div>', html, re.S
    )
    assert found, "no error summary"
    return found.group(0)


@pytest.mark.parametrize(
    ("path", "data", "target", "message"),
    [refusal[1:] for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_a_refused_public_form_starts_with_a_summary_that_takes_the_focus(
    site: Flask,
    path: str,
    data: Callable[[Flask], dict[str, str]],
    target: str,
    message: str,
) -> None:
    answer = site.test_client().post(path, data=data(site))
    assert answer.status_code == 422
    html = answer.text
    assert re.search(r"<title>Error: ", html)
    summary = _summary(html)
    assert "autofocus" in summary and html.count("autofocus") == 1
    assert "There is a problem" in summary
    first = re.search(r'<a href="#([\w-]+)">([^<]*)</a>', summary)
    assert first and first.group(1) == target
    assert message in first.group(2)
    assert f'id="{target}"' in html  # the link leads to the field


@pytest.mark.parametrize(
    ("path", "data"), [refusal[1:3] for refusal in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_an_htmx_refusal_carries_the_summary_without_taking_the_focus(
    site: Flask, path: str, data: Callable[[Flask], dict[str, str]]
) -> None:
    answer = site.test_client().post(path, data=data(site), headers={"HX-Request": "true"})
    assert answer.status_code == 422
    assert "<title>" not in answer.text
    summary = _summary(answer.text)
    assert "There is a problem" in summary and "autofocus" not in answer.text


def test_a_page_answered_normally_has_no_error_title(site: Flask) -> None:
    for path in ("/contact/", PROGRAM, ARTICLE, "/newsletter/"):
        html = site.test_client().get(path).text
        assert "<title>Error" not in html and 'id="error-summary"' not in html, path


@pytest.mark.parametrize(
    ("path", "data", "target"),
    [
        ("/studio/consultations/new", {"name": "", "minutes": "5", "price": "60"}, "name"),
        ("/studio/availability/hours", {"weekday": "0", "start_time": "", "end_time": ""}, ""),
    ],
    ids=["consultation", "weekly hours"],
)
def test_a_refused_studio_form_starts_with_the_same_summary(
    site: Flask, path: str, data: dict[str, str], target: str
) -> None:
    answer = coach_client(site).post(path, data=data)
    assert answer.status_code == 422
    html = answer.text
    assert re.search(r"<title>Error: ", html)
    summary = _summary(html)
    assert "autofocus" in summary and html.count("autofocus") == 1
    links = re.findall(r'<a href="#([\w-]+)">', summary)
    assert links and all(f'id="{link}"' in html for link in links)
    if target:
        assert links[0] == target
