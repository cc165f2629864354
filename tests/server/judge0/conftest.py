"""Judge0 tests: an app with the FakeEngine (all our languages, so every Judge0 id exists) and
an API key for a signed-up account."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from runners.contract import LanguageInfo
from tests.support.auth import register_and_login
from tests.support.fake_engine import FakeEngine

CATALOGUE: tuple[LanguageInfo, ...] = (
    LanguageInfo("python", "Python", "3.13.5", "main.py", "", False),
    LanguageInfo("c", "C", "GCC 14.2.0 (C17)", "main.c", "", True),
    LanguageInfo("node", "Node.js", "20.19.2", "main.js", "", False),
    LanguageInfo("javascript", "JavaScript", "QuickJS 2025-04-26", "main.js", "", False),
    LanguageInfo("java", "Java", "OpenJDK 21.0.13", "Main.java", "", True),
)


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine(languages=CATALOGUE)


@dataclass
class Key:
    secret: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Auth-Token": self.secret}


async def make_key(app: Quart) -> Key:
    """A fresh account (its own cookie jar) and an API key for it."""
    client: Client = app.test_client()
    signed = await register_and_login(client)
    response = await client.post("/api/keys", json={"name": "judge0"}, headers=signed.csrf)
    body = await response.get_json()
    assert response.status_code == 201, body
    return Key(secret=body["secret"], user_id=signed.user["id"])


@pytest.fixture
async def key(app: Quart) -> Key:
    return await make_key(app)


@pytest.fixture(
    params=[
        pytest.param("fake", id="fake-engine"),
        pytest.param("docker", id="docker-engine", marks=pytest.mark.docker),
    ]
)
def engine_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind
