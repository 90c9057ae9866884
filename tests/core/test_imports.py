"""The import picture: the shared layer imports no feature, nothing imports `app`, no cycles.

Every `import` statement counts, at module level or inside a function, because a deferred
import is still a dependency. The one exception is a package's `init_app` importing its own
view modules: those run after the package has been fully imported, which is Python's own
package/submodule relation rather than a cycle between two modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def feature_names() -> list[str]:
    """The feature packages `app.FEATURES` registers (blueprints.blog -> "blog")."""
    from app import FEATURES

    return [feature.__name__.removeprefix("blueprints.") for feature in FEATURES]


FEATURES = feature_names()


def module_name(path: Path) -> str:
    """blueprints/blog/routes.py -> blueprints.blog.routes; a package's __init__ -> the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def application_modules() -> dict[str, Path]:
    """Every module of the application (app.py and the blueprints)."""
    paths = [ROOT / "app.py", *sorted((ROOT / "blueprints").rglob("*.py"))]
    return {module_name(path): path for path in paths}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The application modules that `name` imports (from x import y counts x.y when it is one)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in known)
    found.discard(name)
    if path.name == "__init__.py":  # init_app importing its own views: see the module docstring
        found = {target for target in found if not target.startswith(f"{name}.")}
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the application modules it imports."""
    modules = application_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def test_the_graph_sees_real_imports() -> None:
    graph = import_graph()
    assert "blueprints.shared.extensions" in graph["blueprints.blog.models"]
    assert "blueprints.blog" in graph["app"]


def test_nothing_imports_the_app_module() -> None:
    importers = [name for name, targets in import_graph().items() if "app" in targets]
    assert importers == []


def test_extensions_are_a_leaf() -> None:
    assert import_graph()["blueprints.shared.extensions"] == set()


@pytest.mark.parametrize("feature", FEATURES)
def test_the_shared_layer_imports_no_feature(feature: str) -> None:
    offenders = {
        name: sorted(t for t in targets if t.startswith(f"blueprints.{feature}"))
        for name, targets in import_graph().items()
        if name.startswith("blueprints.shared")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_import_cycles() -> None:
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []
