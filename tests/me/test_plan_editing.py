"""The coach edits plans in the studio: every refused field named with nothing changed, drills
removed and added, a client's own plan copied from a program's or begun empty, a program's default
plan made the first time it is opened."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.me.models import Client, Plan, PlanDrill
from blueprints.programs.models import Program
from blueprints.shared.extensions import db
from harness.coach import coach_client
from harness.me import START


def client_plan(site: Flask) -> tuple[int, list[PlanDrill]]:
    """The signed-in client's plan id and its drills (detached), in order."""
    with site.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.client_id.is_not(None)))
        drills = sorted(plan.drills, key=lambda item: item.position)
        for item in drills:
            db.session.expunge(item)
        return plan.id, drills


def plan_form(site: Flask, plan_id: int) -> dict[str, Any]:
    """The plan form as the studio fills it in for `plan_id`."""
    with site.app_context():
        plan = db.session.get(Plan, plan_id)
        form: dict[str, Any] = {
            "title": plan.title, "weeks": plan.weeks,
            "sessions_per_week": plan.sessions_per_week, "notes": plan.notes,
        }  # fmt: skip
        for item in plan.drills:
            form |= {
                f"name-{item.id}": item.name, f"slug-{item.id}": item.drill_slug or "",
                f"sets-{item.id}": item.sets, f"reps-{item.id}": item.reps,
                f"load-{item.id}": "" if item.load_kg is None else item.load_kg,
                f"progression-{item.id}": item.progression, f"step-{item.id}": item.step_kg,
            }  # fmt: skip
        return form


def stored_plan(site: Flask, plan_id: int) -> tuple[str, list[tuple[str, int, Any]]]:
    with site.app_context():
        plan = db.session.get(Plan, plan_id)
        rows = sorted(plan.drills, key=lambda item: item.position)
        return plan.title, [(item.name, item.reps, item.target_set_at) for item in rows]


def test_every_refused_field_is_named_next_to_it_and_nothing_is_saved(
    site: Flask, web: FlaskClient
) -> None:
    coach = coach_client(site)
    plan_id, (first, second, third, *_) = client_plan(site)
    before = stored_plan(site, plan_id)
    form = plan_form(site, plan_id) | {
        "title": "",
        f"name-{first.id}": "two\nlines",
        f"slug-{first.id}": "",
        f"step-{first.id}": "a lot",
        f"slug-{second.id}": "no-such-drill",
        f"progression-{third.id}": "sideways",
        "name-new": "Hip airplane",
        "progression-new": "drill",
    }
    answer = coach.post(f"/studio/plans/{plan_id}", data=form)
    assert answer.status_code == 422
    for message in (
        "Please fill this in.",
        "Please keep this to one line of at most 160 characters.",
        "Please enter a step from 0.5 to 50 kg.",
        "Please choose a drill from the library, or none.",
        "Please choose how this drill progresses.",
        "A drill that moves to the next harder drill needs a library drill.",
    ):
        assert message in answer.text, message
    assert stored_plan(site, plan_id) == before
    # The summary at the top names each problem's field, and its link leads there.
    assert "<title>Error: " in answer.text
    summary = answer.text[answer.text.index('id="error-summary"') :].split("</div>", 1)[0]
    assert "autofocus" in summary
    for target, text in (
        ("title", "Title: Please fill this in."),
        (f"name-{first.id}", "Drill 1, name: Please keep this to one line"),
        (f"step-{first.id}", "Drill 1, load step: Please enter a step"),
        (f"slug-{second.id}", "Drill 2, in the library: Please choose a drill"),
        (f"progression-{third.id}", "Drill 3, progression: Please choose how"),
        ("slug-new", "The drill to add, in the library: A drill that moves"),
    ):
        assert f'<a href="#{target}">{text}' in summary, text
        assert f'id="{target}"' in answer.text


def test_a_drill_is_removed_another_added_and_only_a_changed_target_is_dated_again(
    site: Flask, web: FlaskClient
) -> None:
    coach = coach_client(site)
    plan_id, (first, second, third, *_) = client_plan(site)
    form = plan_form(site, plan_id) | {
        f"remove-{first.id}": "yes",
        f"reps-{second.id}": second.reps + 2,
        "name-new": "Dead bug",
        "sets-new": 2,
        "reps-new": 10,
        "load-new": "",
        "progression-new": "load",
        "step-new": "2.5",
    }
    later = START + timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        answer = coach.post(f"/studio/plans/{plan_id}", data=form)
    assert answer.status_code == 303
    _, rows = stored_plan(site, plan_id)
    names = [name for name, _, _ in rows]
    assert first.name not in names and names[-1] == "Dead bug"
    dated = {name: when for name, _, when in rows}
    assert dated[second.name] == dated["Dead bug"] == later.replace(tzinfo=None)
    assert dated[third.name] == third.target_set_at  # untouched, so not dated again


def test_a_client_plan_is_a_copy_of_a_programs_or_an_empty_one(
    site: Flask, web: FlaskClient
) -> None:
    coach = coach_client(site)
    with site.app_context():
        client_id = db.session.scalar(select(Client.id))
        template = db.session.scalar(select(Plan).where(Plan.program_id.is_not(None)))
        template_id, names = template.id, sorted(item.name for item in template.drills)
    copied = coach.post(f"/studio/clients/{client_id}/plan", data={"template_id": template_id})
    empty = coach.post(f"/studio/clients/{client_id}/plan", data={})
    with site.app_context():
        copy_id = int(copied.headers["Location"].rsplit("/", 1)[1])
        copy = db.session.get(Plan, copy_id)
        assert copy.client_id == client_id and copy.id != template_id
        assert sorted(item.name for item in copy.drills) == names
        fresh = db.session.get(Plan, int(empty.headers["Location"].rsplit("/", 1)[1]))
        assert (fresh.title, fresh.drills) == ("Your plan", [])
    assert coach.post("/studio/clients/999999/plan", data={}).status_code == 404
    assert coach.get("/studio/plans/999999").status_code == 404


def test_a_programs_default_plan_is_made_the_first_time_it_is_opened(site: Flask) -> None:
    coach = coach_client(site)
    with site.app_context():
        program = Program(slug="hinge-clinic", title="Hinge clinic", duration_weeks=4)
        db.session.add(program)
        db.session.commit()
        program_id = program.id
    first = coach.get(f"/studio/programs/{program_id}/plan")
    again = coach.get(f"/studio/programs/{program_id}/plan")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # made once
    page = coach.get(first.headers["Location"])
    assert page.status_code == 200 and "Hinge clinic: the plan" in page.text
    with site.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.program_id == program_id))
        assert (plan.weeks, plan.sessions_per_week) == (4, 2)
    assert coach.get("/studio/programs/999999/plan").status_code == 404
