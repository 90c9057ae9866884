"""Deployment: `flask check-deploy` names each problem with the setting that fixes it, and the
nginx site and gunicorn of deploy/ run together: each client is itself, https is enforced."""

from __future__ import annotations

import gzip
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import brotli
import pytest
from click.testing import CliRunner

from blueprints.shared.deploy_check import check_deploy_command
from harness import SmtpServer, child_environment, copy_database, free_port
from harness.deploy import CHECKED, Browser, form_fields, good_env
from harness.edge import nginx_binary, start_edge, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"
# Each test runs gunicorn (and nginx) on a SQLite file of its own: once, in the SQLite run.
pytestmark = pytest.mark.own_database


@pytest.fixture
def migrated(migrated_template: Path, tmp_path: Path) -> Path:
    """A database at the latest migration."""
    database = tmp_path / "site.sqlite"
    copy_database(migrated_template, database)
    return database


def run_check(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> tuple[int, str]:
    """check-deploy under exactly `env` (nothing from the developer's shell)."""
    for name in CHECKED:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(check_deploy_command, [])
    return result.exit_code, result.output


def test_a_good_configuration_passes(monkeypatch: pytest.MonkeyPatch, migrated: Path) -> None:
    code, output = run_check(monkeypatch, good_env(migrated))
    assert (code, output.strip()) == (0, "No problems found.")


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"SECRET_KEY": "dev-only-change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-secret"}, "SECRET_KEY"),
        ({"SITE_URL": ""}, "SITE_URL"),
        ({"SITE_URL": "http://strongspine.example"}, "SITE_URL"),
        ({"TRUSTED_HOSTS": "www.other.example"}, "TRUSTED_HOSTS"),
        ({"MAIL_SERVER": ""}, "MAIL_SERVER"),
        ({"COACH_EMAIL": "maya@studio.test"}, "COACH_EMAIL"),
        ({"COACH_EMAIL": "coach@example.com"}, "COACH_EMAIL"),
        ({"MAIL_DEFAULT_SENDER": "studio@localhost"}, "MAIL_DEFAULT_SENDER"),
        ({"COACH_TIMEZONE": "Europe/Atlantis"}, "COACH_TIMEZONE"),
        ({"COACH_HOURS": "12h"}, "COACH_HOURS"),
        ({"SESSION_COOKIE_SECURE": "false"}, "SESSION_COOKIE_SECURE"),
    ],
)
def test_each_error_names_the_setting_and_fails(
    monkeypatch: pytest.MonkeyPatch, migrated: Path, change: dict[str, str], setting: str
) -> None:
    code, output = run_check(monkeypatch, {**good_env(migrated), **change})
    assert code == 1
    [line] = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert line.split()[1] == f"{setting}:"


def test_proxy_settings_left_at_zero_are_a_warning(
    monkeypatch: pytest.MonkeyPatch, migrated: Path
) -> None:
    env = {**good_env(migrated), "PROXY_FIX_X_FOR": "0", "PROXY_FIX_X_PROTO": "0"}
    code, output = run_check(monkeypatch, env)
    assert code == 0
    assert output.startswith("WARNING  PROXY_FIX_X_FOR, PROXY_FIX_X_PROTO:")


def test_a_database_behind_on_migrations_or_unwritable_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stale = tmp_path / "stale.sqlite"
    stale.touch()  # exists, but no migration has run
    code, output = run_check(monkeypatch, good_env(stale))
    assert code == 1 and "ERROR    migrations: " in output and "db upgrade" in output
    code, output = run_check(monkeypatch, good_env(tmp_path / "no-such-folder" / "site.sqlite"))
    assert code == 1 and "ERROR    DATABASE_URL: the folder" in output


def test_flask_check_deploy_runs_when_the_site_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in child_environment().items() if k not in CHECKED}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite'}", COACH_EMAIL="x@studio.test")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(FLASK), "--app", "app", "check-deploy"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "ERROR    SECRET_KEY: is the development default" in result.stdout
    assert "ERROR    COACH_EMAIL: " in result.stdout
    assert "ERROR    SITE_URL: " in result.stdout


# --- deploy/: the nginx site in front of gunicorn, on loopback --------------------------------


def site_environment(database: Path, smtp: SmtpServer) -> dict[str, str]:
    """What the shipped site's processes get here: the production settings, mail to `smtp`."""
    return {
        **{k: v for k, v in child_environment().items() if k not in CHECKED},
        **good_env(database),
        "TRUSTED_HOSTS": "localhost",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "PROGRAM_SIGNUP_RATE_LIMIT": "2",
        "SPAM_MIN_SECONDS": "0",
    }


@pytest.fixture(scope="session")
def seeded_site_database(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated database seeded by `flask seed` with the site's settings, once per worker
    (about 4 s); each test behind nginx gets a copy."""
    database = tmp_path_factory.mktemp("deploy-seeded") / "site.sqlite"
    copy_database(migrated_template, database)
    smtp = SmtpServer().start()
    try:
        subprocess.run(  # noqa: S603 - fixed arguments
            [str(FLASK), "--app", "app", "seed"],
            cwd=ROOT, env=site_environment(database, smtp), check=True, capture_output=True,
        )  # fmt: skip
    finally:
        smtp.stop()
    with closing(sqlite3.connect(database)) as connection:  # all of it in the file the tests copy
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


@pytest.fixture
def behind_nginx(seeded_site_database: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """gunicorn (2 workers, real SMTP sink) behind deploy/nginx/strongspine.conf, all loopback."""
    nginx_binary()  # installs nginx first where it may, before anything starts
    database = tmp_path / "site.sqlite"
    copy_database(seeded_site_database, database)
    smtp = SmtpServer().start()
    app_port = free_port()
    env = site_environment(database, smtp)
    app_log = tmp_path / "gunicorn.log"
    gunicorn: subprocess.Popen[bytes] | None = None
    edge = start_edge(tmp_path, f"127.0.0.1:{app_port}")
    try:
        env["SITE_URL"] = edge.site_url
        with app_log.open("wb") as log_file:
            gunicorn = subprocess.Popen(  # noqa: S603 - fixed arguments
                [str(Path(sys.executable).parent / "gunicorn"), "-w", "2",
                 "-b", f"127.0.0.1:{app_port}", "--access-logfile", str(tmp_path / "access.log"),
                 "--access-logformat", "%(h)s %(r)s %(s)s", "app:create_app()"],
                cwd=ROOT, env=env, stdout=log_file, stderr=log_file,
            )  # fmt: skip
        wait_for_port(app_port, gunicorn, app_log)
        yield {
            "site_url": edge.site_url, "smtp": smtp, "tmp": tmp_path, "env": env,
            "database": database, "http_port": edge.http_port, "https_port": edge.https_port,
        }  # fmt: skip
    finally:
        edge.stop()
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait(5)
        smtp.stop()


def test_behind_nginx_each_client_is_itself_https_is_enforced_and_links_use_site_url(
    behind_nginx: dict[str, Any],
) -> None:
    ports = (behind_nginx["https_port"], behind_nginx["http_port"])
    first, second = Browser("127.0.0.2", *ports), Browser("127.0.0.3", *ports)
    site_url = behind_nginx["site_url"]

    status, headers, _ = first.request("GET", "/drills/?direction=flexion", https=False)
    assert status == 301 and headers["location"] == f"{site_url}/drills/?direction=flexion"

    status, headers, page = first.request("GET", "/")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    static = re.search(r'src="(/static/js/htmx\.min\.js\?v=[^"]+)"', page)
    assert static is not None
    status, headers, _ = first.request("GET", static.group(1))
    assert status == 200 and "immutable" in headers["cache-control"]
    assert "max-age=31536000" in headers["cache-control"]

    status, _, _ = first.request("GET", "/", headers={"Host": "attacker.example"})
    assert status == 400  # a forged Host is refused by the app, not served

    slug = re.search(r'href="/programs/([a-z0-9-]+)"', first.request("GET", "/programs/")[2])
    assert slug is not None
    assert first.sign_up(slug.group(1), "one@strongspine.example") == 303
    assert first.sign_up(slug.group(1), "two@strongspine.example") == 303
    # The third from the same address is over PROGRAM_SIGNUP_RATE_LIMIT=2, whatever it claims
    # in X-Forwarded-For (nginx overwrites it) ...
    first.request("GET", "/", headers={"X-Forwarded-For": "198.51.100.9"})
    assert first.sign_up(slug.group(1), "three@strongspine.example") == 429
    # ... while another address has its own count.
    assert second.sign_up(slug.group(1), "four@strongspine.example") == 303

    access = (behind_nginx["tmp"] / "access.log").read_text()
    posts = [line.split()[0] for line in access.splitlines() if "POST /programs/" in line]
    assert posts == ["127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3"], access

    mails = behind_nginx["smtp"].recorder.wait_for(6, timeout=30)
    confirmations = [m for m in mails if "confirmed" in str(m.message["Subject"]).lower()]
    assert confirmations, [m.message["Subject"] for m in mails]
    for mail in mails:
        text = mail.message.get_body(("plain",)).get_content()
        links = re.findall(r"https?://\S+", text)
        assert all(link.startswith(site_url + "/") for link in links), links
    assert any("/programs/cancel/" in m.message.get_body(("plain",)).get_content() for m in mails)


# --- the edge: nginx keeps anonymous pages a few seconds and compresses them ------------------

BR = {"Accept-Encoding": "gzip, deflate, br"}
# A form's spam stamp: its render time, rounded down to the public cache time. Each encoding is a
# cache entry of its own, drawn on its own miss, so two of them may fall in different windows.
SPAM_STAMP = re.compile(rb'(form_started" type="hidden" value=")[0-9]+\.[\w-]+"')


def without_stamps(page: bytes) -> bytes:
    """`page` with each form's spam stamp blanked."""
    return SPAM_STAMP.sub(rb'\1"', page)


def browsers(behind_nginx: dict[str, Any], *sources: str) -> list[Browser]:
    """A fresh browser (no cookies) at each loopback address."""
    ports = (behind_nginx["https_port"], behind_nginx["http_port"])
    return [Browser(source, *ports) for source in sources]


def an_article(browser: Browser) -> str:
    """The address of the first article the list links to."""
    _, _, page = browser.request("GET", "/blog/")
    found = re.search(r'href="(/blog/(?!tag/|search)[a-z0-9-]+)"', page)
    assert found is not None, page[:2000]
    return found.group(1)


def test_a_second_visitor_gets_the_article_from_the_edge_cache_in_each_encoding(
    behind_nginx: dict[str, Any],
) -> None:
    first, second, third = browsers(behind_nginx, "127.0.0.2", "127.0.0.3", "127.0.0.4")
    path = an_article(first)
    status, headers, page = first.fetch("GET", path)
    assert status == 200 and "content-encoding" not in headers
    assert "public" in headers["cache-control"] and "set-cookie" not in headers
    assert first.cookies == {}  # a first visit leaves nothing that would skip the cache

    status, again, same = second.fetch("GET", path)
    assert (status, again["x-cache-status"], same) == (200, "HIT", page)
    # The browser's own copy is still good: nginx answers 304 from its cache.
    status, headers, _ = third.fetch("GET", path, headers={"If-None-Match": again["etag"]})
    assert (status, headers["x-cache-status"]) == (304, "HIT")

    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        asked = BR if encoding == "br" else {"Accept-Encoding": "gzip"}
        status, headers, body = first.fetch("GET", path, headers=asked)
        assert (status, headers["content-encoding"]) == (200, encoding)
        assert "Accept-Encoding" in headers["vary"] and len(body) < len(page) / 2
        assert without_stamps(decode(body)) == without_stamps(page)
        status, headers, kept = second.fetch("GET", path, headers=asked)
        assert (headers["x-cache-status"], headers["content-encoding"]) == ("HIT", encoding)
        assert kept == body  # kept compressed: a hit is not compressed again


def test_the_edge_keeps_htmx_partials_and_themes_apart(behind_nginx: dict[str, Any]) -> None:
    reader, other = browsers(behind_nginx, "127.0.0.2", "127.0.0.3")
    _, _, full = reader.request("GET", "/drills/")
    _, headers, partial = reader.request("GET", "/drills/", headers={"HX-Request": "true"})
    assert "HX-Request" in headers["vary"] and "<html" not in partial and "<html" in full
    status, headers, page = other.request("GET", "/drills/")
    assert (status, headers["x-cache-status"], page) == (200, "HIT", full)
    status, headers, page = other.request("GET", "/drills/", headers={"HX-Request": "true"})
    assert (status, headers["x-cache-status"], page) == (200, "HIT", partial)

    path = an_article(reader)
    _, _, page = reader.request("GET", path)
    assert 'data-theme="system"' in page
    other.cookies["theme"] = "dark"
    _, _, page = other.request("GET", path)
    assert 'data-theme="dark"' in page
    _, headers, page = other.request("GET", path)
    assert headers["x-cache-status"] == "HIT" and 'data-theme="dark"' in page


SLOT_LABELS = re.compile(r'<input[^>]+name="slot"[^>]*>([^<]+)</label>')


def test_the_edge_keeps_each_visitors_clock_apart(behind_nginx: dict[str, Any]) -> None:
    """/contact/ is cached per clock: the hours cookie, else the first language asked for."""
    us, britain, other_us, chooser = browsers(
        behind_nginx, "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"
    )
    path = "/contact/?topic=consultation"
    twelve = re.compile(r"(1[0-2]|[1-9]):[0-5]\d (AM|PM)")
    twenty_four = re.compile(r"[0-2]\d:[0-5]\d")

    cache: list[str] = []

    def times(browser: Browser, language: str) -> list[str]:
        status, headers, page = browser.request("GET", path, headers={"Accept-Language": language})
        assert status == 200 and "public" in headers["cache-control"]
        cache.append(headers["x-cache-status"])
        labels = [label.strip() for label in SLOT_LABELS.findall(page)]
        assert labels, page[:2000]
        return labels

    assert all(twelve.fullmatch(t) for t in times(us, "en-US,en;q=0.9"))
    assert all(twenty_four.fullmatch(t) for t in times(britain, "en-GB,en;q=0.9"))
    assert all(twelve.fullmatch(t) for t in times(other_us, "en-US,en;q=0.9"))
    assert cache[-1] == "HIT"  # a second US visitor is served the US copy from the cache
    assert all(twenty_four.fullmatch(t) for t in times(britain, "en-GB,en;q=0.9"))
    # The browser's own setting (the cookie site.js sets) outranks its language.
    chooser.cookies["hours"] = "24"
    assert all(twenty_four.fullmatch(t) for t in times(chooser, "en-US"))
    chooser.cookies["hours"] = "12"
    assert all(twelve.fullmatch(t) for t in times(chooser, "en-GB"))


def test_static_and_versioned_files_are_kept_a_year(behind_nginx: dict[str, Any]) -> None:
    [reader] = browsers(behind_nginx, "127.0.0.2")
    status, _, library = reader.request("GET", "/drills/")
    drill = re.search(r'href="(/drills/[a-z0-9-]+)"', library)
    assert status == 200 and drill is not None, (status, library[:3000])
    _, _, page = reader.request("GET", drill.group(1))
    found = re.findall(r'"(/(?:static/[^"?]+|drills/[^"?]+/demonstration\.svg)\?v=[^"]+)"', page)
    assert any("/static/" in url for url in found) and any("/drills/" in url for url in found)
    for url in found:
        for _ in range(2):  # as answered, then as kept by the edge
            status, headers, _ = reader.request("GET", url.replace("&amp;", "&"), headers=BR)
            assert status == 200, url
            assert headers["cache-control"] == "public, max-age=31536000, immutable", url
    # A versioned address does not make a private answer public.
    status, headers, _ = reader.request("GET", "/studio/?v=1")
    assert "immutable" not in headers.get("cache-control", "")


def sign_in_coach(coach: Browser, behind_nginx: dict[str, Any]) -> None:
    """Create the coach's login with the CLI and sign in through nginx, as she would."""
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(FLASK), "--app", "app", "create-admin", "--email", "maya@strongspine.example",
         "--password", "correct horse battery"],
        cwd=ROOT, env=behind_nginx["env"], check=True, capture_output=True,
    )  # fmt: skip
    _, _, page = coach.request("GET", "/studio/login")
    form = form_fields(page, "/studio/login")
    form.update(email="maya@strongspine.example", password="correct horse battery")  # noqa: S106
    status, headers, _ = coach.request("POST", "/studio/login", form)
    assert status in (302, 303) and "session" in coach.cookies, headers


def test_a_coachs_edit_reaches_visitors_within_10_seconds_and_her_pages_are_never_kept(
    behind_nginx: dict[str, Any],
) -> None:
    reader, coach = browsers(behind_nginx, "127.0.0.2", "127.0.0.5")
    path = an_article(reader)
    reader.request("GET", path)
    _, headers, _ = reader.request("GET", path)
    assert headers["x-cache-status"] == "HIT"

    sign_in_coach(coach, behind_nginx)
    # Signed in, she is never answered from the cache, even for a page the cache holds ...
    for page_path in ("/studio/", path, "/programs/"):
        status, headers, page = coach.request("GET", page_path)
        assert (status, headers["x-cache-status"]) == (200, "BYPASS"), page_path
    assert "no-store" in coach.request("GET", "/studio/")[1]["cache-control"]
    # ... and what she was sent was not kept: the next visitor's /programs/ is a miss, and
    # her studio is a login form to anyone else.
    status, headers, _ = reader.request("GET", "/programs/")
    assert (status, headers["x-cache-status"]) == (200, "MISS")
    status, headers, _ = reader.request("GET", "/studio/")
    assert status in (302, 303) and "/studio/login" in headers["location"]

    with sqlite3.connect(behind_nginx["database"]) as database:
        [post_id] = database.execute(
            "SELECT id FROM post WHERE slug = ?", (path.rsplit("/", 1)[1],)
        ).fetchone()
    edit = f"/studio/articles/{post_id}/edit"
    _, _, page = coach.request("GET", edit)
    form = form_fields(page, edit)
    form["title"] = "Walking tall with a calmer back"
    status, _, _ = coach.request("POST", edit, form)
    assert status in (302, 303)
    saved = time.monotonic()
    while "Walking tall with a calmer back" not in reader.request("GET", path)[2]:
        assert time.monotonic() - saved < 10, "the edit did not reach visitors within 10 s"
        time.sleep(0.2)
