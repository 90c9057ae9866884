"""/me/ says what the client did and who they are: the plan tells the load logged (4 kg, not the
ladder's 5 kg) and the next rung apart; the greeting uses the name they gave; one drill of the
day can be logged alone; the date is one control; a refused plain form starts with an error
summary and says "Error:" in its title."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.me.models import DrillLog, SessionLog
from blueprints.shared.extensions import db
from harness.coach import create_coach
from harness.me import (
    CLIENT_EMAIL,
    CURL,
    START,
    plan_drill_ids,
    session_form,
    sign_in,
)


def plan_row(html: str, name: str) -> str:
    start = html.index(f'<th scope="row" role="rowheader">{name}</th>')
    return html[start : html.index("</tr>", start)]


def offered_form(web: FlaskClient) -> dict[str, str]:
    """Every field of the session form with the value it is offered with."""
    page = web.get("/me/log").text
    form = page[page.index('<form method="post" action="/me/log"') :]
    form = form[: form.index("</form>")]
    values = dict(
        re.findall(
            r'<input type="(?:number|text)" id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', form
        )
    )
    values["performed_on"] = re.search(r'<option value="([^"]+)" selected', form).group(1)
    return values


def test_after_3x8_at_4_kg_the_plan_says_4_kg_and_names_the_next_rung_apart(
    web: FlaskClient, site: Flask
) -> None:
    ids = plan_drill_ids(site)
    day = START.date()
    answer = web.post("/me/log", data=session_form(ids, day, only=CURL, load="4", pain=2))
    assert answer.status_code == 303
    with time_machine.travel(START + timedelta(hours=2), tick=True):
        row = plan_row(web.get("/me/").text, CURL)
    assert "last session 3x8 at 4 kg" in row
    assert "next: 5 kg, the next step on your ladder" in row
    assert "at 5 kg" not in row and "stay at" not in row
    with site.app_context():
        logged = db.session.scalar(select(DrillLog).where(DrillLog.name == CURL))
        assert logged.load_kg == 4


def test_the_greeting_uses_the_name_given_and_keeps_the_address_apart(web: FlaskClient) -> None:
    page = web.get("/me/").text
    assert "<h1>Hello, Robin</h1>" in page
    assert f'Signed in as <span class="address">{CLIENT_EMAIL}</span>' in page


def test_without_a_name_the_greeting_is_plain(site: Flask) -> None:
    create_coach(site)
    browser = site.test_client()
    with site.app_context():
        from blueprints.programs.models import Signup

        db.session.execute(Signup.__table__.update().values(name=""))
        db.session.commit()
    sign_in(browser, site)
    page = browser.get("/me/").text
    assert "<h1>Hello</h1>" in page and f"Hello, {CLIENT_EMAIL}" not in page


def test_one_drill_is_logged_alone_and_pain_is_asked_only_of_drills_done(
    web: FlaskClient, site: Flask
) -> None:
    offered = offered_form(web)
    ids = plan_drill_ids(site)
    assert len(ids) > 1
    curl = ids[CURL]
    # Only the curl's pain typed; every other drill left as the form offered it.
    answer = web.post("/me/log", data={**offered, f"pain-{curl}": "2"})
    assert answer.status_code == 303, answer.text[:3000]
    with site.app_context():
        [record] = db.session.scalars(select(SessionLog)).all()
        assert [entry.name for entry in record.entries] == [CURL]


def test_a_drill_changed_but_without_pain_is_refused_beside_its_pain(
    web: FlaskClient, site: Flask
) -> None:
    offered = offered_form(web)
    ids = plan_drill_ids(site)
    other = next(key for name, key in ids.items() if name != CURL)
    fewer = "1" if offered[f"sets-{other}"] != "1" else "2"  # sets changed from those offered
    answer = web.post("/me/log", data={**offered, f"pain-{ids[CURL]}": "2", f"sets-{other}": fewer})
    assert answer.status_code == 422
    html = answer.text
    assert f'id="pain-{other}-error"' in html and f'id="pain-{ids[CURL]}-error"' not in html
    summary = html[html.index('id="error-summary"') :]
    assert f'<a href="#pain-{other}">' in summary[: summary.index("</div>")]
    assert html.count("<title>Error: ") == 1
    with site.app_context():
        assert db.session.scalars(select(SessionLog)).all() == []


def test_nothing_filled_in_is_one_message(web: FlaskClient) -> None:
    answer = web.post("/me/log", data=offered_form(web))
    assert answer.status_code == 422
    assert "Please fill in at least one drill" in answer.text


def test_the_date_is_one_select_of_the_last_sixty_days(web: FlaskClient) -> None:
    page = web.get("/me/log").text
    assert 'type="date"' not in page
    select_html = page[page.index('<select id="performed_on"') : page.index("</select>")]
    options = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', select_html)
    assert len(options) == 61 and options[0] == START.date().isoformat()
    assert "Today, Monday 2 March" in select_html and "Yesterday, Sunday 1 March" in select_html
    # the skip link lands on the form's region, whose first field is the date
    assert page.index('href="#log">Skip to the session form') < page.index("Skip to content")


@pytest.mark.parametrize(
    ("path", "data", "target"),
    [
        ("/me/sign-in", {"email": "not an address"}, "email"),
        ("/studio/login", {"email": "nobody@example.com", "password": "wrong"}, None),
    ],
)
def test_a_refused_plain_form_starts_with_an_error_summary(
    site: Flask, path: str, data: dict[str, str], target: str | None
) -> None:
    create_coach(site)
    answer = site.test_client().post(path, data=data)
    assert answer.status_code in (400, 422)
    html = answer.text
    assert re.search(r"<title>Error: ", html)
    summary = re.search(
        r'<div class="form-error error-summary" id="error-summary" role="alert" tabindex="-1"'
        r" autofocus>(.*?)</div>",
        html,
        re.S,
    )
    assert summary, html[:3000]
    assert "There is a problem" in summary.group(1)
    if target:
        assert f'<a href="#{target}">' in summary.group(1)
    assert html.count("autofocus") == 1


def test_refused_consent_starts_with_an_error_summary(site: Flask) -> None:
    browser = site.test_client()
    sign_in(browser, site)
    answer = browser.post("/me/consent", data={})
    assert answer.status_code == 422
    assert "<title>Error: " in answer.text
    assert '<a href="#agree">' in answer.text and "autofocus" in answer.text


def test_a_page_that_went_well_has_no_error_title(web: FlaskClient) -> None:
    for path in ("/me/", "/me/log", "/studio/login"):
        assert "<title>Error" not in web.get(path).text
