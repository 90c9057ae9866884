"""Testimonials: what clients said. Only those the client agreed to are ever published."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from blueprints.coach.models import Testimonial
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.coach_forms import TestimonialForm
from blueprints.studio.forms import form_status


@bp.get("/testimonials")
def testimonials() -> str:
    """Every testimonial, published or held back."""
    rows = db.session.scalars(select(Testimonial).order_by(Testimonial.position, Testimonial.id))
    return render_template("studio/testimonials.html", testimonials=rows.all())


@bp.route("/testimonials/new", methods=["GET", "POST"])
def testimonials_new() -> ResponseReturnValue:
    """Add a testimonial."""
    form = TestimonialForm()
    if form.validate_on_submit():
        _save(form, None)
        return redirect(url_for("studio.testimonials"))
    return _render(form, None)


@bp.route("/testimonials/<int:testimonial_id>/edit", methods=["GET", "POST"])
def testimonials_edit(testimonial_id: int) -> ResponseReturnValue:
    """Edit a testimonial (untick consent to take it off the site)."""
    row = db.get_or_404(Testimonial, testimonial_id)
    form = TestimonialForm(obj=row) if request.method == "GET" else TestimonialForm()
    if form.validate_on_submit():
        _save(form, testimonial_id)
        return redirect(url_for("studio.testimonials"))
    return _render(form, row)


@bp.post("/testimonials/<int:testimonial_id>/delete")
def testimonials_delete(testimonial_id: int) -> ResponseReturnValue:
    """Delete a testimonial (Flask-WTF's CSRF check guards every studio POST)."""
    with serialized_write("studio-coach"):
        row = db.get_or_404(Testimonial, testimonial_id)
        db.session.delete(row)
    flash(f"Deleted the testimonial from {row.attribution}.", "success")
    return redirect(url_for("studio.testimonials"))


def _render(form: TestimonialForm, row: Testimonial | None) -> ResponseReturnValue:
    return render_template("studio/testimonial_form.html", form=form, row=row), form_status(form)


def _save(form: TestimonialForm, testimonial_id: int | None) -> None:
    with serialized_write("studio-coach") as session:
        row = session.get(Testimonial, testimonial_id) if testimonial_id else None
        row = row or Testimonial()
        row.quote = form.quote.data.strip()
        row.attribution = form.attribution.data.strip()
        row.given_on = form.given_on.data
        row.consented = bool(form.consented.data)
        row.position = form.position.data or 0
        session.add(row)
    shown = (
        "It is on the site." if row.consented else "It stays off the site until the client agrees."
    )
    flash(f"Saved the testimonial from {row.attribution}. {shown}", "success")
