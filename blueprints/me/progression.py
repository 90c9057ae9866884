"""The next step for one drill, and why: a pure function of what was logged.

The default is a pain-monitoring model. Looking at the latest outings of a drill:
- a red flag not yet cleared by the coach: no suggestion at all;
- pain during above `hold_max_pain` (5), or a back that felt worse the next morning: step back;
- pain during above `up_max_pain` (3), or a back not settled the next morning (or not yet
  answered): hold;
- `sessions_in_a_row` (2) outings at the current step, each with pain at most `up_max_pain`,
  settled the next morning and every target set and rep done: move up one step;
- otherwise hold.
A step is one rung of a ladder: a load (bodyweight, then +step_kg each rung) or a drill (the
library's drills in one direction, easiest first). Nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Action = Literal["start", "up", "hold", "back", "none"]


@dataclass(frozen=True)
class Rule:
    """The coach's thresholds."""

    up_max_pain: int = 3
    hold_max_pain: int = 5
    sessions_in_a_row: int = 2


@dataclass(frozen=True)
class Outing:
    """One logged outing of a drill, oldest first in a history."""

    rung: int  # where on the ladder it was done (0 = bodyweight / the easiest drill)
    sets_done: int
    reps_done: int
    sets_target: int
    reps_target: int
    pain: int  # during, 0-10
    morning: str | None  # "settled", "stirred", "worse", or None while not yet answered
    # What was lifted (0: bodyweight); a load ladder's rung is only its nearest step. None: not
    # known, read as the rung's own load.
    load_kg: float | None = None


@dataclass(frozen=True)
class Ladder:
    """The rungs a drill can move along: loads in kg (None = bodyweight) or drill names."""

    kind: Literal["load", "drill", "hold"]
    step_kg: float = 2.5
    drills: tuple[str, ...] = ()  # for kind "drill": easiest first

    def label(self, rung: int) -> str:
        """How a person reads this rung: '4 kg', 'bodyweight', or a drill's name."""
        if self.kind == "drill" and self.drills:
            return self.drills[max(0, min(rung, len(self.drills) - 1))]
        load = self.load(rung)
        return "bodyweight" if load is None else f"{format_kg(load)} kg"

    def load(self, rung: int) -> float | None:
        """The load at a rung of a load ladder (None: bodyweight)."""
        return round(rung * self.step_kg, 2) if rung > 0 else None

    def top(self) -> int | None:
        """The highest rung, if there is one."""
        return len(self.drills) - 1 if self.kind == "drill" and self.drills else None


@dataclass(frozen=True)
class Suggestion:
    """What to do next time, at which rung, and the reason in plain words."""

    action: Action
    rung: int | None
    label: str
    reason: str


def rung_for_load(load_kg: float | None, step_kg: float) -> int:
    """The rung a load sits on (rounded to the nearest step; bodyweight is rung 0)."""
    if not load_kg or step_kg <= 0:
        return 0
    return max(0, round(load_kg / step_kg))


def format_kg(value: float) -> str:
    """2.5 -> '2.5', 4.0 -> '4'."""
    return f"{value:g}"


def suggest(
    history: Sequence[Outing], ladder: Ladder, rule: Rule, *, current: int, flagged: bool = False
) -> Suggestion:
    """The next step for a drill from its `history` (oldest first) at rung `current`."""
    if flagged:
        return Suggestion(
            "none", None, "", "A red flag was reported: no suggestion until your coach has looked."
        )
    if not history:
        return Suggestion("start", current, ladder.label(current), "Start at the plan's target.")
    last = history[-1]
    here = _describe(last, ladder)
    off = _off_ladder(ladder, last)
    if last.pain > rule.hold_max_pain:
        return _back(ladder, last.rung, f"last session {here}, pain {last.pain}/10")
    if last.morning == "worse":
        return _back(ladder, last.rung, f"last session {here}, worse the next morning")
    if last.pain > rule.up_max_pain:
        return _hold(ladder, last.rung, f"last session {here}, pain {last.pain}/10", off)
    if last.morning is None:
        return _hold(
            ladder, last.rung, f"last session {here}: how did the back feel next morning?", off
        )
    if last.morning != "settled":
        return _hold(ladder, last.rung, f"last session {here}, not settled the next morning", off)
    recent = list(history[-rule.sessions_in_a_row :])
    ready = len(recent) == rule.sessions_in_a_row and all(
        outing.rung == last.rung and _good(outing, rule) for outing in recent
    )
    if not ready:
        count = _words(rule.sessions_in_a_row)
        return _hold(
            ladder, last.rung, f"last session {here}; {count} good sessions in a row first", off
        )
    if ladder.kind == "hold":
        return _hold(ladder, last.rung, "this drill holds at its target; your coach moves it on")
    top = ladder.top()
    if top is not None and last.rung >= top:
        return _hold(ladder, last.rung, "this is the hardest drill in its direction")
    worst = max(outing.pain for outing in recent)
    if off < 0:  # lighter than its nearest step: that step is the move up
        lead = "last session" if len(recent) == 1 else f"last {_words(len(recent))} sessions"
        label = ladder.label(last.rung)
        return Suggestion(
            "up", last.rung, label,
            f"{lead} {here}, pain {worst}/10 at most, settled; next: {label}, "
            "the next step on your ladder",
        )  # fmt: skip
    lead = "last session" if len(recent) == 1 else f"last {_words(len(recent))} sessions"
    reason = f"{lead} {here}, pain {worst}/10 at most, settled"
    return Suggestion(
        "up",
        last.rung + 1,
        ladder.label(last.rung + 1),
        f"{reason}, so try {ladder.label(last.rung + 1)}",
    )


def _good(outing: Outing, rule: Rule) -> bool:
    return (
        outing.pain <= rule.up_max_pain
        and outing.morning == "settled"
        and outing.sets_done >= outing.sets_target
        and outing.reps_done >= outing.reps_target
    )


def _describe(outing: Outing, ladder: Ladder) -> str:
    """What was done, as logged: '3x8 at 4 kg' (not the ladder's nearest step)."""
    if ladder.kind == "drill":
        return f"{outing.sets_done}x{outing.reps_done} {ladder.label(outing.rung)}"
    if outing.load_kg is None:
        lifted = ladder.label(outing.rung)
    else:
        lifted = f"{format_kg(outing.load_kg)} kg" if outing.load_kg else "bodyweight"
    return f"{outing.sets_done}x{outing.reps_done} at {lifted}"


def _off_ladder(ladder: Ladder, outing: Outing) -> float:
    """How far the logged load is from its rung's (negative: lighter than the rung)."""
    if ladder.kind != "load" or outing.load_kg is None:
        return 0.0
    return round(outing.load_kg - (ladder.load(outing.rung) or 0), 2)


def _back(ladder: Ladder, rung: int, why: str) -> Suggestion:
    target = max(0, rung - 1)
    if target == rung:
        return Suggestion(
            "back", rung, ladder.label(rung),
            f"{why}, so ease off: stay at {ladder.label(rung)} with fewer reps,"
            " and tell your coach",
        )  # fmt: skip
    return Suggestion(
        "back", target, ladder.label(target), f"{why}, so back to {ladder.label(target)}"
    )


def _hold(ladder: Ladder, rung: int, why: str, off: float = 0.0) -> Suggestion:
    """Stay on this rung; a load logged between rungs is told which step that is."""
    label = ladder.label(rung)
    if off < 0:
        return Suggestion(
            "hold", rung, label, f"{why}; next: {label}, the next step on your ladder"
        )
    if off > 0:
        return Suggestion(
            "hold", rung, label, f"{why}; next: {label}, the nearest step on your ladder"
        )
    return Suggestion("hold", rung, label, f"{why}, so stay at {label}")


def _words(number: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(number, str(number))
