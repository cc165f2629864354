"""The REST runs and the Judge0 surface, unchanged, over the redis backend — with the web side
built by ``build_engine`` from ``[engine] backend = "redis"`` and ``DOCKER_HOST`` pointing at a
socket that does not exist: the web process needs no Docker engine at all."""

from __future__ import annotations

from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from runners.contract import Engine
from runners.redis_engine import RedisEngine
from server.app import build_engine
from server.settings import Settings
from tests.runners.queue.conftest import PREFIX, Hosts, queue_settings
from tests.support.auth import SignedIn

pytestmark = pytest.mark.docker

NO_DOCKER = "unix:///nonexistent/onsite-no-docker.sock"


@pytest.fixture
def settings_overrides(hosts: Hosts) -> dict[str, Any]:
    return {"redis": {"url": hosts.redis.url, "key_prefix": PREFIX}}


@pytest.fixture
def fake_engine(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Not a fake here: the engine ``onsite serve`` would build for ``backend = "redis"``."""
    monkeypatch.setenv("DOCKER_HOST", NO_DOCKER)
    engine = build_engine(settings, queue_settings())
    assert isinstance(engine, RedisEngine)
    return engine


async def test_rest_runs_over_the_queue_with_no_docker_socket(
    client: Client, signed_in: SignedIn
) -> None:
    response = await client.post(
        "/api/runs",
        json={"language": "python", "source": "print(input()[::-1])", "stdin": "olleh\n"},
        headers=signed_in.csrf,
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["run"]["stdout"] == "hello\n"
    languages = await (await client.get("/api/languages")).get_json()
    assert {"python", "c", "java"} <= {lang["id"] for lang in languages}  # the catalogue's


async def test_judge0_over_the_queue(client: Client, signed_in: SignedIn) -> None:
    made = await client.post("/api/keys", json={"name": "judge0"}, headers=signed_in.csrf)
    secret = (await made.get_json())["secret"]
    response = await client.post(
        "/api/judge0/submissions?wait=true",
        json={"source_code": "print(6 * 7)", "language_id": 71, "expected_output": "42"},
        headers={"X-Auth-Token": secret},
    )
    body = await response.get_json()
    assert response.status_code == 201, body
    assert body["status"]["id"] == 3 and body["stdout"] == "42\n", body
