"""Piston names, versions and selectors (pure)."""

from __future__ import annotations

import pytest

from server.piston.languages import find_runtime, runtimes, semver, version_matches
from tests.server.piston.conftest import CATALOGUE


@pytest.mark.parametrize(
    ("ours", "piston"),
    [
        ("3.13.5", "3.13.5"),
        ("GCC 14.2.0 (C17)", "14.2.0"),
        ("Mono 6.12.0.199 (mcs)", "6.12.0"),
        ("QuickJS 2025-04-26 (ECMAScript 2023)", "2025.4.26"),
        ("5.9.3 on Node.js 20.19.2", "5.9.3"),
        ("1.24", "1.24.0"),
    ],
)
def test_semver(ours: str, piston: str) -> None:
    assert semver(ours) == piston


@pytest.mark.parametrize(
    ("selector", "matches"),
    [("*", True), ("3.13.5", True), ("3", True), ("3.x", True), ("^3.13", True), ("3.12", False)],
)
def test_version_selectors(selector: str, matches: bool) -> None:
    assert version_matches(selector, "3.13.5") is matches


def test_piston_names() -> None:
    by_id = {rt.engine_id: rt for rt in runtimes(CATALOGUE)}
    assert by_id["node"].language == "javascript" and by_id["node"].runtime == "node"
    assert by_id["cpp"].language == "c++" and "cpp" in by_id["cpp"].aliases
    assert by_id["javascript"].language == "quickjs"
    node = find_runtime(CATALOGUE, "js", "*")
    assert node is not None and node.engine_id == "node"
    assert find_runtime(CATALOGUE, "python", "2.7") is None
    assert find_runtime(CATALOGUE, "cobol", "*") is None
