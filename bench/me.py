"""My program: a client's plan page and session log with two years of logs behind them.

A real migrated SQLite file (WAL) with the demo content and one client on an 8-drill plan who
has logged 300 sessions (2,400 drill entries) over two years; requests go through the app with
a signed-in test client. Prints medians and the 95th percentile in milliseconds, and the number
of SQL statements the plan page runs with 10 sessions logged and with 300.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bench.programs import _summary, _timed
from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, SessionLog
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.seed import seed_demo_content
from harness import build_migrated_database, make_app, shutdown_app
from harness.me import add_signup, consent, count_statements, sign_in

RUNS = 60
SESSIONS, DRILLS, FIRST = 300, 8, 10
EXTRA = ["Pallof press", "Side plank", "Prone press-up"]


def _plan_of_eight(app) -> list[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.client_id.is_not(None)))
        for name in EXTRA[: DRILLS - len(plan.drills)]:
            plan.drills.append(PlanDrill(name=name, sets=3, reps=8, progression="load"))
        db.session.commit()
        return [item.id for item in plan.drills]


def _log_history(app, drill_ids: list[int], numbers: range) -> None:  # type: ignore[no-untyped-def]
    today = utcnow().date()
    with app.app_context():
        client = db.session.scalar(select(Client))
        for n in numbers:  # every other or third day, oldest first, ending yesterday
            day = today - timedelta(days=1 + (SESSIONS - 1 - n) * 730 // SESSIONS)
            db.session.add(
                SessionLog(
                    client_id=client.id, performed_on=day, morning_pain=1,
                    morning_compared="settled",
                    entries=[
                        DrillLog(plan_drill_id=key, name=f"Drill {key}", sets=3, reps=8,
                                 load_kg=2.5 * (n // 40) or None, pain=(n + key) % 4)
                        for key in drill_ids
                    ],
                )
            )  # fmt: skip
        db.session.commit()


def _cpu(call) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    call()
    return (time.process_time() - start) * 1000


def _both(label: str, call, runs: int = RUNS) -> None:  # type: ignore[no-untyped-def]
    """Wall-clock median/p95 and the median CPU time of this process (less hurt by neighbours)."""
    wall, cpu = [], []
    for _ in range(runs):
        wall.append(_timed(call))
        cpu.append(_cpu(call))
    print(f"{_summary(label, wall)}  CPU median {statistics.median(cpu):6.2f} ms")


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        build_migrated_database(database)
        app = make_app(database)
        with app.app_context():
            seed_demo_content()
            db.session.commit()
        add_signup(app)
        browser = app.test_client()
        sign_in(browser, app)
        consent(browser)
        drill_ids = _plan_of_eight(app)

        _log_history(app, drill_ids, range(SESSIONS - FIRST, SESSIONS))
        few = count_statements(app, lambda: browser.get("/me/"))
        _log_history(app, drill_ids, range(SESSIONS - FIRST))
        many = count_statements(app, lambda: browser.get("/me/"))
        print(f"{'SQL statements for /me/, 10 vs 300 sessions':<46} {few} vs {many}")

        visitor = app.test_client()
        for label, call in [
            ("for scale: /me/ signed out (a small page)", lambda: visitor.get("/me/")),
            ("/me/ plan page, 300 sessions x 8 drills", lambda: browser.get("/me/")),
            ("/me/log form", lambda: browser.get("/me/log")),
            ("/me/progress, last 12 weeks", lambda: browser.get("/me/progress")),
            ("/me/progress, all two years", lambda: browser.get("/me/progress?range=all")),
        ]:
            _both(label, call)

        today = utcnow().date().isoformat()
        form = {"performed_on": today}
        for key in drill_ids:
            form |= {f"sets-{key}": "3", f"reps-{key}": "8", f"load-{key}": "5", f"pain-{key}": "2"}
        _both(
            "log POST, 8 drills (stored, then redirect)",
            lambda: browser.post("/me/log", data=form),
            RUNS // 2,
        )
        with app.app_context():
            stored = db.session.scalar(select(db.func.count()).select_from(SessionLog))
        print(f"{'sessions stored':<46} {stored} (expected {SESSIONS + RUNS // 2 * 2})")
        shutdown_app(app)


if __name__ == "__main__":
    main()
