"""Drills: create, edit and delete, with a video link or upload and a poster."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from blueprints.blog.models import PostDrill
from blueprints.drills.models import DIRECTIONS, EQUIPMENT, LEVELS, Drill
from blueprints.drills.motion_files import template_text
from blueprints.drills.seed import set_equipment
from blueprints.shared.database import serialized_write
from blueprints.shared.extensions import db
from blueprints.shared.htmx import is_htmx_request
from blueprints.site.errors import http_error
from blueprints.studio import bp
from blueprints.studio.demonstration_editor import EditorState, apply_edit, editor_context
from blueprints.studio.drill_form import DrillForm
from blueprints.studio.forms import form_status
from blueprints.studio.slugs import SlugTaken, free_slug, slug_taken, slugify
from blueprints.studio.uploads import (
    captions_max_bytes,
    remove_upload,
    store_bytes,
    video_max_bytes,
    video_too_large_message,
)
from blueprints.video.jobs import cancel_job, job_for, queue_video, remove_original
from blueprints.video.probe import minutes_and_seconds

SLUG_TAKEN = "Another drill already uses this address; choose a different one."


@bp.get("/drills")
def drills() -> str:
    """The library by direction, in the order visitors see it."""
    rows = db.session.scalars(select(Drill).order_by(Drill.direction, Drill.position, Drill.id))
    by_direction: dict[str, list[Drill]] = {key: [] for key in DIRECTIONS}
    for drill in rows:
        by_direction.setdefault(drill.direction, []).append(drill)
    return render_template(
        "studio/drills.html",
        by_direction=by_direction,
        directions=DIRECTIONS,
        levels=LEVELS,
        equipment=EQUIPMENT,
    )


@bp.route("/drills/new", methods=["GET", "POST"])
def drills_new() -> ResponseReturnValue:
    """Add a drill."""
    form = DrillForm()
    if request.method == "GET":  # a new drill starts with a figure for its direction
        form.equipment.data = ["none"]
        form.motion.data = template_text(form.direction.data or next(iter(DIRECTIONS)))
        return _render_editor(form, None)
    state = _apply_demonstration(form)
    if state.action or state.errors:  # a step of the demonstration editor: nothing saved
        return _render_editor(form, None, state)
    if form.validate_on_submit() and (drill := _save_drill(form, None)) is not None:
        return redirect(url_for("studio.drills_edit", drill_id=drill.id))
    return _render_editor(form, None, state)


@bp.route("/drills/<int:drill_id>/edit", methods=["GET", "POST"])
def drills_edit(drill_id: int) -> ResponseReturnValue:
    """Edit a drill."""
    drill = db.get_or_404(Drill, drill_id)
    if request.method == "GET":
        form = DrillForm(obj=drill)
        form.equipment.data = drill.needed_names
        form.progresses_with.data = drill.progression_names
    else:  # only what was posted: a field missing from the request never falls back to the row
        # a video waiting to be converted counts: captions may go with it
        form = DrillForm(has_video=bool(drill.video_file) or job_for(drill_id) is not None)
        db.session.commit()  # hold SQLite's write lock only to save, not while a video is read
        state = _apply_demonstration(form)
        if state.action or state.errors:  # a step of the demonstration editor: nothing saved
            return _render_editor(form, drill, state)
        if form.validate() and _save_drill(form, drill_id) is not None:
            return redirect(url_for("studio.drills_edit", drill_id=drill_id))
        return _render_editor(form, drill, state)
    return _render_editor(form, drill)


def _apply_demonstration(form: DrillForm) -> EditorState:
    """The positions the coach posed or timed, written into the form's text before it is read."""
    text, state = apply_edit(form.motion.data or "", form.direction.data or "", request.form)
    form.motion.data = text
    return state


@bp.get("/drills/<int:drill_id>/video-state")
def drills_video_state(drill_id: int) -> ResponseReturnValue:
    """Where the uploaded video is: the editor polls this fragment; anyone else gets the editor."""
    drill = db.get_or_404(Drill, drill_id)
    if not is_htmx_request():
        return redirect(url_for("studio.drills_edit", drill_id=drill_id))
    job = job_for(drill_id)
    if job is not None:
        return render_template("studio/_video_state.html", video_job=job)
    return render_template("studio/_video_ready.html", drill=drill)


@bp.errorhandler(RequestEntityTooLarge)
def drills_upload_too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A body over the raised limit: the editor again, the message beside the video field.

    The form's other fields were never read (the body was refused), so the drill is shown as
    stored; nothing of the upload was kept.
    """
    if request.endpoint not in {"studio.drills_new", "studio.drills_edit"} or (
        not current_user.is_authenticated
    ):
        return http_error(error)
    drill_id = (request.view_args or {}).get("drill_id")
    drill = db.session.get(Drill, drill_id) if drill_id else None
    form = DrillForm(formdata=None, obj=drill)
    if drill is not None:
        form.equipment.data = drill.needed_names
        form.progresses_with.data = drill.progression_names
    form.video_file.errors = [video_too_large_message()]
    page, _status = _render_editor(form, drill)
    return page, 413


def _render_editor(
    form: DrillForm, drill: Drill | None, state: EditorState | None = None
) -> tuple[str, int]:
    state = state or EditorState()
    preview = editor_context(
        form.motion.data or "",
        form.direction.data,
        form.name.data or "",
        form.steps.data or "",
        state,
    )
    status = 422 if state.errors else form_status(form)
    return render_template(
        "studio/drill_form.html",
        form=form,
        drill=drill,
        video_mb=video_max_bytes() // 2**20,
        video_minutes=minutes_and_seconds(current_app.config["VIDEO_MAX_SECONDS"]),
        video_job=job_for(drill.id) if drill is not None else None,
        captions_kb=captions_max_bytes() // 1024,
        **preview,
    ), status


def _media_files(drill: Drill) -> set[str]:
    return {drill.video_file, drill.video_poster_file, drill.poster_file, drill.captions_file} - {
        ""
    }


def _save_drill(form: DrillForm, drill_id: int | None) -> Drill | None:
    """Write the form into a new or existing drill; None (with a slug error) on a clash.

    The new files are written first and removed again if the row is not saved, so a drill
    never points at a missing file and no stray file stays behind. An uploaded video waits in
    the work folder, queued for `flask process-videos`; the drill keeps what it showed until
    the converted video is published.
    """
    fresh = NewMedia()
    try:
        fresh.original = form.video_original  # stored and probed by the form
        if form.poster_jpeg:
            fresh.poster = store_bytes(form.poster_jpeg, ".jpg")
        if form.captions_text is not None:
            fresh.captions = store_bytes(form.captions_text.encode(), ".vtt")
        with serialized_write("studio-content") as session:
            drill = session.get(Drill, drill_id) if drill_id else Drill()
            old_files = _media_files(drill)
            _apply_fields(form, drill)
            session.add(drill)
            session.flush()  # a new drill needs its id for the video job
            replaced_original = _apply_media(form, drill, fresh)
    except SlugTaken:
        form.slug.errors.append(SLUG_TAKEN)
        fresh.remove()
        return None
    except BaseException:
        fresh.remove()
        raise
    for name in old_files - _media_files(drill):
        remove_upload(name)
    remove_original(replaced_original)
    flash(f"Saved \u201c{drill.name}\u201d.", "success")
    return drill


def _lines(text: str | None) -> str:
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _apply_fields(form: DrillForm, drill: Drill) -> None:
    slug = form.slug.data or free_slug(Drill.slug, slugify(form.name.data), drill.id)
    if slug_taken(Drill.slug, slug, drill.id):
        raise SlugTaken(slug)
    drill.slug = slug
    drill.name = form.name.data.strip()
    drill.direction = form.direction.data
    drill.level = form.level.data
    drill.position = form.position.data
    drill.summary = form.summary.data.strip()
    drill.steps = _lines(form.steps.data)
    drill.cues = _lines(form.cues.data)
    drill.mistakes = _lines(form.mistakes.data)
    drill.progression = _lines(form.progression.data)
    drill.duration_seconds = form.duration_seconds.data
    motion = "\n".join(line.rstrip() for line in (form.motion.data or "").splitlines()).strip()
    drill.motion = motion + "\n" if motion else ""
    set_equipment(drill, form.equipment.data, form.progresses_with.data or [])


@dataclass
class NewMedia:
    """The files written for one save, by the names they were stored under."""

    original: str = ""  # the uploaded video, in the work folder
    poster: str = ""
    captions: str = ""

    def remove(self) -> None:
        """Delete them again: the save did not happen."""
        remove_original(self.original)
        for name in (self.poster, self.captions):
            remove_upload(name)


def _apply_media(form: DrillForm, drill: Drill, fresh: NewMedia) -> str:
    """Apply the media fields; returns the name of an original the save made obsolete."""
    obsolete = ""
    if fresh.original:  # an upload will replace a link (or the video) once it is converted
        poster_at = form.poster_seconds.data
        obsolete = queue_video(
            drill,
            fresh.original,
            keep_audio=bool(form.video_sound.data),
            poster_at=float(poster_at) if poster_at is not None else None,
        )
    elif form.video_embed:  # a link replaces an upload, and one still waiting
        drill.video_url, drill.video_file, drill.video_poster_file = form.video_embed, "", ""
        obsolete = cancel_job(drill.id)
    else:
        drill.video_url = ""
        if form.remove_video.data:
            drill.video_file, drill.video_poster_file = "", ""
            obsolete = cancel_job(drill.id)
    if fresh.poster:
        drill.poster_file = fresh.poster
    elif form.remove_poster.data:
        drill.poster_file = ""
    video_coming = bool(drill.video_file) or job_for(drill.id) is not None
    if fresh.captions:  # a new file replaces the old one
        drill.captions_file = fresh.captions
    elif form.remove_captions.data or not video_coming:  # captions go with their video
        drill.captions_file = ""
    drill.captions_lang = form.captions_language
    return obsolete


@bp.route("/drills/<int:drill_id>/delete", methods=["GET", "POST"])
def drills_delete(drill_id: int) -> ResponseReturnValue:
    """Ask (saying which articles embed it), then delete a drill."""
    drill = db.get_or_404(Drill, drill_id)
    if request.method == "GET":
        embeds = db.session.scalar(
            select(func.count()).select_from(PostDrill).where(PostDrill.drill_id == drill_id)
        )
        warning = (
            f"{embeds} article(s) embed this drill; their readers will no longer see its card."
            if embeds
            else None
        )
        return render_template(
            "studio/confirm_delete.html",
            thing=drill.name,
            warning=warning,
            action=url_for("studio.drills_delete", drill_id=drill_id),
            back=url_for("studio.drills_edit", drill_id=drill_id),
        )
    files, name = _media_files(drill), drill.name
    original = cancel_job(drill_id)
    db.session.delete(drill)
    db.session.commit()
    for stored in files:
        remove_upload(stored)
    remove_original(original)
    flash(f"Deleted \u201c{name}\u201d.", "success")
    return redirect(url_for("studio.drills"))
