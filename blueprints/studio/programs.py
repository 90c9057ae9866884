"""Programs: create, edit and delete; the signups and waitlist, and cancelling a place."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import delete, func, select

from blueprints.programs.models import Program, Signup
from blueprints.programs.signups import (
    confirmed_count,
    fill_free_places,
    lock_name,
)
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.markdown import render_markdown
from blueprints.studio import bp
from blueprints.studio.editor_forms import ProgramForm
from blueprints.studio.forms import form_status
from blueprints.studio.paging import page_by_key
from blueprints.studio.slugs import SlugTaken, free_slug, slug_taken, slugify

SLUG_TAKEN = "Another program already uses this address; choose a different one."
NEW_PROGRAM_LOCK = "program:new"


SIGNUPS_PAGE_SIZE = 100
# Each list on a program's signups page: its order, newest first or not, its page parameter and
# the anchor its links land on. Places in the order they were taken, the waiting list in its
# order, cancellations newest first.
SIGNUP_SECTIONS = {
    "confirmed": (Signup.created_at, False, "places_after", "places"),
    "waitlisted": (Signup.waitlist_position, False, "waiting_after", "waiting"),
    "cancelled": (Signup.created_at, True, "cancelled_after", "cancelled"),
}


@dataclass(frozen=True)
class SignupSection:
    """One page of one of a program's lists of people, and the links around it."""

    rows: list[Signup]
    count: int
    first_url: str | None
    next_url: str | None


class CapacityTooSmall(Exception):
    """More people already hold places than the new capacity allows."""


@bp.get("/programs")
def programs() -> str:
    """Every program with its places taken and its waiting list."""
    counts = {
        (program_id, status): count
        for program_id, status, count in db.session.execute(
            select(Signup.program_id, Signup.status, func.count()).group_by(
                Signup.program_id, Signup.status
            )
        )
    }
    rows = db.session.scalars(select(Program).order_by(Program.is_open.desc(), Program.title))
    return render_template("studio/programs.html", programs=rows.all(), counts=counts)


@bp.route("/programs/new", methods=["GET", "POST"])
def programs_new() -> ResponseReturnValue:
    """Add a program."""
    form = ProgramForm(is_open=True)
    if form.validate_on_submit() and (program := _save_program(form, None)) is not None:
        return redirect(url_for("studio.programs_edit", program_id=program.id))
    return _render_editor(form, None)


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
def programs_edit(program_id: int) -> ResponseReturnValue:
    """Edit a program."""
    program = db.get_or_404(Program, program_id)
    # On POST only what was posted counts: a missing field never falls back to the row.
    form = ProgramForm(obj=program) if request.method == "GET" else ProgramForm()
    if form.validate_on_submit() and _save_program(form, program_id) is not None:
        return redirect(url_for("studio.programs_edit", program_id=program_id))
    return _render_editor(form, program)


def _render_editor(form: ProgramForm, program: Program | None) -> ResponseReturnValue:
    page = render_template("studio/program_form.html", form=form, program=program)
    return page, form_status(form)


def _save_program(form: ProgramForm, program_id: int | None) -> Program | None:
    """Write the form into a new or existing program; None (with a field error) if refused.

    Runs under the program's own signup lock, so a capacity check cannot race a signup.
    """
    try:
        with serialized_write(lock_name(program_id) if program_id else NEW_PROGRAM_LOCK) as session:
            program = session.get(Program, program_id) if program_id else Program()
            _apply_fields(form, program)
            session.add(program)
    except SlugTaken:
        form.slug.errors.append(SLUG_TAKEN)
        return None
    except CapacityTooSmall as error:
        form.capacity.errors.append(str(error))
        return None
    flash(f"Saved \u201c{program.title}\u201d.", "success")
    promoted = fill_free_places(program.id)  # more places: the people waiting get them first
    if promoted:
        names = ", ".join(signup.name for signup in promoted)
        flash(f"Moved up from the waiting list and emailed: {names}.", "success")
    return program


def _apply_fields(form: ProgramForm, program: Program) -> None:
    slug = form.slug.data or free_slug(Program.slug, slugify(form.title.data), program.id)
    if slug_taken(Program.slug, slug, program.id):
        raise SlugTaken(slug)
    if program.id is not None and form.capacity.data is not None:
        taken = confirmed_count(program.id)
        if form.capacity.data < taken:
            raise CapacityTooSmall(
                f"{taken} people already have places; cancel some first or allow at least {taken}."
            )
    program.slug = slug
    program.title = form.title.data.strip()
    program.summary = (form.summary.data or "").strip()
    program.body_md = form.body_md.data or ""
    program.body_html = render_markdown(program.body_md).html
    program.level = form.level.data
    program.duration_weeks = form.duration_weeks.data
    program.sessions_per_week = form.sessions_per_week.data
    program.directions = list(form.directions.data or [])
    program.price_text = (form.price_text.data or "").strip()
    program.payment_url = form.payment_url.data or ""
    program.start_date = form.start_date.data
    program.capacity = form.capacity.data
    program.is_open = form.is_open.data


@bp.route("/programs/<int:program_id>/delete", methods=["GET", "POST"])
def programs_delete(program_id: int) -> ResponseReturnValue:
    """Ask, then delete a program; one that people have signed up for is closed instead."""
    program = db.get_or_404(Program, program_id)
    active = db.session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(Signup.program_id == program_id, Signup.status != "cancelled")
    )
    warning = (
        f"{active} people are signed up or waiting. Cancel their places or close the program "
        "for signups instead; it cannot be deleted while they are on it."
        if active
        else None
    )
    if request.method == "GET" or active:
        return render_template(
            "studio/confirm_delete.html",
            thing=program.title,
            warning=warning,
            blocked=bool(active),
            action=url_for("studio.programs_delete", program_id=program_id),
            back=url_for("studio.programs_edit", program_id=program_id),
        ), 409 if request.method == "POST" else 200
    title = program.title
    # Cancelled signups go with it, by the database's ON DELETE CASCADE.
    db.session.execute(delete(Program).where(Program.id == program_id))
    db.session.commit()
    flash(f"Deleted \u201c{title}\u201d.", "success")
    return redirect(url_for("studio.programs"))


@bp.get("/programs/<int:program_id>/signups")
def programs_signups(program_id: int) -> str:
    """Who holds a place, who is waiting (in order), and who cancelled: each list by pages."""
    program = db.get_or_404(Program, program_id)
    counts = dict(
        db.session.execute(
            select(Signup.status, func.count())
            .where(Signup.program_id == program_id)
            .group_by(Signup.status)
        ).all()
    )
    sections = {}
    for status, (order, newest_first, param, anchor) in SIGNUP_SECTIONS.items():
        after = request.args.get(param)
        page = page_by_key(
            select(Signup).where(Signup.program_id == program_id, Signup.status == status),
            order,
            Signup.id,
            after,
            SIGNUPS_PAGE_SIZE,
            descending=newest_first,
        )
        here = {"program_id": program_id, "_anchor": anchor}
        sections[status] = SignupSection(
            rows=page.rows,
            count=counts.get(status, 0),
            first_url=None if page.first else url_for("studio.programs_signups", **here),
            next_url=url_for("studio.programs_signups", **here, **{param: page.next_key})
            if page.next_key
            else None,
        )
    return render_template("studio/program_signups.html", program=program, sections=sections)
