"""The site plus one route that serves a folder of plain files, for the static baseline."""

from __future__ import annotations

import os

from flask import Flask, Response, send_from_directory

from app import create_app


def create_bench_app() -> Flask:
    """The real app, with /__static-copy/<name> serving files from BENCH_STATIC_DIR."""
    app = create_app()
    folder = os.environ["BENCH_STATIC_DIR"]

    @app.get("/__static-copy/<path:name>")
    def static_copy(name: str) -> Response:
        return send_from_directory(folder, name)

    return app
