"""My progress: the charts' geometry as a pure function, and the page a client reads (the highest
pain of each session, the morning answers, each drill's load, the period chosen)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient

from blueprints.me.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, line_chart
from harness.me import CURL, START, log_day, sign_in

BOTTOM_Y = HEIGHT - BOTTOM


def test_a_chart_runs_from_the_first_day_to_the_last_and_from_zero_to_a_round_top() -> None:
    chart = line_chart([(date(2027, 1, 1), 0.0), (date(2027, 1, 11), 7.5)], "kg")
    first, last = chart.points
    assert (first.x, first.y) == (LEFT, BOTTOM_Y)  # day one at 0 kg: the bottom left corner
    assert last.x == WIDTH - RIGHT and last.y == TOP + (BOTTOM_Y - TOP) * (1 - 7.5 / 10)
    assert [label for _, label in chart.y_ticks] == ["0", "2.5", "5", "7.5", "10"]
    assert [label for _, label in chart.x_ticks] == ["1 Jan 2027", "11 Jan 2027"]
    assert chart.polyline == f"{LEFT:.1f},{BOTTOM_Y:.1f} {last.x:.1f},{last.y:.1f}"


def test_one_point_stands_in_the_middle_and_a_pain_chart_keeps_its_ten() -> None:
    chart = line_chart([(date(2027, 3, 2), 4.0)], "/10", y_max=10)
    [point] = chart.points
    assert point.x == LEFT + (WIDTH - LEFT - RIGHT) / 2
    assert [label for _, label in chart.x_ticks] == ["2 Mar 2027"]
    assert chart.y_ticks[-1][1] == "10"


def test_an_empty_chart_has_axes_and_no_points() -> None:
    chart = line_chart([], "kg")
    assert chart.points == [] and chart.x_ticks == [] and chart.polyline == ""
    assert [label for _, label in chart.y_ticks] == ["0", "1.25", "2.5", "3.75", "5"]


def test_loads_beyond_the_round_tops_are_the_top_themselves() -> None:
    assert line_chart([(date(2027, 1, 1), 350.0)], "kg").y_ticks[-1][1] == "350"
    assert line_chart([(date(2027, 1, 1), 41.0)], "kg").y_ticks[-1][1] == "60"


def numbers(page: str, caption: str) -> list[tuple[str, str]]:
    """The (date, value) rows of the table captioned `caption`."""
    start = page.index(f'<caption class="visually-hidden">{caption}</caption>')
    body = page[start : page.index("</table>", start)]
    return re.findall(r"<tr><td>([\d-]+)</td><td>([\d.]+)</td></tr>", body)


def test_my_progress_shows_each_session_and_the_period_i_choose(
    site: Flask, web: FlaskClient
) -> None:
    log_day(web, site, 0, pain=2)
    log_day(web, site, 2, pain=3, load="2.5")
    later = START + timedelta(days=100, hours=1)
    with time_machine.travel(later, tick=True):
        sign_in(web, site)  # two weeks is as long as a sign-in lasts
    log_day(web, site, 100, pain=1, load="5")  # the morning of day 2 answered first (pain 1)
    day = [(START + timedelta(days=n)).date().isoformat() for n in (0, 2, 100)]

    with time_machine.travel(later + timedelta(hours=1), tick=True):
        recent = web.get("/me/progress")
        everything = web.get("/me/progress?range=all")
        unknown = web.get("/me/progress?range=forever")
    assert recent.status_code == everything.status_code == 200
    # The last 12 weeks hold only day 100; everything holds all three sessions.
    assert "1 session in this period." in recent.text
    assert numbers(recent.text, f"Load for {CURL} (kg; 0 is bodyweight)") == [(day[2], "5.0")]
    assert "3 sessions in this period." in everything.text
    load = numbers(everything.text, f"Load for {CURL} (kg; 0 is bodyweight)")
    assert load == [(day[0], "0.0"), (day[1], "2.5"), (day[2], "5.0")]
    pain = numbers(everything.text, "Pain during sessions (highest per session, 0-10)")
    assert pain == [(day[0], "2.0"), (day[1], "3.0"), (day[2], "1.0")]
    # Only the sessions whose next morning was answered (days 0 and 2, before logging again).
    morning = numbers(everything.text, "Pain the next morning (0-10)")
    assert morning == [(day[0], "1.0"), (day[1], "1.0")]
    assert 'aria-current="page">Everything</a>' in everything.text
    # An unknown period is the default one, not an error.
    assert 'aria-current="page">The last 12 weeks</a>' in unknown.text
    assert "1 session in this period." in unknown.text
