"""Imports point one way; this test fails the moment one points the wrong way.

Every ``import`` in ``runners/`` and ``server/`` is read with ``ast`` (including those inside
functions and ``if TYPE_CHECKING:`` blocks, where hidden cycles used to live), then checked:

* ``runners`` imports nothing of ``server`` and none of the web or database stack: it is a
  library with one door, usable on its own;
* ``server.kit`` imports no slice and not ``server.app`` / ``server.asgi`` / ``server.cli``;
* no slice imports ``server.app``, ``server.asgi`` or ``server.cli`` (they import the slices);
* a slice reaches another slice only through its ``service`` (plus its data: ``models`` and
  ``schemas``, and ``accounts.auth`` for "who is calling"), never its ``api``, ``events`` or
  ``repository``;
* inside a slice, ``api``/``events`` → ``service`` → ``repository`` → ``models``: a lower layer
  never imports a higher one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP_LEVEL = frozenset({"app", "asgi", "cli"})
"""``server`` modules that wire the slices together; nothing below them may import them."""
SHARED = frozenset({"kit", "settings", "migrations"})
"""``server`` packages and modules that are not slices."""
CROSS_SLICE_ALLOWED = frozenset({"service", "models", "schemas", "auth"})
LAYERS = {"models": 0, "repository": 1, "service": 2, "api": 3, "keys_api": 3, "events": 3}
RUNNERS_FORBIDDEN = ("server", "quart", "quart_schema", "sqlalchemy", "socketio", "alembic")


@dataclass(frozen=True)
class Edge:
    source: str
    """The importing module, dotted."""
    target: str
    """The imported module (or ``module.name`` for ``from module import name``), dotted."""
    line: int

    def __str__(self) -> str:
        path = self.source.replace(".", "/") + ".py"
        return f"{path}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def edges(package: str) -> Iterator[Edge]:
    for path in sorted((ROOT / package).rglob("*.py")):
        source = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Edge(source, alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against the importing package
                    base = source.split(".")[: -node.level]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                yield Edge(source, target, node.lineno)
                for alias in node.names:
                    yield Edge(source, f"{target}.{alias.name}", node.lineno)


def slice_of(module: str) -> str | None:
    """``server.rooms.room`` → ``rooms``; None outside the slices."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "server" or parts[1] in SHARED | TOP_LEVEL:
        return None
    return parts[1]


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[2]) if len(parts) >= 3 else None


def violations(all_edges: list[Edge]) -> list[str]:
    found: list[str] = []
    for edge in all_edges:
        source, target = edge.source.split("."), edge.target.split(".")
        if source[0] == "runners":
            if target[0] in RUNNERS_FORBIDDEN:
                found.append(f"{edge}: runners must not depend on the server or its stack")
            continue
        if target[0] != "server" or len(target) < 2:
            continue
        if len(source) >= 2 and source[1] == "kit" and target[1] not in SHARED:
            found.append(f"{edge}: server.kit must not import a slice or the app")
        source_slice, target_slice = slice_of(edge.source), slice_of(edge.target)
        if source_slice is not None and target[1] in TOP_LEVEL:
            found.append(f"{edge}: a slice must not import what wires the slices together")
        if source_slice is None or target_slice is None or len(target) < 3:
            continue
        if source_slice != target_slice:
            if target[2] not in CROSS_SLICE_ALLOWED:
                found.append(
                    f"{edge}: another slice is reached through its service "
                    f"(or its {', '.join(sorted(CROSS_SLICE_ALLOWED - {'service'}))}), "
                    f"not its {target[2]}"
                )
            continue
        source_layer, target_layer = layer_of(edge.source), layer_of(edge.target)
        if source_layer is not None and target_layer is not None and target_layer > source_layer:
            found.append(f"{edge}: within a slice, imports point api → service → repository")
    return sorted(set(found))


def test_imports_point_one_way() -> None:
    all_edges = [*edges("runners"), *edges("server")]
    assert len(all_edges) > 100, "the walk found (almost) no imports; is ROOT right?"
    assert violations(all_edges) == []


@pytest.mark.parametrize(
    ("source", "target", "why"),
    [
        ("runners.engine", "server.settings", "runners must not"),
        ("server.kit.db", "server.app.get_state", "server.kit must not"),
        ("server.kit.security", "server.accounts.models", "server.kit must not"),
        ("server.schedules.api", "server.interviews.api.join_url", "not its api"),
        ("server.rooms.service", "server.accounts.repository", "not its repository"),
        ("server.runs.api", "server.app.get_state", "wires the slices together"),
        ("server.interviews.repository", "server.interviews.service", "within a slice"),
    ],
)
def test_each_rule_catches_its_violation(source: str, target: str, why: str) -> None:
    """The checker itself, on the imports this review removed."""
    [found] = violations([Edge(source, target, 1)])
    assert why in found
