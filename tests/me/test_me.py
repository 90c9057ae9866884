"""The client area through the app: sign-in links, the plan and its next step, logging (and
refusing bad input with nothing stored), red flags, the coach's list, data, erasure."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, SessionLog
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage
from blueprints.studio.erase import erase_person
from harness.coach import create_coach, log_in
from harness.me import (
    CLIENT_EMAIL,
    CURL,
    START,
    add_signup,
    consent,
    count_statements,
    log_day,
    plan_drill_ids,
    session_count,
    session_form,
    sign_in,
    sign_in_link,
    the_client,
)
from harness.studio import add_enquiry

# A CSRF token carries the second it was made in: answers a second apart differ only there.
FRESH_TOKEN = r'(?<="X-CSRFToken": ")[^"]*|(?<=name="csrf_token" value=")[^"]*'


def curl_row(web: FlaskClient) -> str:
    """The Jefferson curl's row of the plan on /me/."""
    page = web.get("/me/").text
    start = page.index(f'<th scope="row" role="rowheader">{CURL}</th>')
    return page[start : page.index("</tr>", start)]


def test_the_same_answer_whether_or_not_the_address_is_known(site: Flask) -> None:
    browser = site.test_client()
    known = browser.post("/me/sign-in", data={"email": CLIENT_EMAIL})
    unknown = browser.post("/me/sign-in", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert "a sign-in link is on its way" in known.text

    def seen(text: str, email: str) -> str:  # the address typed, and a fresh CSRF token
        return re.sub(FRESH_TOKEN, "", text.replace(email, "X"))

    assert seen(known.text, CLIENT_EMAIL) == seen(unknown.text, "nobody@example.com")
    with site.app_context():
        mails = db.session.execute(select(OutboxMessage.to_addr, OutboxMessage.kind)).all()
    # N5/N6: both do the same work (an email each), so neither answer nor time tells them apart.
    assert sorted(mails) == [
        ("nobody@example.com", "me-sign-in-unknown"),
        (CLIENT_EMAIL, "me-sign-in"),
    ]


def test_a_link_works_once_and_not_after_thirty_minutes(site: Flask) -> None:
    browser = site.test_client()
    browser.post("/me/sign-in", data={"email": CLIENT_EMAIL})
    path = sign_in_link(site)
    assert browser.get(path).status_code == 200  # looking spends nothing
    assert browser.post(path).status_code == 303
    assert "My plan" in browser.get("/me/").text
    again = site.test_client().post(path)
    assert again.status_code == 400 and "used already" in again.text

    browser.post("/me/sign-in", data={"email": CLIENT_EMAIL})
    late = sign_in_link(site)
    with time_machine.travel(START + timedelta(minutes=31), tick=True):
        expired = site.test_client().post(late)
    assert expired.status_code == 400 and "expired" in expired.text
    forged = site.test_client().get(late[:-3] + "abc")
    assert forged.status_code == 400


def _sign_in_mails(site: Flask, email: str = CLIENT_EMAIL) -> int:
    with site.app_context():
        return db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.to_addr == email)
        )


def test_strangers_asking_for_links_cannot_refuse_the_owner(site: Flask) -> None:
    """N3: past the address's allowance the owner gets the first answer, and no more mail."""
    owner = site.test_client()
    first = owner.post("/me/sign-in", data={"email": CLIENT_EMAIL})
    link = sign_in_link(site)
    for number in range(6):  # strangers, each from an address of their own
        stranger = site.test_client()
        stranger.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
        assert stranger.post("/me/sign-in", data={"email": CLIENT_EMAIL}).status_code == 200
    again = owner.post("/me/sign-in", data={"email": CLIENT_EMAIL})
    assert again.status_code == first.status_code == 200
    assert re.sub(FRESH_TOKEN, "", again.text) == re.sub(FRESH_TOKEN, "", first.text)
    assert _sign_in_mails(site) == 3  # REQUESTS_PER_EMAIL, then nothing more
    assert owner.post(link).status_code == 303  # the link already sent still works
    assert "My plan" in owner.get("/me/").text


def test_one_address_asking_too_often_is_told_to_wait(site: Flask) -> None:
    browser = site.test_client()
    answers = [
        browser.post("/me/sign-in", data={"email": f"reader{n}@example.com"}) for n in range(11)
    ]
    assert [a.status_code for a in answers] == [200] * 10 + [429]  # its own requests only
    assert "Too many sign-in requests" in answers[-1].text
    elsewhere = site.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    assert elsewhere.post("/me/sign-in", data={"email": CLIENT_EMAIL}).status_code == 200


def test_sign_out_everywhere_ends_every_session(site: Flask) -> None:
    phone, laptop = site.test_client(), site.test_client()
    sign_in(phone, site)
    sign_in(laptop, site)
    assert laptop.post("/me/sign-out-everywhere").status_code == 303
    assert "Email me a sign-in link" in phone.get("/me/").text
    assert phone.get("/me/log").status_code == 302


def test_the_plan_comes_from_the_program_and_suggests_the_target(web: FlaskClient) -> None:
    page = web.get("/me/").text
    assert "Back Basics: the home sessions" in page
    assert "you have a place" in page
    assert "Start at the plan" in curl_row(web)


def test_two_good_sessions_then_the_first_load_step_then_pain_seven_steps_back(
    web: FlaskClient, site: Flask
) -> None:
    log_day(web, site, 0, pain=2)
    log_day(web, site, 2, pain=2)
    with time_machine.travel(START + timedelta(days=3, hours=2), tick=True):
        row = curl_row(web)
        assert "how did the back feel next morning" in row  # the second morning is unanswered
    log_day(web, site, 4, pain=2)  # answers the second morning, logs a third session
    with time_machine.travel(START + timedelta(days=5, hours=2), tick=True):
        web.post(
            f"/me/morning/{_latest_session_id(site)}",
            data={"morning_pain": 1, "morning_compared": "settled"},
        )
        row = curl_row(web)
    assert "2.5 kg" in row
    assert "last two sessions 3x8 at bodyweight, pain 2/10 at most, settled, so try 2.5 kg" in row

    log_day(web, site, 6, load="2.5", pain=7)
    with time_machine.travel(START + timedelta(days=6, hours=2), tick=True):
        row = curl_row(web)
    assert "pain 7/10, so back to bodyweight" in row


def _latest_session_id(site: Flask) -> int:
    with site.app_context():
        return db.session.scalar(select(func.max(SessionLog.id)))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain", "11", "from 0 to 10"),
        ("load", "-5", "cannot be negative"),
        ("sets", "500", "from 0 to 20"),
        ("reps", "lots", "whole number"),
    ],
)
def test_bad_values_are_refused_next_to_the_field(
    web: FlaskClient, site: Flask, field: str, value: str, message: str
) -> None:
    ids = plan_drill_ids(site)
    data = session_form(ids, START.date(), only=CURL)
    data[f"{field}-{ids[CURL]}"] = value
    answer = web.post("/me/log", data=data)
    assert answer.status_code == 422
    assert f'id="{field}-{ids[CURL]}-error"' in answer.text and message in answer.text
    assert f'aria-describedby="{field}-{ids[CURL]}-error"' in answer.text
    assert session_count(site) == 0


def test_a_session_in_the_future_is_refused(web: FlaskClient, site: Flask) -> None:
    ids = plan_drill_ids(site)
    answer = web.post("/me/log", data=session_form(ids, START.date() + timedelta(days=1)))
    assert answer.status_code == 422
    assert "cannot be in the future" in answer.text
    assert session_count(site) == 0


def test_someone_elses_plan_or_session_is_refused(web: FlaskClient, site: Flask) -> None:
    add_signup(site, "other@example.com")
    other = site.test_client()
    sign_in(other, site, "other@example.com")
    consent(other)
    log_day(other, site, 0, pain=1, email="other@example.com")
    with site.app_context():
        theirs = db.session.scalar(select(Plan).join(Client).where(Client.email != CLIENT_EMAIL))
        their_session = db.session.scalar(select(SessionLog))
    before = session_count(site)
    data = session_form(plan_drill_ids(site), START.date())
    data["plan_id"] = theirs.id
    answer = web.post("/me/log", data=data)
    assert answer.status_code == 404 and "That is not your plan." in answer.text
    stolen = web.post(
        f"/me/morning/{their_session.id}", data={"morning_pain": 9, "morning_compared": "worse"}
    )
    assert stolen.status_code == 404
    assert session_count(site) == before


def test_consent_comes_before_the_first_entry(site: Flask) -> None:
    browser = site.test_client()
    sign_in(browser, site)
    assert browser.get("/me/log").headers["Location"].endswith("/me/consent")
    assert browser.post("/me/consent", data={}).status_code == 422
    assert the_client(site).consent_at is None


def test_the_log_form_answers_htmx_with_its_region(web: FlaskClient, site: Flask) -> None:
    ids = plan_drill_ids(site)
    answer = web.post(
        "/me/log", data=session_form(ids, START.date(), only=CURL), headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<section id="log"')
    assert "Session logged" in answer.text
    assert "HX-Request" in answer.headers["Vary"]


def test_a_red_flag_stops_tells_the_coach_and_holds_progression(
    web: FlaskClient, site: Flask
) -> None:
    log_day(web, site, 0, pain=2)
    with time_machine.travel(START + timedelta(days=1, hours=2), tick=True):
        web.post(
            f"/me/morning/{_latest_session_id(site)}",
            data={"morning_pain": 1, "morning_compared": "settled"},
        )
        data = session_form(plan_drill_ids(site), (START + timedelta(days=1)).date(), only=CURL)
        data["red_flags"] = ["leg_numbness"]
        answer = web.post("/me/log", data=data)
        assert answer.status_code == 200
        assert "Please stop here" in answer.text and "clinician" in answer.text
        assert "No suggestion" in curl_row(web)
    with site.app_context():
        coach_mail = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "me-red-flag-coach")
        )
    assert coach_mail is not None and "Numbness" in coach_mail.body_text

    create_coach(site)
    coach = site.test_client()
    with time_machine.travel(START + timedelta(days=1, hours=3), tick=True):
        log_in(coach)
        listing = coach.get("/studio/clients").text
        need = listing[listing.index('id="needs-a-look"') :]
        assert CLIENT_EMAIL in need[: need.index("</table>")] and "Red flag reported" in need
        client_id = the_client(site).id
        assert coach.post(f"/studio/clients/{client_id}/clear").status_code == 303
        assert "No suggestion" not in curl_row(web)


def test_the_coach_sees_pain_quiet_clients_and_who_is_ready(web: FlaskClient, site: Flask) -> None:
    create_coach(site)
    coach = site.test_client()
    log_in(coach)
    log_day(web, site, 0, pain=6)
    with time_machine.travel(START + timedelta(hours=2), tick=True):
        assert "Pain above 5" in coach.get("/studio/clients").text
    with time_machine.travel(START + timedelta(days=20), tick=True):
        log_in(coach)  # a studio sign-in lasts less than that
        assert "No log for two weeks" in coach.get("/studio/clients").text


def test_a_plan_edit_is_what_the_client_sees_at_once(web: FlaskClient, site: Flask) -> None:
    create_coach(site)
    coach = site.test_client()
    log_in(coach)
    with site.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.client_id.is_not(None)))
        drill = db.session.scalar(
            select(PlanDrill).where(PlanDrill.plan_id == plan.id, PlanDrill.name == CURL)
        )
        form = {"title": plan.title, "weeks": 6, "sessions_per_week": 2, "notes": ""}
        for item in plan.drills:
            form |= {
                f"name-{item.id}": item.name, f"slug-{item.id}": item.drill_slug,
                f"sets-{item.id}": item.sets, f"reps-{item.id}": item.reps,
                f"load-{item.id}": "", f"progression-{item.id}": item.progression,
                f"step-{item.id}": item.step_kg,
            }  # fmt: skip
    form[f"load-{drill.id}"] = "4"
    bad = coach.post(f"/studio/plans/{plan.id}", data=form | {f"sets-{drill.id}": "500"})
    assert bad.status_code == 422 and "from 1 to 20" in bad.text
    assert coach.post(f"/studio/plans/{plan.id}", data=form).status_code == 303
    assert "4 kg" in curl_row(web)


def test_the_client_downloads_everything_and_erasure_removes_it(
    web: FlaskClient, site: Flask
) -> None:
    log_day(web, site, 0, pain=2)
    later = time_machine.travel(START + timedelta(days=1), tick=True)
    later.start()
    data = json.loads(web.get("/me/data.json").data)
    assert data["client"][0]["email"] == CLIENT_EMAIL
    assert data["drill_logs"][0]["pain"] == 2 and data["plans"]
    assert "nonce" not in json.dumps(data)
    csv_text = web.get("/me/data.csv").text
    assert "drill_logs," in csv_text and CLIENT_EMAIL in csv_text
    with site.app_context():
        erase_person(CLIENT_EMAIL, "coach@example.com")
        for model in (Client, Plan, PlanDrill, SessionLog, DrillLog):
            left = db.session.scalar(select(func.count()).select_from(model))
            kept = 2 if model in (Plan, PlanDrill) else 0  # the programs' own plans stay
            if model is PlanDrill:
                kept = len(db.session.scalars(select(PlanDrill)).all())
                assert all(d.plan.program_id for d in db.session.scalars(select(PlanDrill)))
            assert left == kept, model.__name__
    assert "Email me a sign-in link" in web.get("/me/").text
    later.stop()


def test_the_plan_page_runs_the_same_queries_however_long_the_log(
    web: FlaskClient, site: Flask
) -> None:
    def queries_for_page() -> int:
        pages = []
        count = count_statements(site, lambda: pages.append(web.get("/me/")))
        assert pages[0].status_code == 200 and CURL in pages[0].text
        return count

    log_day(web, site, 0, pain=2)
    with time_machine.travel(START + timedelta(hours=2), tick=True):
        few = queries_for_page()
    for day in range(1, 12):
        log_day(web, site, day, pain=2)
    with time_machine.travel(START + timedelta(days=11, hours=2), tick=True):
        assert queries_for_page() == few


def test_the_coach_tunes_the_rule_and_bad_values_are_refused(web: FlaskClient, site: Flask) -> None:
    create_coach(site)
    coach = site.test_client()
    log_in(coach)
    bad = coach.post(
        "/studio/progression-rule",
        data={"up_max_pain": "4", "hold_max_pain": "2", "sessions_in_a_row": "2"},
    )
    assert bad.status_code == 422 and 'id="hold_max_pain-error"' in bad.text
    bad = coach.post(
        "/studio/progression-rule",
        data={"up_max_pain": "11", "hold_max_pain": "5", "sessions_in_a_row": "9"},
    )
    assert bad.status_code == 422 and 'id="up_max_pain-error"' in bad.text
    assert 'id="sessions_in_a_row-error"' in bad.text
    assert "<title>Error: " in bad.text  # and a summary naming each, its link to the field
    assert '<a href="#up_max_pain">Highest pain that lets a drill move up: ' in bad.text
    assert '<a href="#sessions_in_a_row">Good sessions in a row: ' in bad.text
    log_day(web, site, 0, pain=2)
    with time_machine.travel(START + timedelta(days=1, hours=2), tick=True):
        web.post(
            f"/me/morning/{_latest_session_id(site)}",
            data={"morning_pain": 1, "morning_compared": "settled"},
        )
        assert "2.5 kg" not in curl_row(web)  # one good session is not yet two
        log_in(coach)
        tuned = coach.post(
            "/studio/progression-rule",
            data={"up_max_pain": "3", "hold_max_pain": "5", "sessions_in_a_row": "1"},
        )
        assert tuned.status_code == 303
        assert "try 2.5 kg" in curl_row(web)


def test_a_booking_alone_lets_you_in_and_links_to_its_manage_page(seeded_app: Flask) -> None:
    with time_machine.travel(START, tick=True):
        with seeded_app.app_context():
            add_enquiry(
                email="jo@example.com", booked_at=(START + timedelta(days=3)).replace(tzinfo=None)
            )
            db.session.commit()
        browser = seeded_app.test_client()
        sign_in(browser, seeded_app, "jo@example.com")
        page = browser.get("/me/").text
    assert "No plan yet" in page
    manage = re.search(r'href="(http://localhost/contact/booking/[^"]+)"', page)
    assert manage is not None and "Move or cancel" in page
    assert browser.get(manage.group(1).removeprefix("http://localhost")).status_code == 200


def test_a_refused_morning_answer_starts_with_a_summary_naming_each_question(
    web: FlaskClient, site: Flask
) -> None:
    log_day(web, site, 0, pain=2)
    with time_machine.travel(START + timedelta(days=1, hours=2), tick=True):
        answer = web.post(f"/me/morning/{_latest_session_id(site)}", data={"morning_pain": ""})
    assert answer.status_code == 422
    assert "<title>Error: " in answer.text
    summary = answer.text[answer.text.index('id="error-summary"') :].split("</div>", 1)[0]
    assert "autofocus" in summary
    assert '<a href="#morning_pain">Back pain the next morning: ' in summary
    assert '<a href="#morning_compared">Compared with before: ' in summary
    assert 'id="morning_compared"' in answer.text  # the link leads to the question
