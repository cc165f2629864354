"""Many runs at once: each finishes correctly or is refused as busy at once; none hangs."""

from __future__ import annotations

import asyncio
import time

import docker
import pytest

from runners.contract import EngineBusyError, RunRequest, RunResult, Verdict
from runners.settings import EngineSettings
from tests.runners.conftest import EngineHarness, own_containers, running_pooled

pytestmark = pytest.mark.docker


async def _gather(harness: EngineHarness, count: int) -> list[RunResult | BaseException]:
    requests = [
        RunRequest("python", f"import sys\nprint({i} * int(sys.stdin.read()))\n", stdin="3")
        for i in range(count)
    ]
    return await asyncio.gather(
        *(harness.engine.run(request) for request in requests), return_exceptions=True
    )


def test_twenty_concurrent_runs_all_finish(harness: EngineHarness) -> None:
    started = time.monotonic()
    results = harness.call(_gather(harness, 20), timeout=90)
    assert time.monotonic() - started < 60
    for i, result in enumerate(results):
        assert isinstance(result, RunResult), result
        assert result.status is Verdict.OK, result
        assert result.run is not None and result.run.stdout == f"{3 * i}\n"


def test_a_full_queue_answers_busy_at_once(docker_client: docker.DockerClient) -> None:
    settings = EngineSettings.load(pool_enabled=False, max_concurrent_runs=1, queue_size=2)
    harness = EngineHarness(settings)
    try:
        started = time.monotonic()
        results = harness.call(_gather(harness, 20), timeout=90)
        elapsed = time.monotonic() - started
        busy = [r for r in results if isinstance(r, EngineBusyError)]
        done = [r for r in results if isinstance(r, RunResult)]
        assert len(busy) == 17 and len(done) == 3
        assert all(r.status is Verdict.OK for r in done)
        assert busy[0].code == "busy" and busy[0].http_status == 503
        assert elapsed < 30
        owner = harness.engine._owner
    finally:
        harness.close()
    assert own_containers(docker_client, owner) == []


def test_pool_hands_out_pre_started_containers(
    harness: EngineHarness, docker_client: docker.DockerClient
) -> None:
    harness.call(harness.engine.wait_until_warm(60), timeout=70)
    owner = harness.engine._owner
    pooled = running_pooled(docker_client, owner, "python")
    assert len(pooled) >= 1
    result = harness.run("python", "print('warm')")
    assert result.status is Verdict.OK
    still_there = {c["Id"] for c in docker_client.api.containers(all=True)}
    assert pooled[0]["Id"] not in still_there or len(pooled) > 1  # used once, then removed


def test_a_dead_pooled_container_is_replaced_transparently(
    harness: EngineHarness, docker_client: docker.DockerClient
) -> None:
    harness.call(harness.engine.wait_until_warm(60), timeout=70)
    owner = harness.engine._owner
    pooled = running_pooled(docker_client, owner, "ruby")
    assert pooled, "the ruby pool should hold a running container"
    for container in pooled:
        docker_client.api.kill(container["Id"])
    result = harness.run("ruby", "puts 6 * 7")
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout == "42\n"
