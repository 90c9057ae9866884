"""Blog figures: page render times, and full-text search (FTS5) against the ILIKE fallback.

Builds a real migrated SQLite file with the demo content plus synthetic articles, then times
requests through the Flask test client (rendering, queries and all, no network).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient

from blueprints.blog.models import Post
from blueprints.blog.publishing import apply_body
from blueprints.blog.search import MAX_RESULTS, _fts_matches, _ilike_matches, search_terms
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import build_migrated_database, make_app, shutdown_app

SYNTHETIC_ARTICLES = 600
WORDS_PER_ARTICLE = 800
REPEATS = 30
DOMAIN_WORDS = (
    "back spine hinge brace load tempo breathe stiff sore rest walk sit stand bend twist reach "
    "carry lift hold press row squat plank bridge curl hip knee glute core rib neck shoulder "
    "morning evening week month gentle slow steady strong calm flare settle ease build adapt "
    "tissue disc joint nerve muscle tendon habit desk chair sofa stairs garden kettlebell band"
)
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "gri", "sto", "fle", "mar"]
# Words of the text follow Zipf's law, as natural language roughly does: a few words are in
# every article, most are in a handful.
ZIPF_EXPONENT = 1.1
QUERIES = {
    "common word": "back",
    "mid-frequency word": "kettlebell",
    "two words": "stiff morning",
    "rare word": "zygapophyseal",
    "prefix while typing": "kettleb",
    "no match": "unicornish",
}


def _vocabulary(rng: random.Random) -> list[str]:
    made_up = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(6000)
    }
    return DOMAIN_WORDS.split() + sorted(made_up - set(DOMAIN_WORDS.split()))


def median_ms(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of `action` in milliseconds (after one warm-up call)."""
    action()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _add_synthetic_articles(count: int) -> None:
    rng = random.Random(7)
    vocabulary = _vocabulary(rng)
    weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, len(vocabulary) + 1)]
    for number in range(count):
        words = rng.choices(vocabulary, weights, k=WORDS_PER_ARTICLE)
        if number % 100 == 0:
            words[rng.randrange(len(words))] = "zygapophyseal"
        paragraphs = [" ".join(words[i : i + 80]) + "." for i in range(0, len(words), 80)]
        post = Post(
            slug=f"synthetic-{number}",
            title=f"Synthetic article {number} about {rng.choice(vocabulary[:60])}",
            summary="A generated article for the benchmark.",
            status="published",
            published_at=utcnow() - timedelta(days=number + 1),
        )
        apply_body(post, "\n\n".join(["## Section", *paragraphs, "[[drill:cat-cow]]"]))
        db.session.add(post)
    db.session.commit()


def _print_page_figures(client: FlaskClient, total: int) -> None:
    pages = {
        "article page (3 drill cards)": "/blog/lying-still-wont-settle-your-back",
        "article list, page 1": "/blog/",
        "article list, page 30": "/blog/?page=30",
        "tag page": "/blog/tag/back-pain",
        "search page (FTS5)": "/blog/search?q=kettlebell",
        "feed.xml (20 entries)": "/feed.xml",
        f"sitemap.xml ({total}+ urls)": "/sitemap.xml",
    }
    for label, path in pages.items():
        assert client.get(path).status_code == 200, path
        figure = median_ms(lambda path=path: client.get(path))
        print(f"  {label:<32} median {figure:7.2f} ms")


def _print_search_figures() -> None:
    print(f"  search query alone ({MAX_RESULTS} results max), median ms: FTS5 vs ILIKE fallback")
    for label, query in QUERIES.items():
        terms = search_terms(query)
        hits = len(_fts_matches(terms, MAX_RESULTS))
        fts = median_ms(lambda terms=terms: _fts_matches(terms, MAX_RESULTS))
        ilike = median_ms(lambda terms=terms: _ilike_matches(terms, MAX_RESULTS), repeats=10)
        print(
            f"    {label:<20} {query!r:<16} {hits:>2} hits  FTS5 {fts:6.2f}"
            f"  ILIKE {ilike:7.2f}  ILIKE/FTS5 x{ilike / fts:5.1f}"
        )


def main() -> None:
    """Print the blog's figures."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        build_migrated_database(database)
        app = make_app(database)
        try:
            with app.app_context():
                seed_demo_content()
                start = time.perf_counter()
                _add_synthetic_articles(SYNTHETIC_ARTICLES)
                save_ms = (time.perf_counter() - start) * 1000 / SYNTHETIC_ARTICLES
            total = SYNTHETIC_ARTICLES + 5
            print(f"blog: {total} public articles of ~{WORDS_PER_ARTICLE} words, SQLite file")
            print(f"  save (apply_body + index triggers + commit): {save_ms:.2f} ms per article")
            _print_page_figures(app.test_client(), total)
            with app.app_context():
                _print_search_figures()
        finally:
            shutdown_app(app)
