"""`flask seed`: the demo content from the `content/` folder, safe to run twice.

Features register a loader each (`register_seed_loader`); this module runs them in order and
knows nothing about what they load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from blueprints.shared.extensions import db

EXTENSION_KEY = "seed_loaders"


@dataclass(frozen=True)
class SeedRun:
    """What a loader is asked to do: read `folder`, add what is missing, maybe overwrite."""

    folder: Path  # the content folder (CONTENT_FOLDER)
    update: bool  # overwrite items that are already there (matched by slug) from their files


@dataclass(frozen=True)
class SeedLoader:
    """One feature's demo content: how to load it and, optionally, whether the site has any."""

    name: str  # what the loader adds, as `flask seed` reports it ("drills")
    load: Callable[[SeedRun], int]  # returns how many items it added or overwrote
    order: int  # lower runs first: drills before the articles that embed them
    has_content: Callable[[], bool] | None = None  # counts for `flask seed --if-empty`


def register_seed_loader(
    app: Flask,
    name: str,
    load: Callable[[SeedRun], int],
    order: int,
    has_content: Callable[[], bool] | None = None,
) -> None:
    """Add a feature's loader to those `flask seed` runs (a name registered twice is replaced)."""
    loaders: dict[str, SeedLoader] = app.extensions.setdefault(EXTENSION_KEY, {})
    loaders[name] = SeedLoader(name, load, order, has_content)


def seed_loaders(app: Flask) -> list[SeedLoader]:
    """The registered loaders, in the order they run."""
    loaders: dict[str, SeedLoader] = app.extensions.get(EXTENSION_KEY, {})
    return sorted(loaders.values(), key=lambda loader: (loader.order, loader.name))


def content_folder(app: Flask) -> Path:
    """Where the demo content files live (CONTENT_FOLDER, by default `content/` in the checkout)."""
    return Path(app.config["CONTENT_FOLDER"])


def site_has_content() -> bool:
    """True once the coach (or an earlier seed) has added content any loader counts."""
    return any(loader.has_content() for loader in seed_loaders(current_app) if loader.has_content)


def seed_demo_content(update: bool = False) -> dict[str, int]:
    """Add whatever demo content is missing (with `update`, overwrite it from the files too);
    returns how many of each kind were added or overwritten. One transaction: a bad file adds
    nothing."""
    run = SeedRun(content_folder(current_app), update)
    try:
        added = {loader.name: loader.load(run) for loader in seed_loaders(current_app)}
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return {what: count for what, count in added.items() if count}
