"""One real engine for the whole docker test session, driven from synchronous tests.

The engine lives on its own event loop in a background thread, so tests stay plain functions
and the session shares one warm pool whatever pytest-asyncio's loop scope is.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import docker
import pytest

from runners.contract import RequestedLimits, RunRequest, RunResult
from runners.engine import DockerEngine
from runners.sandbox import LANGUAGE_LABEL, OWNER_LABEL, POOL_LABEL, SANDBOX_LABEL
from runners.settings import EngineSettings

T = TypeVar("T")


class EngineHarness:
    def __init__(self, settings: EngineSettings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.engine = DockerEngine(settings)
        self.call(self.engine.start())

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def run(self, language: str, source: str, stdin: str = "", **limits: int) -> RunResult:
        request = RunRequest(language, source, stdin, RequestedLimits(**limits))
        return self.call(self.engine.run(request))

    def close(self) -> None:
        try:
            self.call(self.engine.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


def own_containers(client: docker.DockerClient, owner: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.api.containers(
        all=True, filters={"label": [SANDBOX_LABEL, f"{OWNER_LABEL}={owner}"]}
    )
    return found


def running_pooled(client: docker.DockerClient, owner: str, language: str) -> list[dict[str, Any]]:
    """The warm containers the engine ``owner`` keeps ready for ``language``."""
    found: list[dict[str, Any]] = client.api.containers(
        filters={
            "label": [f"{POOL_LABEL}={language}", f"{OWNER_LABEL}={owner}"],
            "status": "running",
        }
    )
    return found


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except docker.errors.DockerException as exc:
        pytest.fail(f"the docker tests need a Docker engine: {exc}")
    yield client
    client.close()


@pytest.fixture(scope="session")
def harness(docker_client: docker.DockerClient) -> Iterator[EngineHarness]:
    """The session's engine; on teardown, no sandbox container of it may be left."""
    settings = EngineSettings.load(pool_size=1, pool_sizes={"python": 2}, max_concurrent_runs=4)
    harness = EngineHarness(settings)
    harness.call(harness.engine.wait_until_warm(120), timeout=130)
    owner = harness.engine._owner
    yield harness
    harness.close()
    leftovers = own_containers(docker_client, owner)
    left = [
        (c["Id"][:12], c.get("Labels", {}).get(LANGUAGE_LABEL), c.get("Status")) for c in leftovers
    ]
    assert leftovers == [], f"sandbox containers left behind (id, language, status): {left}"
