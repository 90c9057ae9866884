"""What a web worker loads: only what it needs to serve pages.

A gunicorn worker builds the app as production does (no testing, no `flask` command) and holds
every module it imports for its whole life. These libraries are needed only by the `flask`
command, by mail, or by one rarely asked page, so they are imported where they are used; a fresh
process that builds the app and serves the public pages must not have loaded them. Each one that
came back would cost every worker its resident memory again (bench/edge.py prints it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flask import Flask

from harness import Database, child_environment, database_uri

ROOT = Path(__file__).resolve().parents[2]

# module: who needs it instead (and what it cost a worker when it was imported there)
NOT_IN_A_WORKER = {
    "alembic": "migrations: the flask command and tests (10 MB with Flask-Migrate)",
    "flask_migrate": "migrations: the flask command and tests",
    "markdown": "the studio's editor and flask seed render Markdown",
    "nh3": "sanitising what the studio's editor saves",
    "icalendar": "the invitation attached to a booking's email",
    "PIL": "the studio's image uploads",
    "av": "the studio's video uploads and `flask process-videos` (FFmpeg's libraries)",
    "xml.etree.ElementTree": "/feed.xml and /sitemap.xml only",
    "pyexpat": "ElementTree's parser; nothing parses XML",
}
# On SQLite, SQLAlchemy's PostgreSQL dialect (2 MB) has no business in a worker.
SQLITE_ONLY = {"sqlalchemy.dialects.postgresql": "PostgreSQL sites only"}

WORKER = """
import json, re, sys
from app import create_app

app = create_app()
client = app.test_client()
served = []

def get(path, **headers):
    response = client.get(path, base_url="http://127.0.0.1", headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    served.append(path)
    return "" if response.content_encoding else response.get_data(as_text=True)

for page in ("/", "/blog/", "/drills/", "/programs/", "/contact/"):
    html = get(page)
    prefix = page if page != "/" else "/blog/"
    for link in re.findall(r'href="(%s[a-z0-9-]+)"' % re.escape(prefix), html)[:1]:
        get(link, **{"Accept-Encoding": "gzip, br"})
get("/drills/?direction=rotation", **{"HX-Request": "true"})
print(json.dumps({"served": served, "modules": sorted(sys.modules)}))
"""


def worker_modules(database: Database) -> tuple[list[str], set[str]]:
    """The pages a production-configured process served, and every module it then held."""
    env = child_environment(
        DATABASE_URL=database_uri(database),
        SECRET_KEY="worker-imports-test-secret",
        SITE_URL="http://127.0.0.1",
        FLASK_DEBUG="0",
        MAIL_BACKGROUND_SENDER="false",
    )
    env.pop("FLASK_RUN_FROM_CLI", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["served"], set(answer["modules"])


def test_a_worker_serving_public_pages_leaves_the_heavy_modules_out(
    seeded_app: Flask, database_file: Database
) -> None:
    served, modules = worker_modules(database_file)
    # the seeded pages were really served: an article, a drill and a program among them
    for section in ("/blog/", "/drills/", "/programs/"):
        assert section in served
        one = [path for path in served if path.startswith(section) and path[len(section) :]]
        assert [path for path in one if "?" not in path], section
    assert "/contact/" in served
    forbidden = dict(NOT_IN_A_WORKER)
    if isinstance(database_file, Path):
        forbidden |= SQLITE_ONLY
    loaded = {
        name: why
        for name, why in forbidden.items()
        if any(module == name or module.startswith(f"{name}.") for module in modules)
    }
    assert loaded == {}
    # Flask-Mail is the app's mail package, registered by create_app (0.4 MB: kept in)
    assert "flask_mail" in modules
