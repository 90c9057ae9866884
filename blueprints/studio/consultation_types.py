"""Consultation types, studio side: what a visitor can book, how long it lasts, what it costs."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from blueprints.booking.slots import settings
from blueprints.coach.models import ConsultationType
from blueprints.coach.public import currency_code, price_label
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.coach_forms import ConsultationTypeForm
from blueprints.studio.forms import form_status


@bp.get("/consultations")
def consultations() -> str:
    """Every consultation type, offered or not."""
    rows = db.session.scalars(
        select(ConsultationType).order_by(ConsultationType.position, ConsultationType.id)
    ).all()
    currency = currency_code()
    prices = {row.id: price_label(row.price_cents, currency) for row in rows}
    return render_template(
        "studio/consultations.html",
        consultations=rows,
        prices=prices,
        slot_minutes=settings().slot_minutes,
    )


@bp.route("/consultations/new", methods=["GET", "POST"])
def consultations_new() -> ResponseReturnValue:
    """Add a consultation type."""
    form = ConsultationTypeForm(slot_minutes=settings().slot_minutes, is_active=True)
    if form.validate_on_submit():
        _save(form, None)
        return redirect(url_for("studio.consultations"))
    return _render(form, None)


@bp.route("/consultations/<int:type_id>/edit", methods=["GET", "POST"])
def consultations_edit(type_id: int) -> ResponseReturnValue:
    """Edit a consultation type; bookings already made keep what the visitor chose."""
    row = db.get_or_404(ConsultationType, type_id)
    slot_minutes = settings().slot_minutes
    if request.method == "GET":
        form = ConsultationTypeForm(obj=row, slot_minutes=slot_minutes)
        form.price.data = Decimal(row.price_cents) / 100
    else:
        form = ConsultationTypeForm(slot_minutes=slot_minutes)
    if form.validate_on_submit():
        _save(form, type_id)
        return redirect(url_for("studio.consultations"))
    return _render(form, row)


@bp.post("/consultations/<int:type_id>/delete")
def consultations_delete(type_id: int) -> ResponseReturnValue:
    """Delete a consultation type (bookings keep their own copy of its name and price)."""
    with serialized_write("studio-coach"):
        row = db.get_or_404(ConsultationType, type_id)
        db.session.delete(row)
    flash(f"Deleted \u201c{row.name}\u201d.", "success")
    return redirect(url_for("studio.consultations"))


def _render(form: ConsultationTypeForm, row: ConsultationType | None) -> ResponseReturnValue:
    page = render_template("studio/consultation_form.html", form=form, row=row)
    return page, form_status(form)


def _save(form: ConsultationTypeForm, type_id: int | None) -> None:
    with serialized_write("studio-coach") as session:
        row = (session.get(ConsultationType, type_id) if type_id else None) or ConsultationType()
        row.name = form.name.data.strip()
        row.description = (form.description.data or "").strip()
        row.minutes = form.minutes.data
        row.price_cents = int(form.price.data * 100)
        row.is_active = bool(form.is_active.data)
        row.position = form.position.data or 0
        session.add(row)
    flash(f"Saved \u201c{row.name}\u201d.", "success")
