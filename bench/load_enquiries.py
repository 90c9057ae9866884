"""Load and faults: 1,000 enquiries from 20 clients, gunicorn (4 workers, SQLite), aiosmtpd.

python -m bench load_enquiries                       # the load run, then both faults
python -m bench.load_enquiries --scenario load       # one of: load, smtp-down, kill-worker
python -m bench.load_enquiries --enquiries 200 --smtp-outage silent --scenario smtp-down
python -m bench.load_enquiries --scenario kill-worker --sender cron
"""

from __future__ import annotations

import argparse

from harness.enquiry_load import RELAXED, SCENARIOS, Outcome, Plan, median_ms, p95_ms, plan_for, run


def describe(scenario: str, plan: Plan) -> str:
    """Two lines saying what the run does and what it relaxes."""
    fault = {
        "load": "no fault",
        "smtp-down": f"SMTP down ({plan.smtp_outage}) for the whole load, then back up",
        "kill-worker": f"one worker SIGKILLed after {plan.kill_worker_after} answers",
    }[scenario]
    relaxed = ", ".join(f"{key}={value}" for key, value in RELAXED.items())
    if plan.retry_first_seconds is not None:
        relaxed += (
            f", MAIL_RETRY_FIRST_SECONDS={plan.retry_first_seconds:g}"
            f", MAIL_CLAIM_LEASE_SECONDS={plan.claim_lease_seconds:g}"
        )
    sender = (
        "each worker's background sender"
        if plan.background_sender
        else "`flask send-mail --loop` alone (MAIL_BACKGROUND_SENDER=false)"
    )
    return (
        f"  {plan.enquiries} enquiries (topic 'other'), {plan.clients} clients, gunicorn "
        f"{plan.workers} workers, SQLite, aiosmtpd on loopback; {fault}; mail sent by {sender}\n"
        f"  relaxed for this run through the environment: {relaxed}"
    )


def report(outcome: Outcome) -> list[str]:
    """The figures of one run, one per line."""
    posts = outcome.posts
    answered = len(outcome.answers)
    drain = f"{outcome.drain_seconds:.1f} s" if outcome.drain_seconds is not None else "TIMED OUT"
    lines = [
        f"requests: {answered} POSTs + {len(outcome.get_seconds)} GETs of the form in "
        f"{outcome.load_seconds:.1f} s; {answered / outcome.load_seconds:.1f} enquiries/s",
        f"POST latency: median {median_ms(posts):.0f} ms, p95 {p95_ms(posts):.0f} ms, "
        f"max {max(posts, default=0) * 1000:.0f} ms "
        f"(GET form: median {median_ms(outcome.get_seconds):.0f} ms)",
        f"answers: {dict(sorted(outcome.statuses.items()))}; 5xx: {outcome.server_errors}; "
        f"no answer (connection dropped): {outcome.connection_errors} enquiries; "
        f"failed GETs of the form, retried: {outcome.form_errors}",
        f"rows: {sum(outcome.stored.values())} enquiries ({len(outcome.stored)} distinct), "
        f"told 'sent' {len(outcome.succeeded)}, lost {len(outcome.lost)}, stored twice "
        f"{len(outcome.doubled)}, half-written {len(outcome.half_written)}, "
        f"integrity_check {outcome.integrity}",
        f"'database is locked' in gunicorn's log: {outcome.locked}; tracebacks: "
        f"{outcome.tracebacks}",
        f"outbox when the load ended: {dict(sorted(outcome.outbox_at_load_end.items()))}, "
        f"{outcome.tried_at_load_end} tried or being tried",
        f"emails: {len(outcome.outbox)} queued, {outcome.received} received "
        f"({len(outcome.arrivals)} distinct Message-IDs), duplicates {outcome.duplicates}, "
        f"never delivered {len(outcome.undelivered)}, unexpected {len(outcome.unexpected)}",
        f"time to drain after the load: {drain}; then `flask send-mail`: {outcome.send_mail_after}",
    ]
    if outcome.killed_pid is not None:
        lines.append(
            f"killed worker pid {outcome.killed_pid} with SIGKILL; emails sent before the "
            f"kill and again after it (its in-flight send): {outcome.crash_window_copies}; "
            f"other duplicates: {outcome.unexplained_duplicates}"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the chosen scenarios (all three by default) and print their figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.load_enquiries")
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--enquiries", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--smtp-outage", choices=["refused", "silent"], default="refused")
    parser.add_argument("--sender", choices=["background", "cron"], default="background")
    args = parser.parse_args(argv or [])
    for scenario in SCENARIOS if args.scenario == "all" else [args.scenario]:
        plan = plan_for(
            scenario, args.enquiries, args.clients, args.smtp_outage, args.sender == "background"
        )
        print(f"{scenario}:\n{describe(scenario, plan)}", flush=True)
        for line in report(run(plan)):
            print(f"  {line}", flush=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
