"""The run queue's test bed: a Redis with a restricted ``runner`` user (the ACL line runner
hosts get in production), runner host 1 (the main Docker engine) and runner host 2 (a second
``dockerd``), each served by one ``onsite runner`` process connecting as that user.

The hosts are package-scoped: both workers start once (about 10 s, mostly filling warm pools)
for every queue test. A test that kills one calls ``Hosts.restart``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from runners.redis_engine import RedisEngine
from runners.sandbox import reap_leftovers
from runners.settings import EngineSettings
from runners.wire import runner_acl
from tests.support.redis_server import RedisServer
from tests.support.runner_hosts import (
    HOST1_SOCKET,
    HOST2_SOCKET,
    RUNNER_PASSWORD,
    RUNNER_USER,
    WorkerProcess,
    ensure_runner_dockerd,
)

PREFIX = "onsite"


@dataclass
class Hosts:
    redis: RedisServer
    workdir: Path
    workers: dict[str, WorkerProcess]

    @property
    def runner_url(self) -> str:
        return self.redis.url_for(RUNNER_USER, RUNNER_PASSWORD)

    def spawn(self, name: str, *, warm: bool = True) -> WorkerProcess:
        socket = HOST1_SOCKET if name == "host1" else HOST2_SOCKET
        worker = WorkerProcess.start(
            name, redis_url=self.runner_url, key_prefix=PREFIX, docker_url=socket,
            workdir=self.workdir, warm=warm,
        )  # fmt: skip
        self.workers[name] = worker
        return worker

    def restart(self, name: str) -> WorkerProcess:
        """Back in service (its pool fills behind: later runs may take fresh containers)."""
        old = self.workers[name]
        if old.process.poll() is None:
            old.stop()
        return self.spawn(name, warm=False)


def acl_rule() -> str:
    """``runner_acl`` without its leading ``user <name>`` (``RedisServer.start`` adds that)."""
    return runner_acl(RUNNER_USER, RUNNER_PASSWORD, PREFIX).removeprefix(f"user {RUNNER_USER} ")


@pytest.fixture(scope="package")
def queue_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer.start(tmp_path_factory.mktemp("queue-redis"), users={"runner": acl_rule()})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def hosts(queue_redis: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosts]:
    ensure_runner_dockerd()
    bed = Hosts(queue_redis, tmp_path_factory.mktemp("runners"), {})
    with ThreadPoolExecutor(2) as start:
        list(start.map(bed.spawn, ["host1", "host2"]))
    try:
        yield bed
    finally:
        for worker in bed.workers.values():
            worker.stop()
        for url in (HOST1_SOCKET, HOST2_SOCKET):  # what a killed worker left behind
            with contextlib.suppress(docker.errors.DockerException):
                client = docker.DockerClient(base_url=url, timeout=30)
                reap_leftovers(client)
                client.close()


def queue_settings(**overrides: object) -> EngineSettings:
    return EngineSettings.load(backend="redis", **overrides)  # type: ignore[arg-type]


@pytest.fixture
async def queue_engine(hosts: Hosts) -> AsyncIterator[RedisEngine]:
    """The web side: the default Redis user, the catalogue, no Docker client."""
    engine = RedisEngine(hosts.redis.url, PREFIX, queue_settings(queue_size=4))
    await engine.start()
    try:
        yield engine
    finally:
        await engine.close()
