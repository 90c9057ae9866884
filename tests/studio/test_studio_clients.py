"""The coach's clients list with more clients than a page holds: everyone who needs a look is
found, wherever they sort; everyone else is paged by key, each once; the statements a page runs
do not grow with the number of clients."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from blueprints.me.models import Client
from blueprints.shared.extensions import db
from blueprints.studio.clients import PAGE_SIZE
from harness.clients import ClientSpec, add_clients
from harness.coach import coach_client
from harness.me import count_statements

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
NEED_ROW = re.compile(r'<td><a href="/studio/clients/\d+">([^<]+)</a></td>\s*<td>([^<]*)</td>')
REST_ROW = re.compile(r'<li><a href="/studio/clients/\d+">([^<]+)</a>')
REST_NEXT = re.compile(r'<a rel="next" href="(/studio/clients\?after=[^"]+)"')
NEED_NEXT = re.compile(r'<a rel="next" href="(/studio/clients\?need_after=[^"]+)"')


@pytest.fixture(autouse=True)
def _at_a_fixed_instant() -> Iterator[None]:
    """The site and every row of these tests live at NOW."""
    with time_machine.travel(NOW, tick=True):
        yield


def steady(first: int, count: int) -> list[ClientSpec]:
    """Clients who logged in the last ten days, low pain, not yet every rep: nothing to look at.
    The 25th has a `_` in their email (the last of a page: its key is `email_id`)."""
    return [
        ClientSpec(
            f"c{n:04d}{'_x' if n == 24 else ''}@example.com", TODAY - timedelta(days=1 + n % 10)
        )
        for n in range(first, first + count)
    ]


SPECIAL = [
    ClientSpec("aaa-pain@example.com", TODAY - timedelta(days=1), last_pain=7),
    ClientSpec("mmm-quiet@example.com", TODAY - timedelta(days=20)),
    ClientSpec("zz-never@example.com", None, plan_made=datetime(2026, 10, 1, 9, 0)),
    ClientSpec("zzz-flag@example.com", TODAY - timedelta(days=2), flag_open=True),
]
NEED_REASONS = {
    "aaa-pain@example.com": "Pain above 5 in the last session",
    "mmm-quiet@example.com": "No log for two weeks",
    "zz-never@example.com": "No log for two weeks",
    "zzz-flag@example.com": "Red flag reported",
}
# Sorts into the second page of everyone else: every rep done, settled, two sessions running.
READY = ClientSpec("c0060-ready@example.com", TODAY - timedelta(days=1), all_reps=True)
NEW_PLAN = ClientSpec("c0070-new@example.com", None, plan_made=datetime(2026, 11, 18, 9, 0))


def store(app: Flask, specs: list[ClientSpec], without_plan: str | None = None) -> None:
    with app.app_context():
        add_clients(specs, TODAY)
        if without_plan:  # asked for a sign-in link once; no plan, no log: not listed
            db.session.add(Client(email=without_plan))
            db.session.commit()


def read(coach: FlaskClient, url: str) -> tuple[dict[str, str], list[str], str | None, str | None]:
    """(need-a-look rows: email -> reasons, everyone-else emails, next rest page, next need
    page) of one page of the clients list."""
    response = coach.get(url)
    assert response.status_code == 200
    page = response.text
    need_part = page[page.index('id="needs-a-look"') : page.index('id="rest-title"')]
    rest_part = page[page.index('id="everyone-else"') :]
    need = {
        html_lib.unescape(email): html_lib.unescape(why)
        for email, why in NEED_ROW.findall(need_part)
    }
    rest = [html_lib.unescape(email) for email in REST_ROW.findall(rest_part)]
    rest_next, need_next = REST_NEXT.search(page), NEED_NEXT.search(page)
    return (
        need,
        rest,
        html_lib.unescape(rest_next.group(1)) if rest_next else None,
        html_lib.unescape(need_next.group(1)) if need_next else None,
    )


def test_everyone_who_needs_a_look_is_found_and_the_rest_are_paged_once_each(
    app: Flask,
) -> None:
    others = steady(0, 130)
    store(app, others + SPECIAL + [READY, NEW_PLAN], without_plan="asked-once@example.com")
    coach = coach_client(app)

    need, rest, rest_next, need_next = read(coach, "/studio/clients")
    assert need_next is None
    # Everyone with a reason the database can tell, the last by email included, on page one.
    assert set(need) == set(NEED_REASONS)
    for email, reason in NEED_REASONS.items():
        assert need[email].startswith(reason), (email, need[email])
    assert len(rest) == PAGE_SIZE and rest[-1] == "c0024_x@example.com"
    assert rest_next is not None and "after=" in rest_next

    # Walking everyone else: each client once, in email order, nobody lost; the one ready to
    # progress shows among those who need a look on the page that covers them.
    seen, ready_seen, pages = list(rest), {}, 1
    while rest_next is not None:
        need, rest, rest_next, _ = read(coach, rest_next)
        seen += rest
        ready_seen |= {e: why for e, why in need.items() if e not in NEED_REASONS}
        assert set(NEED_REASONS) <= set(need)  # still at the top of every page
        pages += 1
        assert pages < 10, "the next links go round in circles"
    assert len(seen) == len(set(seen))
    expected_rest = sorted([spec.email for spec in others] + [NEW_PLAN.email])
    assert seen == expected_rest
    assert ready_seen == {READY.email: "Ready to progress: " + ", ".join(
        ["Jefferson curl", "Side plank", "Bird dog", "Pallof press"])}  # fmt: skip
    assert "asked-once@example.com" not in seen


def test_a_long_need_a_look_list_is_paged_too(app: Flask) -> None:
    quiet = [ClientSpec(f"q{n:03d}@example.com", TODAY - timedelta(days=15 + n)) for n in range(70)]
    store(app, quiet + SPECIAL + steady(0, 5))
    coach = coach_client(app)
    shown: list[str] = []
    url: str | None = "/studio/clients"
    while url is not None:
        need, rest, _, url = read(coach, url)
        assert sorted(rest) == [spec.email for spec in steady(0, 5)]
        shown += list(need)
        assert len(shown) < 200, "the next links go round in circles"
    expected = sorted([spec.email for spec in quiet] + list(NEED_REASONS))
    assert shown == expected  # each once, by email: the red flag on the last page


def test_the_statements_a_page_runs_do_not_grow_with_the_clients(app: Flask) -> None:
    coach = coach_client(app)

    def statements(url: str) -> int:
        pages = []
        count = count_statements(app, lambda: pages.append(coach.get(url)))
        assert pages[0].status_code == 200
        return count

    store(app, steady(0, 60) + SPECIAL + [READY])
    few_first = statements("/studio/clients")
    _, _, rest_next, _ = read(coach, "/studio/clients")
    assert rest_next is not None
    few_next = statements(rest_next)
    store(app, steady(60, 400) + [ClientSpec("a-pain2@example.com", TODAY, last_pain=9)])
    assert statements("/studio/clients") == few_first
    assert statements(rest_next) == few_next
    assert few_first <= 12
