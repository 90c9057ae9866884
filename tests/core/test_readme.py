"""The README is true to the letter where a machine can tell: the commands, make targets and
paths it names exist, and it opens with exactly the two commands."""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
# Folders the site makes at run time (instance/) are named by what they will hold.
MADE_AT_RUN_TIME = ("instance/",)


def code_spans() -> set[str]:
    """Every `inline code` span and every line of a fenced block."""
    fenced = re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.S)
    spans = set(re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", README, flags=re.S)))
    return spans | {line.strip() for block in fenced for line in block.splitlines()}


def test_it_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```\n(.*?)```", README, flags=re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make run", "make test"]
    assert README.index(first_block.group(0)) < README.index("## ")


def test_every_flask_command_it_names_exists(app: Flask) -> None:
    named = {
        match.group(1)
        for span in code_spans()
        for match in re.finditer(r"\bflask(?: --app app)? ([a-z][a-z-]+)", span)
    }
    assert {"seed", "create-admin", "send-mail", "check-deploy"} <= named
    known = set(app.cli.list_commands(click.Context(app.cli)))
    known |= {"run", "shell", "routes", "db", "check-deploy"}  # Flask's own, and entry points
    assert sorted(named - known) == []


def test_every_make_target_it_names_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.M))
    named = {m.group(1) for span in code_spans() for m in re.finditer(r"\bmake ([a-z-]+)", span)}
    assert {"run", "test", "admin"} <= named
    assert sorted(named - targets) == []


def test_every_path_it_names_exists() -> None:
    paths = {
        span
        for span in code_spans()
        if re.fullmatch(r"\.?[a-zA-Z_]+/[\w./<>-]*", span) and not span.startswith(MADE_AT_RUN_TIME)
    }
    assert "deploy/nginx/strongspine.conf" in paths
    missing = []
    for path in sorted(paths):
        concrete = path.split("<", 1)[0]  # `blueprints/<name>/` names the folder it sits in
        if not (ROOT / concrete).exists():
            missing.append(path)
    assert missing == []


def test_every_periodic_command_has_a_systemd_timer() -> None:
    units = {path.name for path in (ROOT / "deploy" / "systemd").iterdir()}
    for command in ("send-reminders", "send-newsletters", "fetch-calendars"):
        services = [
            name
            for name in units
            if name.endswith(".service") and command in (ROOT / "deploy/systemd" / name).read_text()
        ]
        assert services, command
        assert services[0].replace(".service", ".timer") in units, command
    mail = (ROOT / "deploy/systemd/strongspine-mail.service").read_text()
    assert "send-mail --loop" in mail


def test_the_deploy_recipe_starts_every_unit_of_deploy_systemd() -> None:
    deploying = README.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    enabled = re.search(r"systemctl enable --now ((?:[\w.-]+|\\\n|\s)+)", deploying)
    assert enabled is not None
    started = set(enabled.group(1).split()) - {"\\"}
    units = {path.name for path in (ROOT / "deploy" / "systemd").iterdir()}
    timers = {name for name in units if name.endswith(".timer")}
    # A service with a timer is started by its timer; the others run all the time.
    wanted = timers | {
        name.removesuffix(".service")
        for name in units
        if name.endswith(".service") and name.replace(".service", ".timer") not in units
    }
    assert sorted(wanted ^ started) == []


def test_every_test_area_and_every_blueprint_package_is_listed() -> None:
    areas = re.search(r"Tests live in `tests/<area>/` \(([^)]*)\)", README)
    assert areas is not None
    listed_areas = set(re.findall(r"`(\w+)`", areas.group(1)))
    folders = {path.name for path in (ROOT / "tests").iterdir() if (path / "__init__.py").exists()}
    assert sorted(folders ^ listed_areas) == []

    features = re.search(r"listed in `app.FEATURES` \(([^)]*)\)", README)
    assert features is not None
    listed_features = set(re.findall(r"`(\w+)`", features.group(1)))
    packages = {
        path.name for path in (ROOT / "blueprints").iterdir() if (path / "__init__.py").exists()
    }
    unnamed = [
        name
        for name in sorted(packages)
        if name not in listed_features and f"`blueprints/{name}/" not in README
    ]
    assert unnamed == []


def test_python_commands_run_in_the_checkouts_venv() -> None:
    # `python -m bench` with the system's Python has none of the site's packages, and a fresh
    # clone has no `flask` on its PATH: a command to copy says .venv/bin/.
    bare = sorted({span for span in code_spans() if re.match(r"python3? -m (?!venv)", span)})
    fenced = re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.S)
    bare += [line for block in fenced for line in block.splitlines() if line.startswith("flask ")]
    assert bare == []
