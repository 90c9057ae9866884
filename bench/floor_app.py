"""The floor: a minimal Flask view sending bytes read once from BENCH_FLOOR_DIR, nothing else.

`<name>` is the body; `<name>.encoding`, when present, its Content-Encoding. The throughput
benchmark writes there exactly the bytes the site sent, so the two differ only in the work the
site does per request.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

FOLDER = Path(os.environ["BENCH_FLOOR_DIR"])
app = Flask(__name__)
BODIES = {p.name: p.read_bytes() for p in FOLDER.iterdir() if p.suffix != ".encoding"}
ENCODINGS = {p.stem: p.read_text() for p in FOLDER.glob("*.encoding")}


@app.get("/<name>")
def floor(name: str) -> Response:
    """The stored bytes, as text/html, with their Content-Encoding."""
    response = Response(BODIES[name], mimetype="text/html")
    if name in ENCODINGS:
        response.headers["Content-Encoding"] = ENCODINGS[name]
    return response
