"""`flask check-deploy`: what would be wrong with serving this configuration in production.

In the spirit of Django's `check --deploy`: each problem with the setting that fixes it; exit
status 1 when any is an error. It reads the settings the way the site does (environment, then
instance/config.py) but never starts the site, so it also runs when the site would refuse to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from blueprints.shared.config import (
    DEFAULT_SECRET_KEY,
    config_from_environment,
    setting_problems,
)

ROOT = Path(__file__).resolve().parents[2]
SHORTEST_SECRET = 32
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: how bad, which setting, what is wrong and what to do."""

    level: str  # "error" or "warning"
    setting: str
    message: str


def deployed_config(instance_path: Path | None = None) -> dict[str, Any]:
    """The settings production would run with: the environment, then instance/config.py."""
    probe = Flask("app", root_path=str(ROOT), instance_path=str(instance_path or ROOT / "instance"))
    probe.config.from_mapping(config_from_environment(probe.instance_path))
    probe.config.from_pyfile("config.py", silent=True)
    return dict(probe.config)


def deploy_problems(config: dict[str, Any]) -> list[Problem]:
    """Every problem found in `config`, errors first."""
    problems = [
        *_secret(config),
        *_site_url(config),
        *_proxies(config),
        *_mail(config),
        *[Problem("error", key, message) for key, message in setting_problems(config)],
        *_cookies(config),
        *_database(config),
    ]
    return sorted(problems, key=lambda problem: problem.level != "error")


def _secret(config: dict[str, Any]) -> list[Problem]:
    secret = str(config.get("SECRET_KEY") or "")
    if secret == DEFAULT_SECRET_KEY:
        return [Problem("error", "SECRET_KEY", "is the development default; set a random one")]
    if len(secret) < SHORTEST_SECRET:
        return [
            Problem(
                "error",
                "SECRET_KEY",
                f"is {len(secret)} characters; use at least {SHORTEST_SECRET} random ones "
                "(python -c 'import secrets; print(secrets.token_hex(32))')",
            )
        ]
    return []


def _site_url(config: dict[str, Any]) -> list[Problem]:
    site_url = str(config.get("SITE_URL") or "")
    if not site_url:
        return [
            Problem("error", "SITE_URL", "is not set; set it to https://<your domain>"),
        ]
    parts = urlsplit(site_url)
    problems = []
    if parts.scheme != "https" or not parts.hostname:
        problems.append(Problem("error", "SITE_URL", f"{site_url!r} is not an https:// address"))
    hosts = config.get("TRUSTED_HOSTS") or []
    if hosts and parts.hostname and parts.hostname not in hosts:
        problems.append(
            Problem(
                "error",
                "TRUSTED_HOSTS",
                f"{', '.join(hosts)} leaves out SITE_URL's host {parts.hostname}",
            )
        )
    elif not hosts:
        problems.append(
            Problem(
                "warning",
                "TRUSTED_HOSTS",
                f"not set: only {parts.hostname} will be answered (SITE_URL's host); "
                "list any other names the site is reached by",
            )
        )
    return problems


def _proxies(config: dict[str, Any]) -> list[Problem]:
    x_for, x_proto = config["PROXY_FIX_X_FOR"], config["PROXY_FIX_X_PROTO"]
    if not x_for or not x_proto:
        return [
            Problem(
                "warning",
                "PROXY_FIX_X_FOR, PROXY_FIX_X_PROTO",
                f"are {x_for} and {x_proto}: behind the nginx of deploy/ set both to 1, or "
                "every visitor shares the proxy's address (one rate limit) and HSTS is never "
                "sent; leave them 0 only if nothing stands in front of gunicorn",
            )
        ]
    if max(int(x_for), int(x_proto)) > 2:
        return [
            Problem(
                "warning",
                "PROXY_FIX_X_FOR, PROXY_FIX_X_PROTO",
                "trust more than two proxies; count only the ones you run",
            )
        ]
    return []


def _mail(config: dict[str, Any]) -> list[Problem]:
    problems = []
    if not config.get("MAIL_SERVER"):
        problems.append(
            Problem("error", "MAIL_SERVER", "is not set: no email would leave the outbox")
        )
    for key in ("COACH_EMAIL", "MAIL_DEFAULT_SENDER"):
        address = str(config.get(key) or "")
        if address.rstrip("> ").lower().endswith(PLACEHOLDER_DOMAINS):
            problems.append(Problem("error", key, f"{address!r} is still a placeholder address"))
    return problems


def _cookies(config: dict[str, Any]) -> list[Problem]:
    if not config.get("SESSION_COOKIE_SECURE"):
        return [
            Problem(
                "error",
                "SESSION_COOKIE_SECURE",
                "is off: the login cookie would travel over plain http; remove the setting",
            )
        ]
    return []


def _database(config: dict[str, Any]) -> list[Problem]:
    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    url = make_url(uri)
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        folder = path.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            return [
                Problem(
                    "error",
                    "DATABASE_URL",
                    f"the folder {folder} is missing or not writable by this user",
                )
            ]
        if not path.exists():
            return [
                Problem(
                    "error",
                    "DATABASE_URL",
                    f"{path} does not exist yet: run `flask --app app db upgrade`",
                )
            ]
        if not os.access(path, os.R_OK | os.W_OK):
            return [Problem("error", "DATABASE_URL", f"{path} is not writable by this user")]
    return _pending_migrations(uri)


def _pending_migrations(uri: str) -> list[Problem]:
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(Config))
    heads = set(script.get_heads())
    engine = create_engine(uri, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # noqa: BLE001 - any failure to connect is the finding
        return [Problem("error", "DATABASE_URL", f"cannot be opened: {error}")]
    finally:
        engine.dispose()
    if current != heads:
        return [
            Problem(
                "error",
                "migrations",
                "the database is not at the latest schema: run `flask --app app db upgrade`",
            )
        ]
    return []


def _alembic_config(config_class: type) -> Any:
    config = config_class()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


@click.command("check-deploy")
def check_deploy_command() -> None:
    """List what is wrong with this configuration for production; exit 1 on any error."""
    problems = deploy_problems(deployed_config())
    for problem in problems:
        click.echo(f"{problem.level.upper():8} {problem.setting}: {problem.message}")
    errors = sum(problem.level == "error" for problem in problems)
    warnings = len(problems) - errors
    if not problems:
        click.echo("No problems found.")
    else:
        click.echo(f"{errors} error(s), {warnings} warning(s).")
    if errors:
        raise SystemExit(1)
