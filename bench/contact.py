"""Contact and booking: slot computation, the contact page, booking, the outbox, a slot race."""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from flask import Flask

from bench import contact_throughput
from blueprints.booking.slots import free_slots, load_availability, slot_value
from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.outbox import deliver_due, queue_email
from blueprints.shared.seed import seed_demo_content
from harness import SmtpServer, build_migrated_database, make_app, shutdown_app
from harness.forms import booking_data, enquiry_data


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _fresh_app(workdir: Path, name: str, **config: object) -> Flask:
    path = workdir / f"{name}.sqlite"
    build_migrated_database(path)
    app = make_app(path, CONTACT_RATE_LIMIT=10_000, **config)
    with app.app_context():
        seed_demo_content()
        db.session.remove()
    return app


def bench_slots(app: Flask) -> None:
    """free_slots() over the 21-day horizon, empty and with every other slot booked."""
    with app.app_context():
        availability = load_availability()
        now = utcnow()
        empty = _median_ms(lambda: free_slots(availability, now), 200)
        starts = free_slots(availability, now)
        busy = tuple((s, s + availability.slot) for s in starts[::2])
        crowded = replace(availability, busy=busy)
        full = _median_ms(lambda: free_slots(crowded, now), 200)
        db.session.remove()
    print(f"  free_slots, 21 days, {len(starts)} slots: median {empty:.2f} ms")
    print(f"  free_slots with {len(busy)} bookings: median {full:.2f} ms")


def bench_pages(app: Flask) -> None:
    """The contact page with slots, and a plain enquiry POST, through the WSGI app."""
    client = app.test_client()
    page = _median_ms(lambda: client.get("/contact/?topic=consultation"), 50)
    partial = _median_ms(
        lambda: client.get("/contact/?topic=consultation", headers={"HX-Request": "true"}), 50
    )
    # One form (and stamp) per enquiry: a stamp serves only a few submissions.
    enquiries = iter([enquiry_data(app) for _ in range(50)])
    post = _median_ms(
        lambda: client.post("/contact/", data=next(enquiries), headers={"HX-Request": "true"}), 50
    )
    print(
        f"  GET /contact/?topic=consultation: median {page:.1f} ms (htmx partial {partial:.1f} ms)"
    )
    print(f"  POST enquiry (stored + 2 emails queued): median {post:.1f} ms")


def bench_busy_times(app: Flask) -> None:
    """Free times recomputed (after any change) and the time fragment, with a busy calendar.

    300 busy blocks over the three-week horizon (a full diary) against none: stored blocks are
    read with the bookings, so the picker pays one more small query when the free times are
    recomputed, and nothing on the requests in between.
    """
    from datetime import timedelta

    from blueprints.booking.freetimes import free_times
    from blueprints.booking.models import BusyBlock, BusyCalendar

    client = app.test_client()
    htmx = {"HX-Request": "true"}

    def recompute() -> object:
        with app.app_context():
            result = free_slots(load_availability(), utcnow())
            db.session.remove()
        return result

    def fragment() -> object:
        return client.get("/contact/times?topic=consultation", headers=htmx)

    def figures(label: str) -> None:
        with app.app_context():
            free_times()  # warm this process's copy
            db.session.remove()
        computed = _median_ms(recompute, 100)
        cached = _median_ms(fragment, 100)
        print(
            f"  {label}: free times recomputed median {computed:.2f} ms; "
            f"GET /contact/times (htmx) median {cached:.2f} ms"
        )

    figures("no calendar")
    with app.app_context():
        calendar = BusyCalendar(url="https://calendar.example.org/x.ics", label="bench")
        db.session.add(calendar)
        db.session.flush()
        start = utcnow().replace(minute=0, second=0, microsecond=0)
        for n in range(300):
            begins = start + timedelta(hours=1 + n * 5 // 3)
            db.session.add(
                BusyBlock(
                    calendar_id=calendar.id, starts_at=begins, ends_at=begins + timedelta(hours=1)
                )
            )
        calendar_id = calendar.id
        db.session.commit()
        db.session.remove()
    figures("300 busy blocks")
    with app.app_context():
        db.session.delete(db.session.get(BusyCalendar, calendar_id))
        db.session.commit()
        db.session.remove()


def bench_booking_and_race(app: Flask) -> None:
    """Booking latency, then 20 threads claiming one slot at once."""
    client = app.test_client()
    with app.app_context():
        starts = free_slots(load_availability(), utcnow())
        db.session.remove()
    forms = iter(booking_data(app, slot_value(s)) for s in starts[1:21])
    booked = _median_ms(
        lambda: client.post("/contact/", data=next(forms), headers={"HX-Request": "true"}), 20
    )
    print(f"  POST booking (slot check + insert + 2 emails): median {booked:.1f} ms")
    slot = slot_value(starts[0])
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def claim(n: int) -> None:
        data = booking_data(app, slot, email=f"race{n}@example.org")
        barrier.wait()
        response = app.test_client().post(
            "/contact/",
            data=data,
            headers={"HX-Request": "true"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(20)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = (time.perf_counter() - started) * 1000
    booked_count, taken_count = statuses.count(200), statuses.count(409)
    others = len(statuses) - booked_count - taken_count
    print(
        f"  20 simultaneous claims of one slot: {booked_count} booked, {taken_count} told "
        f"'just taken', {others} other answers; {wall:.0f} ms wall"
    )


def bench_outbox(workdir: Path) -> None:
    """Delivery rate to a real SMTP server on loopback."""
    server = SmtpServer().start()
    app = _fresh_app(workdir, "outbox", **server.mail_config())
    try:
        with app.app_context():
            for n in range(100):
                queue_email(
                    "bench",
                    f"reader{n}@example.org",
                    "Hello",
                    "contact_autoreply",
                    enquiry={"name": "Reader", "message": "x"},
                )
            db.session.commit()
            started = time.perf_counter()
            sent = 0
            while (report := deliver_due()).sent:
                sent += report.sent
            elapsed = time.perf_counter() - started
            db.session.remove()
        server.recorder.wait_for(100)
        print(f"  outbox to aiosmtpd: {sent} emails in {elapsed:.2f} s ({sent / elapsed:.0f}/s)")
    finally:
        shutdown_app(app)
        server.stop()


def main() -> None:
    """Print the contact blueprint's figures."""
    print("contact and booking")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        app = _fresh_app(workdir, "site")
        try:
            bench_slots(app)
            bench_pages(app)
            bench_busy_times(app)
            bench_booking_and_race(app)
        finally:
            shutdown_app(app)
        bench_outbox(workdir)
    contact_throughput.main()


if __name__ == "__main__":
    main()
