"""Piston tests: the FakeEngine with Piston-relevant languages, and an API key."""

from __future__ import annotations

import pytest
from quart import Quart

from runners.contract import LanguageInfo
from tests.support.fake_engine import FakeEngine
from tests.support.live_api import new_api_key

CATALOGUE: tuple[LanguageInfo, ...] = (
    LanguageInfo("python", "Python", "3.13.5", "main.py", "", False),
    LanguageInfo("c", "C", "GCC 14.2.0 (C17)", "main.c", "", True),
    LanguageInfo("cpp", "C++", "G++ 14.2.0 (C++20)", "main.cpp", "", True),
    LanguageInfo("node", "Node.js", "20.19.2", "main.js", "", False),
    LanguageInfo("javascript", "JavaScript", "QuickJS 2025-04-26", "main.js", "", False),
)


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine(languages=CATALOGUE)


@pytest.fixture
async def api_key(app: Quart) -> str:
    return await new_api_key(app)


@pytest.fixture(
    params=[
        pytest.param("fake", id="fake-engine"),
        pytest.param("docker", id="docker-engine", marks=pytest.mark.docker),
    ]
)
def engine_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind
