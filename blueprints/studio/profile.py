"""The coach's profile: name, photo, bio, credentials and where she works."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from blueprints.coach.models import CoachProfile
from blueprints.coach.public import current_profile
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.studio import bp
from blueprints.studio.coach_forms import ProfileForm
from blueprints.studio.forms import form_status
from blueprints.studio.uploads import PORTRAIT_SIZE, remove_upload, store_bytes


@bp.route("/profile", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    """Show and save the profile; a refused form saves nothing and says why beside the field."""
    row = current_profile()
    has_portrait = bool(row and row.portrait_file)
    if request.method == "GET":
        form = ProfileForm(obj=row, has_portrait=has_portrait)
        if row is None:
            form.works.data, form.currency.data = "online", "GBP"
    else:  # only what was posted: a missing field never falls back to the row
        form = ProfileForm(has_portrait=has_portrait)
        db.session.commit()  # hold SQLite's write lock only to save, not while an image is read
        if form.validate():
            _save_profile(form)
            return redirect(url_for("studio.profile"))
    return render_template("studio/profile.html", form=form, profile=row), form_status(form)


def _save_profile(form: ProfileForm) -> None:
    new_portrait = store_bytes(form.portrait_jpeg, ".jpg") if form.portrait_jpeg else None
    try:
        with serialized_write("studio-profile") as session:
            row = current_profile() or CoachProfile()
            old_portrait = row.portrait_file
            row.name = form.name.data.strip()
            row.bio = (form.bio.data or "").strip()
            row.credentials = "\n".join(
                line.strip() for line in (form.credentials.data or "").splitlines() if line.strip()
            )
            row.works = form.works.data
            row.place = (form.place.data or "").strip()
            row.currency = form.currency.data
            if new_portrait:
                row.portrait_file = new_portrait
                row.portrait_width = row.portrait_height = PORTRAIT_SIZE
            elif form.remove_portrait.data:
                row.portrait_file = ""
            row.portrait_alt = (form.portrait_alt.data or "").strip() if row.portrait_file else ""
            session.add(row)
    except BaseException:
        remove_upload(new_portrait)
        raise
    if old_portrait and old_portrait != row.portrait_file:
        remove_upload(old_portrait)
    flash("Saved your profile.", "success")
