"""Deployment: `flask check-deploy` names each problem with the setting that fixes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from blueprints.shared.deploy_check import check_deploy_command
from tests.support import build_migrated_database

ROOT = Path(__file__).resolve().parents[1]
FLASK = Path(sys.executable).parent / "flask"

# Every variable check-deploy reads that a developer's shell might set.
CHECKED = (
    "SECRET_KEY", "SITE_URL", "TRUSTED_HOSTS", "MAIL_SERVER", "COACH_EMAIL",
    "MAIL_DEFAULT_SENDER", "COACH_TIMEZONE", "SESSION_COOKIE_SECURE", "DATABASE_URL",
    "PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "FLASK_DEBUG",
)  # fmt: skip


def good_env(database: Path) -> dict[str, str]:
    """A production configuration with nothing wrong."""
    return {
        "SECRET_KEY": "k" * 64,
        "SITE_URL": "https://strongspine.example",
        "TRUSTED_HOSTS": "strongspine.example",
        "MAIL_SERVER": "smtp.strongspine.example",
        "COACH_EMAIL": "maya@strongspine.example",
        "MAIL_DEFAULT_SENDER": "Strong Spine Studio <studio@strongspine.example>",
        "COACH_TIMEZONE": "Europe/London",
        "DATABASE_URL": f"sqlite:///{database}",
        "PROXY_FIX_X_FOR": "1",
        "PROXY_FIX_X_PROTO": "1",
    }


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    """A database at the latest migration."""
    database = tmp_path / "site.sqlite"
    build_migrated_database(database)
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
    env = {k: v for k, v in os.environ.items() if k not in CHECKED}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite'}", COACH_EMAIL="x@studio.test")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(FLASK), "--app", "app", "check-deploy"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "ERROR    SECRET_KEY: is the development default" in result.stdout
    assert "ERROR    COACH_EMAIL: " in result.stdout
    assert "ERROR    SITE_URL: " in result.stdout
