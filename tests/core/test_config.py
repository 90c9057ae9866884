"""Every setting is read in one place and documented in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprints.shared.config import config_from_environment

ROOT = Path(__file__).resolve().parents[2]
CONFIG_SOURCE = (ROOT / "blueprints" / "shared" / "config.py").read_text()
ENV_NAMES = sorted(set(re.findall(r'env(?:_bool)?\("([A-Z_]+)"', CONFIG_SOURCE)))


def readme_table_names() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z_]+)`", section))


def test_the_environment_names_were_found() -> None:
    assert {"SECRET_KEY", "DATABASE_URL", "REMINDER_HOURS"} <= set(ENV_NAMES)


@pytest.mark.parametrize("name", ENV_NAMES)
def test_each_environment_setting_is_in_the_readme_table(name: str) -> None:
    assert name in readme_table_names()


def test_settings_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REMINDER_HOURS", "6")
    monkeypatch.setenv("CONTACT_REPLY_WITHIN", "one working day")
    monkeypatch.setenv("TRUSTED_HOSTS", "site.example, www.site.example")
    config = config_from_environment(str(tmp_path))
    assert config["REMINDER_HOURS"] == 6
    assert config["CONTACT_REPLY_WITHIN"] == "one working day"
    assert config["TRUSTED_HOSTS"] == ["site.example", "www.site.example"]


def test_no_feature_keeps_a_default_of_its_own() -> None:
    """`config.get("KEY", default)` outside config.py would be a second, hidden default."""
    offenders = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in (ROOT / "blueprints").rglob("*.py")
        for match in re.findall(r'config\.get\("[A-Z_]+", [^)]+\)', path.read_text())
    ]
    assert offenders == []
