"""Drill demonstrations: keyframes parsed and checked, drawn as small SVG, shown and edited."""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.drills.demonstration import demonstration_file, demonstration_for, render_svg
from blueprints.drills.embeds import expand_drill_embeds
from blueprints.drills.models import Drill
from blueprints.drills.motion import MotionError, parse_motion
from blueprints.drills.motion_files import CONTENT_DRILLS, motion_text_for
from blueprints.drills.posing import FOREARM, SHIN, THIGH, UPPER_ARM, pose_skeleton, sample_poses
from blueprints.drills.seed import seed_drills
from blueprints.shared.content import read_content_folder
from blueprints.shared.extensions import db
from blueprints.shared.seed import SeedRun
from harness import shutdown_app
from harness.coach import coach_client
from harness.studio import studio_app

DRILLS = [
    {"slug": f.slug, "direction": f.front["direction"]}
    for f in read_content_folder(Path(__file__).resolve().parents[2] / "content" / "drills")
]
SLUGS = [item["slug"] for item in DRILLS]
DIRECTION = {item["slug"]: item["direction"] for item in DRILLS}
ANIMATED_MAX_BYTES = 12 * 1024  # "a few KB": the biggest demo drill is about 10 KB, 2 KB gzipped
STILL_MAX_BYTES = 2560

GOOD = """\
view = "side"

[[frame]]
at = 0
spine = [90, 90, 90]

[[frame]]
at = 2
spine = [90, 60, 30]
"""


# ------------------------------------------------------------------------ the parser


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace("at = 2", "at = "), 8, "not valid TOML"),
        (
            GOOD.replace("spine = [90, 60, 30]", "spine = [90, 60]"),
            9,
            "'spine' must be a list of 3",
        ),
        (GOOD.replace("spine = [90, 60, 30]", "spine = [90, 60, 'x']"), 9, "'spine'"),
        (GOOD.replace("spine = [90, 60, 30]", "spine = [90, 60, 9000]"), 9, "from -720 to 720"),
        (GOOD.replace("spine = [90, 60, 30]", "shin = 3"), 9, "Unknown joint 'shin'"),
        (GOOD.replace("at = 2", "at = 0"), 8, "must come later than 0 s"),
        (GOOD.replace("at = 0", "at = 1"), 4, "first frame must be at 0"),
        (GOOD.replace('view = "side"', 'view = "above"'), 1, "'view' must be one of"),
        (GOOD.replace('view = "side"', 'view = "side"\ncolour = "red"'), 2, "Unknown setting"),
        (GOOD + '\n[[prop]]\nkind = "box"\nx = 0\nwidth = 40\n', 12, "A box needs 'height'"),
        (GOOD + '\n[[prop]]\nkind = "trampoline"\n', 12, "'kind' must be one of"),
        (GOOD.replace("[[frame]]\nat = 2", "[[frame]]\nease = 'fast'\nat = 2"), 8, "'ease'"),
        (GOOD.split("[[frame]]\nat = 2")[0], 3, "at least two [[frame]]"),
    ],
)
def test_malformed_keyframes_are_refused_naming_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(MotionError) as refused:
        parse_motion(text)
    assert refused.value.line == line
    assert str(refused.value).startswith(f"Line {line}: ")
    assert words in str(refused.value)


def test_good_keyframes_parse_and_later_frames_inherit_what_they_leave_out() -> None:
    motion = parse_motion(GOOD.replace("spine = [90, 60, 30]", "neck = 40"))
    assert motion.view == "side"
    assert motion.duration == 2
    assert motion.frames[1].pose["spine"] == (90.0, 90.0, 90.0)
    assert motion.frames[1].pose["neck"] == (40.0,)
    assert motion.end == 1  # the frame furthest from the start, unless `end` says otherwise


# ----------------------------------------------------------------- the content files


def test_every_demo_drill_has_a_motion_file_and_every_file_belongs_to_a_drill() -> None:
    files = {path.name.removesuffix(".motion.toml") for path in CONTENT_DRILLS.glob("*.toml")}
    assert files == set(SLUGS)
    assert len(files) == 16


@pytest.mark.parametrize("slug", SLUGS)
def test_every_content_motion_file_parses_and_moves(slug: str) -> None:
    motion = parse_motion(motion_text_for(slug))
    assert 2 <= motion.duration <= 15
    first, end = motion.frames[0].pose, motion.frames[motion.end].pose
    assert first != end, "the start and end positions must differ"


@pytest.mark.parametrize("slug", SLUGS)
def test_limbs_keep_their_length_through_the_whole_movement(slug: str) -> None:
    motion = parse_motion(motion_text_for(slug))
    for sample in sample_poses(motion):
        skeleton = pose_skeleton(sample.pose)
        for side in ("near", "far"):
            hip, knee, ankle, _ = skeleton.legs[side]
            shoulder, elbow, hand = skeleton.arms[side]
            leg_scale = sample.pose[f"leg_{side}_scale"]
            arm_scale = sample.pose[f"arm_{side}_scale"]
            assert math.dist(hip, knee) == pytest.approx(THIGH * abs(leg_scale[0]), abs=0.01)
            assert math.dist(knee, ankle) == pytest.approx(SHIN * abs(leg_scale[1]), abs=0.01)
            assert math.dist(shoulder, elbow) == pytest.approx(
                UPPER_ARM * abs(arm_scale[0]), abs=0.01
            )
            assert math.dist(elbow, hand) == pytest.approx(FOREARM * abs(arm_scale[1]), abs=0.01)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_demonstration_is_a_few_kilobytes_of_self_contained_svg(slug: str) -> None:
    motion = parse_motion(motion_text_for(slug))
    animated = render_svg(motion, DIRECTION[slug], label="x", frame=None)
    start = render_svg(motion, DIRECTION[slug], label="x", frame=0)
    assert len(animated.encode()) < ANIMATED_MAX_BYTES
    assert len(gzip.compress(animated.encode())) < 2500
    assert len(start.encode()) < STILL_MAX_BYTES
    assert animated.count('begin="indefinite"') >= 3  # it moves, and waits for the button
    assert "<animate" not in start
    for markup in (animated, start):
        assert "<script" not in markup and "<style" not in markup and " style=" not in markup
        assert "href" not in markup and "http" not in markup


def test_the_end_position_is_another_picture_than_the_start() -> None:
    demo = demonstration_for(motion_text_for("jefferson-curl"), "flexion", "Jefferson curl")
    assert demo is not None
    assert str(demo.start) != str(demo.end)
    assert 'aria-label="Jefferson curl, start position, seen from the side"' in demo.start
    assert 'aria-label="Jefferson curl, end position, seen from the side"' in demo.end


def test_malformed_text_draws_nothing_rather_than_failing() -> None:
    assert demonstration_for("at = ", "flexion", "X") is None
    assert demonstration_file("", "flexion", "X") is None
    assert demonstration_file(motion_text_for("cat-cow"), "flexion", "X", "sideways") is None


# ----------------------------------------------------------------------- the site


def test_the_seed_stores_each_drills_motion_file_and_fills_one_missing(seeded_app: Flask) -> None:
    with seeded_app.app_context():
        stored = dict(db.session.execute(select(Drill.slug, Drill.motion)).all())
        assert stored == {slug: motion_text_for(slug) for slug in SLUGS}
        drill = db.session.scalar(select(Drill).where(Drill.slug == "cat-cow"))
        assert drill is not None
        drill.motion = ""  # as in a database from before demonstrations
        db.session.commit()
        folder = Path(seeded_app.config["CONTENT_FOLDER"])
        assert seed_drills(SeedRun(folder=folder, update=False)) == 0
        db.session.commit()
        assert drill.motion == motion_text_for("cat-cow")
        db.session.remove()


def test_the_drill_page_plays_the_demonstration_with_its_stills_and_steps(
    seeded_client: FlaskClient,
) -> None:
    html = seeded_client.get("/drills/open-book").get_data(as_text=True)
    figure = html[
        html.index('<figure class="demo"') : html.index('<p class="meta drill-kit">Needs')
    ]
    animated = figure[figure.index('<div class="demo-animated">') : figure.index("demo-stills")]
    assert "<animate" in animated
    assert '<button type="button" class="demo-play button-quiet" data-demo-play hidden>' in figure
    stills = figure[figure.index('<div class="demo-stills">') :]
    # files fetched only when shown (reduced motion, print), so the page itself stays light
    start = re.search(
        r'<img src="([^"]+)" alt="Open book, start position, seen from above"', stills
    )
    end = re.search(r'<img src="([^"]+)" alt="Open book, end position, seen from above"', stills)
    assert start and end and "<svg" not in stills
    assert end.group(1) == start.group(1) + "&amp;at=end"
    start_svg = seeded_client.get(start.group(1)).get_data(as_text=True)
    end_svg = seeded_client.get(end.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "start position" in start_svg and "end position" in end_svg
    assert "<animate" not in start_svg + end_svg
    assert '<a href="#drill-steps">the steps below</a>' in figure
    assert '<ol id="drill-steps">' in html
    assert "Video coming soon" not in html


def change_drill(app: Flask, slug: str, **fields: str) -> None:
    """Store new values on a drill, as an edit would."""
    with app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.slug == slug))
        assert drill is not None
        for name, value in fields.items():
            setattr(drill, name, value)
        db.session.commit()
        db.session.remove()


def test_the_coachs_own_video_replaces_the_demonstration(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    change_drill(seeded_app, "open-book", video_url="https://www.youtube-nocookie.com/embed/abc123")
    html = seeded_client.get("/drills/open-book").get_data(as_text=True)
    assert 'class="demo"' not in html
    assert 'data-video-facade data-embed-src="https://www.youtube-nocookie.com/embed/abc123' in html
    # the facade's poster is the demonstration's first frame, not the generic illustration
    assert re.search(r'<img src="/drills/open-book/demonstration\.svg\?v=\d+"', html)


def test_list_cards_show_the_first_frame_served_as_an_svg_file(
    seeded_client: FlaskClient,
) -> None:
    html = seeded_client.get("/drills/?direction=flexion").get_data(as_text=True)
    pictures = re.findall(r'<img src="([^"]+)" class="drill-card-picture drill-card-figure"', html)
    assert len(pictures) == 4
    assert all(re.fullmatch(r"/drills/[\w-]+/demonstration\.svg\?v=\d+", src) for src in pictures)
    response = seeded_client.get(pictures[0])
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<animate" not in svg
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = seeded_client.get(pictures[0], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_drill_without_keyframes_has_no_picture_and_says_video_coming_soon(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    change_drill(seeded_app, "cat-cow", motion="")
    assert seeded_client.get("/drills/cat-cow/demonstration.svg").status_code == 404
    assert "Video coming soon" in seeded_client.get("/drills/cat-cow").get_data(as_text=True)
    listing = seeded_client.get("/drills/?q=cat").get_data(as_text=True)
    assert "drill-card-picture" not in listing


def test_the_article_drill_card_plays_it_with_the_steps_in_words(
    seeded_app: Flask, seeded_client: FlaskClient
) -> None:
    with seeded_app.test_request_context("/blog/x"):
        html = str(expand_drill_embeds("<p>[[drill:cat-cow]]</p>"))
    assert '<figure class="demo" data-demo>' in html and "<svg" not in html  # stays light
    moving = re.search(r'data-demo-src="([^"]+)"', html)
    assert moving and re.search(r'<img src="/drills/cat-cow/demonstration\.svg\?v=\d+"', html)
    figure = seeded_client.get(moving.group(1).replace("&amp;", "&"))
    assert figure.mimetype == "image/svg+xml"
    assert figure.get_data(as_text=True).count('begin="indefinite"') >= 3  # fetched on play
    assert "the movement in words</summary>" in html
    assert "<li>Start on hands and knees, hands under shoulders and knees under hips.</li>" in html


# --------------------------------------------------------------------- the studio


@pytest.fixture
def studio(database_file: Path, tmp_path: Path) -> Iterator[Flask]:
    """The seeded site with uploads in a temporary folder."""
    application = studio_app(database_file, tmp_path / "uploads")
    yield application
    shutdown_app(application)


def _drill_id(app: Flask, slug: str) -> int:
    with app.app_context():
        drill_id = db.session.scalar(select(Drill.id).where(Drill.slug == slug))
        db.session.remove()
    assert drill_id is not None
    return drill_id


def _edit_form(app: Flask, drill_id: int, **changes: str) -> dict[str, object]:
    """The editor's fields for the stored drill as a browser sends them, with `changes`."""
    with app.app_context():
        drill = db.session.get(Drill, drill_id)
        assert drill is not None
        fields: dict[str, object] = {
            name: getattr(drill, name)
            for name in ("name", "slug", "direction", "level", "summary", "steps", "cues")
            + ("mistakes", "progression", "video_url", "motion")
        }
        fields |= {"position": str(drill.position), "equipment": drill.equipment_names}
        fields["duration_seconds"] = str(drill.duration_seconds or "")
        db.session.remove()
    return {**fields, **changes}


def _textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    assert match is not None, name
    return match.group(1).replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")


def test_the_editor_shows_the_keyframes_and_saves_an_edit(studio: Flask) -> None:
    coach = coach_client(studio)
    drill_id = _drill_id(studio, "cat-cow")
    editor = coach.get(f"/studio/drills/{drill_id}/edit").get_data(as_text=True)
    assert _textarea(editor, "motion") == motion_text_for("cat-cow")
    assert 'id="demonstration-preview"' in editor and "<animate" in editor  # drawn on arrival
    form = _edit_form(studio, drill_id)
    edited = str(form["motion"]).replace("at = 8\n", "at = 9\n")
    response = coach.post(f"/studio/drills/{drill_id}/edit", data={**form, "motion": edited})
    assert response.status_code == 302
    with studio.app_context():
        drill = db.session.get(Drill, drill_id)
        assert drill is not None and drill.motion == edited
        db.session.remove()


def test_malformed_keyframes_are_refused_with_the_line_next_to_the_field(studio: Flask) -> None:
    coach = coach_client(studio)
    drill_id = _drill_id(studio, "cat-cow")
    form = _edit_form(studio, drill_id)
    broken = str(form["motion"]).replace("neck = 4\n", "neck = [4, 5]\n", 1)
    line = broken.splitlines().index("neck = [4, 5]") + 1
    response = coach.post(
        f"/studio/drills/{drill_id}/edit", data={**form, "motion": broken, "name": "Renamed"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="field-error" id="motion-error">Line {line}: &#39;neck&#39; must be' in html
    with studio.app_context():
        drill = db.session.get(Drill, drill_id)
        assert drill is not None and drill.name == "Cat-cow"  # nothing written
        assert drill.motion == motion_text_for("cat-cow")
        db.session.remove()


def test_the_live_preview_redraws_the_figure_or_names_the_bad_line(studio: Flask) -> None:
    coach = coach_client(studio)
    fields = {"name": "Cat-cow", "direction": "flexion", "steps": "Round\nArch"}
    drawn = coach.post(
        "/studio/drills/demonstration-preview",
        data={**fields, "motion": motion_text_for("cat-cow")},
        headers={"HX-Request": "true"},
    )
    html = drawn.get_data(as_text=True)
    assert drawn.status_code == 200
    assert "<html" not in html and "<animate" in html and "<li>Arch</li>" in html
    assert 'stroke="#7a4d9a"' in html  # drawn in the direction's colour
    refused = coach.post(
        "/studio/drills/demonstration-preview",
        data={**fields, "motion": "[[frame]]\nat = 0\n\n[[frame]\nat = 1\n"},
        headers={"HX-Request": "true"},
    )
    message = refused.get_data(as_text=True)
    assert (
        'role="alert">The figure cannot be drawn from what is written under Advanced: Line 4: '
        in (message)
    )
    assert "<svg" not in message
    page = coach.post(
        "/studio/drills/demonstration-preview",
        data={**fields, "motion": motion_text_for("cat-cow")},
    )
    assert "<h1>Demonstration preview</h1>" in page.get_data(as_text=True)  # without htmx
