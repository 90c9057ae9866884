"""The progression rule, as a pure function: examples that read like the coach's method, and
properties over any history hypothesis can make up."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprints.me.progression import Ladder, Outing, Rule, suggest

LOAD = Ladder("load", step_kg=2.5)
DRILLS = Ladder("drill", drills=("Standing side reach", "Side plank", "Overhead side bend"))


def outing(rung: int = 0, pain: int = 2, morning: str | None = "settled", reps: int = 8) -> Outing:
    return Outing(rung, 3, reps, 3, 8, pain, morning)


def test_two_good_sessions_at_bodyweight_suggest_the_first_load_step() -> None:
    step = suggest([outing(), outing()], LOAD, Rule(), current=0)
    assert (step.action, step.label) == ("up", "2.5 kg")
    assert (
        step.reason
        == "last two sessions 3x8 at bodyweight, pain 2/10 at most, settled, so try 2.5 kg"
    )


def test_one_good_session_is_not_enough() -> None:
    assert suggest([outing()], LOAD, Rule(), current=0).action == "hold"


def test_pain_above_five_steps_back_one_load() -> None:
    step = suggest([outing(), outing(rung=2, pain=7)], LOAD, Rule(), current=2)
    assert (step.action, step.label) == ("back", "2.5 kg")
    assert "pain 7/10" in step.reason


def test_worse_next_morning_steps_back_and_pain_four_holds() -> None:
    assert suggest([outing(rung=1, morning="worse")], LOAD, Rule(), current=1).action == "back"
    assert suggest([outing(), outing(pain=4)], LOAD, Rule(), current=0).action == "hold"
    assert suggest([outing(), outing(morning="stirred")], LOAD, Rule(), current=0).action == "hold"


def test_missed_reps_hold() -> None:
    assert suggest([outing(), outing(reps=6)], LOAD, Rule(), current=0).action == "hold"


def test_drill_ladder_moves_to_the_next_harder_drill_and_stops_at_the_top() -> None:
    step = suggest([outing(), outing()], DRILLS, Rule(), current=0)
    assert (step.action, step.label) == ("up", "Side plank")
    top = suggest([outing(rung=2), outing(rung=2)], DRILLS, Rule(), current=2)
    assert top.action == "hold"


def test_a_red_flag_means_no_suggestion() -> None:
    step = suggest([outing(), outing()], LOAD, Rule(), current=0, flagged=True)
    assert (step.action, step.rung) == ("none", None)


def test_the_coach_can_tune_the_rule() -> None:
    strict = Rule(up_max_pain=1, hold_max_pain=3, sessions_in_a_row=3)
    assert suggest([outing(), outing()], LOAD, strict, current=0).action == "hold"
    assert suggest([outing(pain=4)], LOAD, strict, current=0).action == "back"
    relaxed = Rule(sessions_in_a_row=1)
    assert suggest([outing()], LOAD, relaxed, current=0).action == "up"


outings = st.builds(
    Outing,
    rung=st.integers(0, 6),
    sets_done=st.integers(0, 5),
    reps_done=st.integers(0, 12),
    sets_target=st.integers(1, 5),
    reps_target=st.integers(1, 12),
    pain=st.integers(0, 10),
    morning=st.sampled_from(["settled", "stirred", "worse", None]),
)
rules = st.integers(0, 10).flatmap(
    lambda up: st.builds(
        Rule,
        up_max_pain=st.just(up),
        hold_max_pain=st.integers(up, 10),
        sessions_in_a_row=st.integers(1, 5),
    )
)
# The machine is shared: a slow draw is the neighbours, not the strategy.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
ladders = st.one_of(
    st.builds(Ladder, kind=st.just("load"), step_kg=st.sampled_from([1.0, 2.5, 5.0])),
    st.just(DRILLS),
    st.just(Ladder("hold")),
)


@relaxed
@given(history=st.lists(outings, min_size=1, max_size=8), rule=rules, ladder=ladders)
def test_never_up_after_pain_above_the_hold_limit(history, rule, ladder) -> None:  # type: ignore[no-untyped-def]
    step = suggest(history, ladder, rule, current=history[-1].rung)
    if history[-1].pain > rule.hold_max_pain:
        assert step.action == "back"
        assert step.rung is not None and step.rung <= history[-1].rung
    if history[-1].pain > 5 and rule == Rule():
        assert step.action != "up"


@relaxed
@given(history=st.lists(outings, min_size=1, max_size=8), rule=rules, ladder=ladders)
def test_never_more_than_one_step_at_a_time(history, rule, ladder) -> None:  # type: ignore[no-untyped-def]
    step = suggest(history, ladder, rule, current=history[-1].rung)
    assert step.rung is not None
    assert abs(step.rung - history[-1].rung) <= 1
    assert step.rung >= 0
    if step.action == "up":
        assert step.rung == history[-1].rung + 1
        assert history[-1].pain <= rule.up_max_pain and history[-1].morning == "settled"


@relaxed
@given(history=st.lists(outings, max_size=8), rule=rules, ladder=ladders, current=st.integers(0, 6))
def test_a_red_flag_always_silences_the_rule(history, rule, ladder, current) -> None:  # type: ignore[no-untyped-def]
    assert suggest(history, ladder, rule, current=current, flagged=True).action == "none"


def logged(load_kg: float, pain: int = 2, morning: str | None = "settled") -> Outing:
    """An outing as the log stores it: the load lifted, on the rung nearest to it."""
    rung = round(load_kg / LOAD.step_kg)
    return Outing(rung, 3, 8, 3, 8, pain, morning, load_kg=load_kg)


def test_a_load_between_rungs_is_told_as_logged_and_the_next_rung_named_apart() -> None:
    step = suggest([logged(4)], LOAD, Rule(), current=2)
    assert (step.action, step.label) == ("hold", "5 kg")
    assert step.reason == (
        "last session 3x8 at 4 kg; two good sessions in a row first"
        "; next: 5 kg, the next step on your ladder"
    )
    assert "stay at" not in step.reason and "at 5 kg" not in step.reason


def test_ready_below_a_rung_moves_to_that_rung_not_past_it() -> None:
    step = suggest([logged(4), logged(4)], LOAD, Rule(), current=2)
    assert (step.action, step.label) == ("up", "5 kg")
    assert step.reason.endswith(
        "3x8 at 4 kg, pain 2/10 at most, settled; next: 5 kg, the next step on your ladder"
    )


def test_a_load_above_its_rung_is_told_as_logged_and_the_nearest_rung_named() -> None:
    step = suggest([logged(5.5, pain=4)], LOAD, Rule(), current=2)
    assert step.reason == (
        "last session 3x8 at 5.5 kg, pain 4/10; next: 5 kg, the nearest step on your ladder"
    )


def test_a_load_on_its_rung_still_says_stay() -> None:
    step = suggest([logged(5, pain=4)], LOAD, Rule(), current=2)
    assert step.reason == "last session 3x8 at 5 kg, pain 4/10, so stay at 5 kg"
