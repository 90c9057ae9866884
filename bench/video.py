"""Drill videos: transcode speed and peak memory, and a web worker's RSS during a big upload.

1. A 30 s HEVC clip as a phone films it upright (1920x1080 pictures turned to 1080x1920 by the
   display matrix, 30 frames a second, moving stripes so the encoder has work) is queued for a
   drill of a seeded site; `flask process-videos` runs as its own process, as its systemd unit
   does. Figures: its wall time less the command's start-up (timed alone, same run), as times
   real time, and its peak RSS (the kernel's maxrss for that child).
2. gunicorn (1 sync worker, production settings) receives a 300 MB drill upload from a logged-in
   coach over loopback, sent in 1 MB pieces; the worker's RSS is sampled every 50 ms from before
   the first byte until the answer. The body is a QuickTime head and zeros: it streams and is
   spooled and probed like a video, then refused as damaged (so nothing is queued).
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

from harness.phone_clips import PHONE_TAGS
from harness.servers import ROOT, Gunicorn, child_environment, production_env

CLIP_SECONDS = 30
CLIP_CACHE = Path(tempfile.gettempdir()) / "strongspine-bench-video"
UPLOAD_MB = 300
COACH = ("bench@example.com", "bench-password-long-enough")


def _flask(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    # python -m flask: this checkout's code first on sys.path (the venv may be another's)
    return subprocess.Popen(  # noqa: S603 - fixed arguments, our own executable
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=child_environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _timed(env: dict[str, str], *args: str) -> tuple[float, int, str, float]:
    """Run `flask <args>`: wall seconds, peak RSS (KiB), output and CPU seconds (user + system)."""
    started = time.monotonic()
    process = _flask(env, *args)
    peak = [0]
    finished = threading.Event()

    def watch() -> None:
        # VmHWM is the process's own high-water mark since exec; the kernel's maxrss for a
        # child would also count this (large) process it was forked from.
        while not finished.is_set():  # not poll(): that would reap the child before wait4
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
                peak[0] = max(peak[0], int(re.search(r"VmHWM:\s*(\d+)", status).group(1)))  # type: ignore[union-attr]
            except (OSError, AttributeError):
                pass  # exited (a zombie has no VmHWM)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output = process.stdout.read().decode()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(process.pid, 0)
    finished.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    watcher.join()
    if process.returncode:
        raise RuntimeError(output)
    return time.monotonic() - started, peak[0], output, usage.ru_utime + usage.ru_stime


def _seeded_database(folder: Path) -> Path:
    """A migrated, seeded SQLite file, made by this checkout's `flask db upgrade` and `seed`."""
    database = folder / "site.sqlite"
    env = {"DATABASE_URL": f"sqlite:///{database}", "FLASK_DEBUG": "1"}
    for command in (["db", "upgrade"], ["seed"]):
        _timed(env, *command)
    return database


def _queue(database: Path, uploads: Path, clip: Path) -> None:
    """Queue `clip` for the first drill, as the studio's upload does."""
    script = (
        "from app import create_app\n"
        "from blueprints.drills.models import Drill\n"
        "from blueprints.shared.extensions import db\n"
        "from blueprints.video.jobs import queue_video, work_folder\n"
        "import shutil, sys\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    drill = db.session.scalars(db.select(Drill).order_by(Drill.id)).first()\n"
        "    shutil.copy(sys.argv[1], work_folder() / 'bench.mov')\n"
        "    queue_video(drill, 'bench.mov', keep_audio=False, poster_at=None)\n"
        "    db.session.commit()\n"
    )
    env = child_environment(**production_env(database, UPLOAD_FOLDER=str(uploads)))
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, str(clip)], cwd=ROOT, env=env, check=True
    )


def phone_test_clip() -> Path:
    """The 30 s upright HEVC clip, made once (libx265 at 1080p is slow) and kept in CLIP_CACHE."""
    clip = CLIP_CACHE / f"upright-hevc-{CLIP_SECONDS}s-1080x1920.mov"
    if clip.exists():
        return clip
    import av

    CLIP_CACHE.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    part = clip.with_suffix(".part.mov")
    graph = av.filter.Graph()  # FFmpeg's moving test picture, made in YUV: no Python per pixel
    source = graph.add("testsrc2", f"size=1920x1080:rate=30:duration={CLIP_SECONDS}")
    source.link_to(sink := graph.add("buffersink"))
    graph.configure()
    with av.open(str(part), "w", options={"movflags": "use_metadata_tags"}) as out:
        out.metadata.update(PHONE_TAGS)
        stream = out.add_stream("libx265", rate=30)
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        stream.options = {"x265-params": "log-level=none", "preset": "ultrafast"}
        stream.set_display_rotation(90)  # held upright: shown as 1080x1920
        number = 0
        while True:
            try:
                frame = graph.pull()
            except (BlockingIOError, av.EOFError):
                break
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = number, Fraction(1, 30)
            number += 1
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    del sink
    part.rename(clip)
    print(f"clip made in {time.monotonic() - started:.0f} s (kept in {CLIP_CACHE})")
    return clip


def transcode_speed(folder: Path) -> None:
    """Figure 1: times real time and peak RSS of the transcoding process."""
    clip = phone_test_clip()
    print(
        f"clip: {CLIP_SECONDS} s HEVC 1080x1920 (upright), 30 fps, "
        f"{clip.stat().st_size / 2**20:.1f} MB"
    )
    database = _seeded_database(folder)
    uploads = folder / "uploads"
    env = production_env(database, UPLOAD_FOLDER=str(uploads))
    idle, idle_rss, _, idle_cpu = _timed(env, "process-videos")  # start-up alone
    _queue(database, uploads, clip)
    load_before = os.getloadavg()[0]
    wall, rss, output, cpu = _timed(env, "process-videos")
    assert "Published 1 video." in output, output
    work, work_cpu = wall - idle, cpu - idle_cpu
    published = sorted(path.stat().st_size for path in uploads.glob("*.mp4"))
    print(
        f"transcode: {work:.1f} s for {CLIP_SECONDS} s of video = "
        f"{CLIP_SECONDS / work:.2f}x real time (process wall {wall:.1f} s, start-up {idle:.1f} s);"
        f" published {published[0] / 2**20:.1f} MB"
    )
    print(
        f"CPU: {work_cpu:.1f} s (user + system, start-up's {idle_cpu:.1f} s left out) = "
        f"{work_cpu / CLIP_SECONDS:.2f} CPU seconds per second of video; on {os.cpu_count()} "
        f"otherwise idle cores that is at best {CLIP_SECONDS / work_cpu * os.cpu_count():.1f}x "
        "real time"
    )
    print(
        f"peak RSS of flask process-videos: {rss / 1024:.0f} MB "
        f"(the same command with nothing to do: {idle_rss / 1024:.0f} MB); "
        f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s*(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


class _Session:
    """A coach's cookie jar over plain http.client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        cookie = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        connection.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        text = response.read().decode(errors="replace")
        connection.close()
        return response.status, text


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def upload_rss(folder: Path) -> None:
    """Figure 2: a web worker's RSS while a 300 MB upload streams in."""
    database = _seeded_database(folder)
    # as deploy/systemd/strongspine-web.service: a sync worker may spend a while on one upload
    env = production_env(
        database, UPLOAD_FOLDER=str(folder / "uploads"), GUNICORN_CMD_ARGS="--timeout 120"
    )
    email, password = COACH
    _timed(env, "create-admin", "--email", email, "--password", password)
    with Gunicorn(1, env) as site:
        [worker] = site.worker_pids()
        session = _Session(site.port)
        _status, page = session.request("GET", "/studio/login")
        form = f"csrf_token={_token(page)}&email={email}&password={password}"
        login = {"Content-Type": "application/x-www-form-urlencoded", "Origin": site.url}
        status, _ = session.request("POST", "/studio/login", form, login)
        assert status in (302, 303), status
        _status, editor = session.request("GET", "/studio/drills/1/edit")
        before = _rss_mb(worker)
        boundary = "benchboundary7MA4YWxkTrZu0gW"
        fields = {
            "csrf_token": _token(editor),
            "name": "Bench",
            "direction": "flexion",
            "level": "beginner",
            "equipment": "none",
            "position": "1",
            "summary": "A drill for the benchmark.",
            "steps": "One\nTwo",
        }
        head = (
            "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
                for key, value in fields.items()
            ).encode()
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="video_file"; '
                f'filename="big.mov"\r\nContent-Type: video/quicktime\r\n\r\n'
            ).encode()
        )
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = UPLOAD_MB * 2**20
        piece = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + bytes(2**20 - 20)

        def body():  # type: ignore[no-untyped-def]
            yield head
            for _ in range(UPLOAD_MB):
                yield piece
            yield tail

        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(_rss_mb(worker))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail)),
            "Origin": site.url,
        }
        status, answer = session.request("POST", "/studio/drills/1/edit", body(), headers)
        elapsed = time.monotonic() - started
        done.set()
        sampler.join()
        refused = "damaged or incomplete" in answer
    print(
        f"web worker RSS during a {UPLOAD_MB} MB upload: {before:.1f} MB before, "
        f"peak {max(samples):.1f} MB (+{max(samples) - before:.1f}), {len(samples)} samples over "
        f"{elapsed:.1f} s ({UPLOAD_MB / elapsed:.0f} MB/s); answer {status}"
        f"{', refused as damaged beside the field' if refused else ''}"
    )


def main() -> None:
    """Print both figures."""
    with tempfile.TemporaryDirectory(prefix="bench-video-") as name:
        folder = Path(name)
        (folder / "upload").mkdir()
        (folder / "transcode").mkdir()
        upload_rss(folder / "upload")
        transcode_speed(folder / "transcode")


if __name__ == "__main__":
    main()
