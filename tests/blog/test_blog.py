"""The article pages: who sees what and when, paging, tags, the article page and drill embeds."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.blog.models import Post, PostDrill
from blueprints.blog.publishing import apply_body
from blueprints.drills.embeds import expand_drill_embeds
from blueprints.drills.models import Drill
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from harness.blog import add_post
from harness.instants import clock_marks

# Rows here are stamped relative to "now": the tests state theirs (late evening UTC).
pytestmark = clock_marks("tue-21:58")

ARTICLE_TITLES = re.compile(r'<h[23]><a href="/blog/([a-z0-9-]+)">')


def listed_slugs(html: str) -> list[str]:
    """Article slugs in the order the list shows them."""
    return ARTICLE_TITLES.findall(html)


# Publishing rules


@pytest.mark.parametrize(
    ("status", "days_ago"),
    [("draft", 3), ("draft", None), ("scheduled", -2), ("published", -1), ("published", None)],
    ids=["draft", "undated-draft", "scheduled-future", "published-future", "published-undated"],
)
def test_posts_that_are_not_public_are_404_and_listed_nowhere(
    app: Flask, client: FlaskClient, status: str, days_ago: float | None
) -> None:
    with app.app_context():
        add_post("visible", tags=["mobility"])
        add_post("hidden", status=status, days_ago=days_ago, tags=["mobility"], body="zebrafish")

    assert client.get("/blog/hidden").status_code == 404
    assert listed_slugs(client.get("/blog/").get_data(as_text=True)) == ["visible"]
    assert listed_slugs(client.get("/blog/tag/mobility").get_data(as_text=True)) == ["visible"]
    assert "/blog/hidden" not in client.get("/blog/visible").get_data(as_text=True)  # not related
    assert "/blog/hidden" not in client.get("/blog/search?q=zebrafish").get_data(as_text=True)
    assert "/blog/hidden" not in client.get("/feed.xml").get_data(as_text=True)
    assert "/blog/hidden" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert "/blog/hidden" not in client.get("/").get_data(as_text=True)


def test_a_scheduled_post_appears_by_itself_when_its_time_comes(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        post = add_post("next-week", status="scheduled", days_ago=-7)
        assert client.get("/blog/next-week").status_code == 404
        # Time passes: nobody touches the status, only the clock moves past published_at.
        post.published_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert db.session.get(Post, post.id).status == "scheduled"

    assert client.get("/blog/next-week").status_code == 200
    assert listed_slugs(client.get("/blog/").get_data(as_text=True)) == ["next-week"]


def test_unknown_slug_is_a_styled_404(client: FlaskClient) -> None:
    response = client.get("/blog/no-such-article")
    assert response.status_code == 404
    assert "There is no page at this address." in response.get_data(as_text=True)


# The list and its pages


@pytest.fixture
def many_posts(app: Flask) -> list[str]:
    """23 public articles, one a day; returns their slugs newest first."""
    with app.app_context():
        for number in range(23):
            add_post(f"article-{number:02d}", days_ago=number + 1)
    return [f"article-{number:02d}" for number in range(23)]


def test_list_is_newest_first_ten_to_a_page(client: FlaskClient, many_posts: list[str]) -> None:
    first = client.get("/blog/").get_data(as_text=True)
    second = client.get("/blog/?page=2").get_data(as_text=True)
    third = client.get("/blog/?page=3").get_data(as_text=True)

    assert listed_slugs(first) == many_posts[:10]
    assert listed_slugs(second) == many_posts[10:20]
    assert listed_slugs(third) == many_posts[20:]
    assert 'href="/blog/?page=2"' in first and "Page 1 of 3" in first
    assert 'href="/blog/"' in second and 'href="/blog/?page=3"' in second
    assert "Older articles" not in third


@pytest.mark.parametrize(
    "page", ["0", "-1", "4", "abc", "1.5", "", " 2", "2 ", "1e3", "99999999999999999999999", "٢"]
)
def test_a_bad_page_number_is_a_404_never_a_500(
    client: FlaskClient, many_posts: list[str], page: str
) -> None:
    response = client.get("/blog/", query_string={"page": page})
    assert response.status_code == 404
    tag_response = client.get("/blog/tag/nope", query_string={"page": page})
    assert tag_response.status_code == 404


def test_an_empty_blog_says_so(client: FlaskClient) -> None:
    response = client.get("/blog/")
    assert response.status_code == 200
    assert "No articles yet." in response.get_data(as_text=True)


def test_tag_page_lists_only_public_articles_with_that_tag(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        add_post("hinge-basics", tags=["loading", "flexion"], days_ago=2)
        add_post("twist-basics", tags=["rotation"], days_ago=1)
        add_post("secret-loading", tags=["loading", "unreleased"], status="draft")

    page = client.get("/blog/tag/loading").get_data(as_text=True)
    assert listed_slugs(page) == ["hinge-basics"]
    assert "<h1>Articles about loading</h1>" in page
    assert client.get("/blog/tag/unreleased").status_code == 404  # a draft's tag stays private
    assert client.get("/blog/tag/never-used").status_code == 404
    index = client.get("/blog/").get_data(as_text=True)
    assert 'href="/blog/tag/rotation"' in index and "unreleased" not in index


# The article page


def test_article_page_shows_reading_time_dates_tags_and_the_booking_link(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        post = add_post("long-read", body="word " * 1000, tags=["recovery", "beginners"])
        post.published_at = post.updated_at = utcnow() - timedelta(days=30)
        db.session.commit()
        post_id = post.id

    page = client.get("/blog/long-read").get_data(as_text=True)
    assert "5 min read" in page
    assert "Published <time" in page
    assert "Updated" not in page  # never revised after publication
    assert 'href="/blog/tag/beginners"' in page and 'href="/blog/tag/recovery"' in page
    assert (
        'href="/contact/?topic=consultation&amp;context=article:long-read">Book a consultation'
        in page
    )

    with app.app_context():
        post = db.session.get(Post, post_id)
        apply_body(post, "A revised, shorter article.")  # an edit today
        db.session.commit()
    revised = client.get("/blog/long-read").get_data(as_text=True)
    assert 'Updated <time datetime="' + utcnow().strftime("%Y-%m-%d") in revised
    assert "1 min read" in revised


def test_related_articles_share_tags_most_shared_first(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        add_post("subject", tags=["flexion", "loading", "beginners"], days_ago=1)
        add_post("shares-one-newer", tags=["beginners"], days_ago=2)
        add_post("shares-two", tags=["flexion", "loading"], days_ago=10)
        add_post("shares-one-older", tags=["loading"], days_ago=20)
        add_post("shares-none", tags=["rotation"], days_ago=3)
        add_post("shares-three-draft", tags=["flexion", "loading", "beginners"], status="draft")
        add_post("shares-one-oldest", tags=["flexion"], days_ago=40)

    page = client.get("/blog/subject").get_data(as_text=True)
    related = page[page.index('id="related-title"') :]
    assert listed_slugs(related) == ["shares-two", "shares-one-newer", "shares-one-older"]


def test_article_without_tags_has_no_related_section(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        add_post("lonely")
        add_post("other")
    assert 'id="related-title"' not in client.get("/blog/lonely").get_data(as_text=True)


def test_cover_image_is_shown_with_its_alt_text_and_served(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    (tmp_path / "walk.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    with app.app_context():
        add_post("with-cover", cover_image="walk.png", cover_alt="A riverside path at dawn")
        add_post("draft-cover", cover_image="walk.png", cover_alt="x", status="draft")
        add_post("no-cover")

    page = client.get("/blog/with-cover").get_data(as_text=True)
    assert '<img src="/blog/with-cover/cover" alt="A riverside path at dawn">' in page
    with client.get("/blog/with-cover/cover") as image:
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get("/blog/draft-cover/cover").status_code == 404
    assert client.get("/blog/no-cover/cover").status_code == 404
    assert 'class="cover"' not in client.get("/blog/no-cover").get_data(as_text=True)


def test_seeded_articles_are_listed_tagged_and_embed_drills(seeded_client: FlaskClient) -> None:
    index = seeded_client.get("/blog/").get_data(as_text=True)
    assert len(listed_slugs(index)) == 5
    assert "sleep-positions-for-a-sore-back" not in index  # the seeded draft
    article = seeded_client.get("/blog/four-directions-of-spinal-training").get_data(as_text=True)
    assert article.count('class="drill-embed card"') == 4
    assert 'href="/blog/tag/rotation"' in article


# Drill embeds, both directions


def test_apply_body_records_the_embedded_drills_in_order(seeded_app: Flask) -> None:
    with seeded_app.app_context():
        post = add_post(
            "embeds",
            body="Intro.\n\n[[drill:open-book]]\n\nMiddle.\n\n[[drill:cat-cow]]\n\n"
            "[[drill:no-such-drill]]\n\n[[drill:open-book]]\n\nInline [[drill:superman-hold]] "
            "in a sentence is only text.",
        )
        rows = db.session.execute(
            select(Drill.slug, PostDrill.position)
            .join(PostDrill, PostDrill.drill_id == Drill.id)
            .where(PostDrill.post_id == post.id)
            .order_by(PostDrill.position)
        ).all()
        assert [tuple(row) for row in rows] == [("open-book", 0), ("cat-cow", 1)]

        unknown = apply_body(post, "Now only [[drill:superman-hold]] inline, and\n\n[[drill:x-y]]")
        db.session.commit()
        assert unknown == ["x-y"]
        assert db.session.scalars(select(PostDrill).where(PostDrill.post_id == post.id)).all() == []


def test_each_drill_can_find_the_articles_that_embed_it(seeded_app: Flask) -> None:
    """The data the drill page lists its articles from."""
    with seeded_app.app_context():
        cat_cow = db.session.scalar(select(Drill).where(Drill.slug == "cat-cow"))
        add_post("cat-cow-deep-dive", body="[[drill:cat-cow]]")
        slugs = set(
            db.session.scalars(
                select(Post.slug)
                .join(PostDrill, PostDrill.post_id == Post.id)
                .where(PostDrill.drill_id == cat_cow.id)
            )
        )
    assert slugs == {"lying-still-wont-settle-your-back", "cat-cow-deep-dive"}


def test_article_shows_a_card_per_known_drill_and_nothing_for_an_unknown_one(
    seeded_app: Flask,
) -> None:
    with seeded_app.app_context():
        add_post("two-embeds", body="A.\n\n[[drill:cat-cow]]\n\n[[drill:retired-drill]]\n\nB.")
    page = seeded_app.test_client().get("/blog/two-embeds").get_data(as_text=True)
    body = page[page.index('id="article-body"') : page.index("</article>")]

    assert body.count('class="drill-embed card"') == 1
    assert '<a href="/drills/cat-cow">Cat-cow</a>' in body
    assert "retired-drill" not in page and "[[drill:" not in page
    drills_section = page[page.index('id="drills-title"') :]
    assert '<li><a href="/drills/cat-cow">Cat-cow</a></li>' in drills_section


def test_coach_preview_warns_about_an_unknown_drill(seeded_app: Flask) -> None:
    with seeded_app.app_context(), seeded_app.test_request_context():
        post = add_post("preview-me", status="draft", body="[[drill:retired-drill]]")
        preview = str(expand_drill_embeds(post.body_html, preview=True))
        visitor = str(expand_drill_embeds(post.body_html))
    assert 'class="embed-warning"' in preview and "retired-drill" in preview
    assert visitor.strip() == ""
