"""One compiled URL builder per URL shape for the whole test process, not one per app.

The suite builds an app for nearly every test (about 1,700 a run). For each of the site's ~140
routes werkzeug writes and compiles a small Python function that builds its URL: 74 ms of a
94 ms `create_app` (measured 94.5 -> 20.3 ms, medians of 15). The function is the same for
every rule with the same parts (static text and variable names, in order): it reads the rule's
converters through the rule it is bound to, not from the compiled code. So the tests share one
per shape. Rules with defaults are compiled as werkzeug does (their defaults are folded in).

Tests only (tests/conftest.py calls it): benchmarks and the site itself keep werkzeug as it is.
If werkzeug no longer has the method this wraps, nothing is changed and the tests are slower.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing.rules import Rule

_compiled: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


def share_compiled_url_builders() -> None:
    """Make Rule compile its URL builder once per shape in this process."""
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "shared_by_tests", False):
        return

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        if self.defaults:
            return original(self, append_unknown)
        key = (tuple(self._trace), append_unknown)
        if key not in _compiled:
            _compiled[key] = original(self, append_unknown)
        return _compiled[key]

    compile_builder.shared_by_tests = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
