"""Writing articles in the studio: draft, preview, publish, schedule, unpublish, delete, cover."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from blueprints.blog.models import Comment, Post, PostDrill, Tag
from blueprints.drills.models import Drill
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness.studio import add_comment, png_bytes, upload

BODY = "Why rest alone rarely fixes a sore back.\n\n[[drill:cat-cow]]\n\nMove a little every day."


@pytest.fixture
def studio_site() -> dict[str, object]:
    """The seeded site: it has the cat-cow drill."""
    return {"seeded": True}


def article_form(**overrides: object) -> dict[str, object]:
    """A valid article form, as the editor posts it."""
    return {
        "title": "Rest is not a plan",
        "slug": "",
        "summary": "What to do instead of waiting.",
        "body_md": BODY,
        "tags": "rest, First steps, rest",
        "cover_alt": "",
        "publication": "draft",
        "publish_at": "",
        **overrides,
    }


def the_post(app: Flask, slug: str = "rest-is-not-a-plan") -> Post | None:
    """The stored article (detached, with its tags loaded)."""
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.slug == slug))
        if post is not None:
            _ = post.tags, post.embedded_drills
            db.session.expunge(post)
        return post


def test_a_draft_is_saved_rendered_and_private(app: Flask, coach: FlaskClient) -> None:
    response = coach.post("/studio/articles/new", data=article_form())
    post = the_post(app)
    assert post is not None
    assert response.status_code == 302
    assert response.location == f"/studio/articles/{post.id}/edit"
    assert post.status == "draft" and post.published_at is None
    assert "<p>Move a little every day.</p>" in post.body_html
    assert sorted(tag.name for tag in post.tags) == ["First steps", "rest"]
    with app.app_context():
        cat_cow = db.session.scalar(select(Drill.id).where(Drill.slug == "cat-cow"))
    assert [link.drill_id for link in post.embedded_drills] == [cat_cow]
    assert coach.get("/blog/rest-is-not-a-plan").status_code == 404
    assert "Rest is not a plan" in coach.get("/studio/articles").get_data(as_text=True)


def test_publishing_puts_the_article_with_its_drill_card_on_the_blog(
    app: Flask, coach: FlaskClient
) -> None:
    coach.post("/studio/articles/new", data=article_form())
    post_id = the_post(app).id
    response = coach.post(
        f"/studio/articles/{post_id}/edit",
        data=article_form(title="Rest is not a plan", publication="published"),
    )
    assert response.status_code == 302
    post = the_post(app)
    assert post.status == "published"
    assert utcnow() - timedelta(minutes=1) < post.published_at <= utcnow()
    page = coach.get("/blog/rest-is-not-a-plan").get_data(as_text=True)
    assert "Move a little every day." in page
    assert 'class="drill-embed card"' in page and "Cat-cow" in page.replace("Cat Cow", "Cat-cow")
    assert "Rest is not a plan" in coach.get("/blog/").get_data(as_text=True)


def test_editing_a_published_article_keeps_its_date(app: Flask, coach: FlaskClient) -> None:
    coach.post("/studio/articles/new", data=article_form(publication="published"))
    first = the_post(app)
    coach.post(
        f"/studio/articles/{first.id}/edit",
        data=article_form(body_md="New words.", publication="published"),
    )
    again = the_post(app)
    assert again.published_at == first.published_at
    assert again.body_md == "New words." and again.embedded_drills == []


def test_scheduling_uses_the_coachs_time_zone_and_stays_private(
    app: Flask, coach: FlaskClient
) -> None:
    coach.post(
        "/studio/articles/new",
        data=article_form(publication="scheduled", publish_at="2099-07-01T09:30"),
    )
    post = the_post(app)
    assert post.status == "scheduled"
    assert post.published_at == datetime(
        2099, 7, 1, 8, 30
    )  # 09:30 in London in summer is 08:30 UTC
    assert coach.get("/blog/rest-is-not-a-plan").status_code == 404
    editor = coach.get(f"/studio/articles/{post.id}/edit").get_data(as_text=True)
    assert 'value="2099-07-01T09:30"' in editor
    assert "Scheduled" in coach.get("/studio/articles").get_data(as_text=True)


@pytest.mark.parametrize(
    ("publish_at", "message"),
    [
        ("", "Choose when the article should appear."),
        ("2001-01-01T10:00", "Choose a time in the future"),
    ],
)
def test_a_schedule_needs_a_future_time(
    app: Flask, coach: FlaskClient, publish_at: str, message: str
) -> None:
    response = coach.post(
        "/studio/articles/new", data=article_form(publication="scheduled", publish_at=publish_at)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="publish_at-error"' in html and message in html
    assert 'value="Rest is not a plan"' in html  # nothing the coach typed is lost
    assert the_post(app) is None


def test_a_scheduled_article_appears_when_its_time_comes(app: Flask, coach: FlaskClient) -> None:
    coach.post(
        "/studio/articles/new",
        data=article_form(publication="scheduled", publish_at="2099-07-01T09:30"),
    )
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.slug == "rest-is-not-a-plan"))
        post.published_at = utcnow() - timedelta(minutes=1)  # time passes
        db.session.commit()
    assert coach.get("/blog/rest-is-not-a-plan").status_code == 200


def test_publish_and_unpublish_buttons(app: Flask, coach: FlaskClient) -> None:
    coach.post("/studio/articles/new", data=article_form())
    post_id = the_post(app).id
    assert coach.get(f"/studio/articles/{post_id}/publish").status_code == 405  # no action on GET
    assert coach.post(f"/studio/articles/{post_id}/publish").status_code == 302
    assert the_post(app).status == "published"
    assert coach.get("/blog/rest-is-not-a-plan").status_code == 200
    first = the_post(app).published_at
    assert coach.post(f"/studio/articles/{post_id}/unpublish").status_code == 302
    post = the_post(app)
    # A draft again, keeping its first publication date for when it is published again.
    assert post.status == "draft" and post.published_at == first
    assert coach.get("/blog/rest-is-not-a-plan").status_code == 404


def test_delete_asks_first_then_removes_the_article_and_its_comments(
    app: Flask, coach: FlaskClient
) -> None:
    coach.post("/studio/articles/new", data=article_form(publication="published"))
    post_id = the_post(app).id
    with app.app_context():
        add_comment(db.session.get(Post, post_id), "reader@example.com")
        db.session.commit()
    confirm = coach.get(f"/studio/articles/{post_id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.get_data(as_text=True)
    assert the_post(app) is not None
    assert coach.post(f"/studio/articles/{post_id}/delete").status_code == 302
    assert the_post(app) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
        assert (
            db.session.scalar(
                select(func.count()).select_from(PostDrill).where(PostDrill.post_id == post_id)
            )
            == 0
        )
    assert coach.get("/blog/rest-is-not-a-plan").status_code == 404


def test_a_taken_address_is_refused_and_nothing_is_written(app: Flask, coach: FlaskClient) -> None:
    coach.post("/studio/articles/new", data=article_form())
    response = coach.post(
        "/studio/articles/new", data=article_form(title="Another", slug="rest-is-not-a-plan")
    )
    assert response.status_code == 422
    assert "Another article already uses this address" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Post).where(Post.title == "Another"))
            == 0
        )


def test_an_empty_slug_is_made_unique_from_the_title(app: Flask, coach: FlaskClient) -> None:
    coach.post("/studio/articles/new", data=article_form())
    coach.post("/studio/articles/new", data=article_form())
    assert the_post(app, "rest-is-not-a-plan-2") is not None


def test_tags_are_shared_between_articles_ignoring_case(app: Flask, coach: FlaskClient) -> None:
    coach.post("/studio/articles/new", data=article_form(tags="Desk Work"))
    coach.post("/studio/articles/new", data=article_form(title="Turning well", tags="desk work"))
    with app.app_context():
        names = db.session.scalars(
            select(Tag.name).where(func.lower(Tag.name) == "desk work")
        ).all()
    assert names == ["Desk Work"]
    assert [tag.name for tag in the_post(app, "turning-well").tags] == ["Desk Work"]


def test_an_unknown_drill_is_flagged_when_saving(app: Flask, coach: FlaskClient) -> None:
    response = coach.post(
        "/studio/articles/new",
        data=article_form(body_md="[[drill:no-such-drill]]"),
        follow_redirects=True,
    )
    flashed = "names a drill the library does not have (no-such-drill)"
    assert flashed in response.get_data(as_text=True)


def test_live_preview_answers_htmx_with_the_fragment(coach: FlaskClient) -> None:
    response = coach.post(
        "/studio/articles/preview",
        data={"body_md": "# Heading\n\n[[drill:cat-cow]]\n\n[[drill:made-up-drill]]"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html
    assert '<h2 id="heading">Heading</h2>' in html
    assert 'class="drill-embed card"' in html and 'data-direction="flexion"' in html
    assert "No drill in the library matches <code>made-up-drill</code>" in html


def test_preview_without_javascript_is_a_full_page(coach: FlaskClient) -> None:
    response = coach.post("/studio/articles/preview", data={"body_md": "Plain *words*."})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html and "Nothing has been saved" in html
    assert "<em>words</em>" in html


def test_preview_strips_scripts(coach: FlaskClient) -> None:
    response = coach.post(
        "/studio/articles/preview",
        data={"body_md": "<script>alert(1)</script>\n\n[x](javascript:alert(1))"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "javascript:" not in html


def test_a_cover_is_resized_re_encoded_and_stored(
    app: Flask, coach: FlaskClient, tmp_path: Path
) -> None:
    response = coach.post(
        "/studio/articles/new",
        data=article_form(
            cover=upload(png_bytes(3200, 1000), "wide.png"), cover_alt="A barbell on a mat"
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    post = the_post(app)
    assert post.cover_image.endswith(".jpg") and post.cover_image != "wide.jpg"
    assert post.cover_alt == "A barbell on a mat"
    stored = tmp_path / "uploads" / post.cover_image
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (1600, 500)
    with coach.get(f"/studio/articles/{post.id}/cover") as served:
        assert served.status_code == 200 and served.data == stored.read_bytes()
    coach.post(
        f"/studio/articles/{post.id}/edit",
        data=article_form(remove_cover="y", cover_alt="A barbell on a mat"),
    )
    assert the_post(app).cover_image == ""
    assert not stored.exists()


def test_a_cover_needs_alt_text(app: Flask, coach: FlaskClient, tmp_path: Path) -> None:
    before = sorted(tmp_path.glob("uploads/*"))  # the seeded coach's portrait
    response = coach.post(
        "/studio/articles/new",
        data=article_form(cover=upload(png_bytes(400, 300), "cover.png"), cover_alt=" "),
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="cover_alt-error"' in html and "Describe the image" in html
    assert the_post(app) is None
    assert sorted(tmp_path.glob("uploads/*")) == before  # the re-encoded image was not kept


def test_a_file_that_is_not_an_image_is_refused(app: Flask, coach: FlaskClient) -> None:
    response = coach.post(
        "/studio/articles/new",
        data=article_form(cover=upload(b"<?php echo 'hi'; ?>", "cover.jpg"), cover_alt="Cover"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not an image we can read" in response.get_data(as_text=True)
    assert the_post(app) is None


def test_a_post_missing_fields_is_handled_not_a_server_error(
    app: Flask, coach: FlaskClient
) -> None:
    coach.post("/studio/articles/new", data=article_form())
    post_id = the_post(app).id
    response = coach.post(f"/studio/articles/{post_id}/edit", data={"title": "Only a title"})
    assert response.status_code == 302
    post = the_post(app, "only-a-title")  # an empty address is made from the title again
    assert (post.id, post.title, post.status, post.tags) == (post_id, "Only a title", "draft", [])


def test_a_cover_larger_than_the_site_wide_limit_is_accepted_from_the_coach(
    app: Flask, coach: FlaskClient
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024
    photo = png_bytes(1200, 900, color="white") + b"\x00" * 40_000  # trailing bytes Pillow ignores
    response = coach.post(
        "/studio/articles/new",
        data=article_form(cover=upload(photo, "photo.png"), cover_alt="A kettlebell"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert the_post(app).cover_image.endswith(".jpg")
    visitor = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True  # the body is read before the login check, as live
    refused = visitor.post(
        "/studio/articles/new",
        data={"cover": upload(photo, "photo.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 413
