"""The floor: a minimal Flask view sending bytes read once from BENCH_FLOOR_DIR, nothing else.

`<name>` is the body; `<name>.encoding`, when present, its Content-Encoding; `<name>.headers`,
the page's other headers (one "Name: value" a line). `/<name>` sends the body alone (with its
encoding), `/<name>/headers` the body and every header the page sent, so that the response is
the page's own bytes. The throughput benchmark writes there exactly what the site sent, so the
two differ only in the work the site does per request.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

FOLDER = Path(os.environ["BENCH_FLOOR_DIR"])
app = Flask(__name__)
NOT_BODIES = (".encoding", ".headers")
BODIES = {p.name: p.read_bytes() for p in FOLDER.iterdir() if p.suffix not in NOT_BODIES}
ENCODINGS = {p.stem: p.read_text() for p in FOLDER.glob("*.encoding")}
HEADERS = {
    p.stem: [tuple(line.split(": ", 1)) for line in p.read_text().splitlines()]
    for p in FOLDER.glob("*.headers")
}


@app.get("/<name>")
def floor(name: str) -> Response:
    """The stored bytes, as text/html, with their Content-Encoding."""
    response = Response(BODIES[name], mimetype="text/html")
    if name in ENCODINGS:
        response.headers["Content-Encoding"] = ENCODINGS[name]
    return response


@app.get("/<name>/headers")
def floor_with_headers(name: str) -> Response:
    """The stored bytes with every header the page was sent with."""
    return Response(BODIES[name], headers=HEADERS[name])
