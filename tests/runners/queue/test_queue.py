"""Runs across two runner hosts through the Redis queue: real Redis, two real ``dockerd``
daemons, two ``onsite runner`` processes (the CLI), the web side's ``RedisEngine``."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid

import pytest
import redis.asyncio as aioredis

from runners.contract import (
    EngineBusyError,
    EngineUnavailableError,
    PayloadTooLargeError,
    RequestedLimits,
    RunRequest,
    TestCase,
    UnknownLanguageError,
    Verdict,
)
from runners.engine import DockerEngine
from runners.redis_engine import RedisEngine
from runners.wire import GROUP, Keys, QueuedJob, read_reply
from tests.runners.queue.conftest import PREFIX, Hosts, queue_settings

pytestmark = pytest.mark.docker

HELLO = RunRequest("python", "print('hello from a runner host')")
KEYS = Keys(PREFIX)


def sleeper(seconds: float, tag: str = "") -> RunRequest:
    return RunRequest("python", f"import time\ntime.sleep({seconds})\nprint('done {tag}')")


def host_of(worker_id: str) -> str:
    return worker_id.partition(":")[0]


async def pending_by_consumer(
    client: aioredis.Redis, language: str, *, every: bool = False
) -> dict[str, int]:
    """Consumer → pending entries (``every``: all the group's consumers, idle ones too)."""
    if every:
        consumers = await client.xinfo_consumers(KEYS.jobs(language), GROUP)
    else:
        consumers = (await client.xpending(KEYS.jobs(language), GROUP))["consumers"]
    return {
        (c["name"].decode() if isinstance(c["name"], bytes) else c["name"]): int(c["pending"])
        for c in consumers
    }


async def test_runs_are_served_by_both_runner_hosts(queue_engine: RedisEngine) -> None:
    served: list[str] = []
    for _ in range(3):  # concurrent pairs: each worker takes only what it has slots for
        pair = await asyncio.gather(*(queue_engine.run_with_origin(HELLO) for _ in range(4)))
        for result, worker in pair:
            assert result.status is Verdict.OK, result
            assert result.run is not None and result.run.stdout == "hello from a runner host\n"
            served.append(host_of(worker))
    assert set(served) == {"host1", "host2"}, served


async def test_host2_runs_report_cgroup_figures(queue_engine: RedisEngine) -> None:
    """The second daemon's containers live under the same cgroup v1 parent, so the host reads
    their memory and CPU counters as it does the main daemon's."""
    seen: set[str] = set()
    for _ in range(8):
        result, worker = await queue_engine.run_with_origin(
            RunRequest("python", "x = bytearray(20 * 1024 * 1024)\nprint(len(x))")
        )
        assert result.status is Verdict.OK and result.run is not None
        assert result.run.memory_kb is not None and result.run.memory_kb >= 20 * 1024, result
        assert result.run.cpu_ms is not None
        seen.add(host_of(worker))
        if seen == {"host1", "host2"}:
            return
    pytest.fail(f"only {seen} served; both hosts should")


async def test_a_compiled_language_and_a_submission_with_tests(queue_engine: RedisEngine) -> None:
    source = (
        '#include <stdio.h>\nint main(void){int a,b; scanf("%d %d",&a,&b); printf("%d\\n",a+b);}'
    )
    request = RunRequest(
        "c",
        source,
        tests=(
            TestCase("1 2", "3", name="small"),
            TestCase("20 22", "42", name="answer"),
            TestCase("1 1", "3", name="wrong", hidden=True),
        ),
    )
    result = await queue_engine.run(request)
    assert result.compile is not None and result.compile.exit_code == 0
    assert result.tests is not None
    assert [t.status for t in result.tests] == [Verdict.OK, Verdict.OK, Verdict.WRONG_ANSWER]
    assert result.status is Verdict.WRONG_ANSWER and result.passed == 2 and result.total == 3


async def test_a_run_longer_than_a_redis_socket_timeout_is_answered(
    queue_engine: RedisEngine,
) -> None:
    """redis-py's clients time a socket read out after 5 s by default; a run's BLPOP must not."""
    request = dataclasses.replace(sleeper(5.5, "late"), limits=RequestedLimits(run_timeout_ms=8000))
    result = await queue_engine.run(request)
    assert result.status is Verdict.OK, result
    assert result.run is not None and result.run.stdout == "done late\n"


async def test_bad_inputs_get_the_local_engines_errors_without_a_round_trip(
    queue_engine: RedisEngine, hosts: Hosts
) -> None:
    local = DockerEngine(queue_settings())  # never started: only its checks are used
    client = aioredis.Redis.from_url(hosts.redis.url)
    try:
        before = await client.xlen(KEYS.jobs("python"))
        oversized = RunRequest("python", "#" * (local.settings.max_source_kb * 1024 + 1))
        unknown = RunRequest("cobol", "DISPLAY 'HI'.")
        for request, kind in ((oversized, PayloadTooLargeError), (unknown, UnknownLanguageError)):
            with pytest.raises(kind) as local_error:
                local.check(request)
            with pytest.raises(kind) as queue_error:
                await queue_engine.run(request)
            assert queue_error.value.message == local_error.value.message
            assert queue_error.value.code == local_error.value.code
        assert await client.xlen(KEYS.jobs("python")) == before  # nothing was queued
    finally:
        await client.aclose()


async def test_busy_at_once_when_every_host_is_full(hosts: Hosts) -> None:
    """Two hosts × two slots, no queue allowance: the fifth concurrent run is refused before
    any of the four has finished."""
    engine = RedisEngine(hosts.redis.url, PREFIX, queue_settings(queue_size=0))
    client = aioredis.Redis.from_url(hosts.redis.url)
    try:
        running = [asyncio.create_task(engine.run(sleeper(2, str(n)))) for n in range(4)]
        for _ in range(200):
            if await client.hlen(KEYS.inflight("python")) >= 4:
                break
            await asyncio.sleep(0.01)
        with pytest.raises(EngineBusyError) as busy:
            await engine.run(HELLO)
        assert "busy" in busy.value.message
        assert not any(task.done() for task in running)
        results = await asyncio.gather(*running)
        assert all(r.status is Verdict.OK for r in results), results
    finally:
        await client.aclose()
        await engine.close()


async def test_busy_at_once_when_no_runner_host_serves_the_language(hosts: Hosts) -> None:
    engine = RedisEngine(hosts.redis.url, "nobody-here", queue_settings())
    try:
        with pytest.raises(EngineBusyError) as busy:
            await engine.run(HELLO)
        assert "no runner host is serving Python" in busy.value.message
        with pytest.raises(EngineUnavailableError, match="no runner host is alive"):
            await engine.ready()  # what /api/ready reports
    finally:
        await engine.close()


async def test_ready_names_the_live_runner_hosts(queue_engine: RedisEngine) -> None:
    assert await queue_engine.ready() == "2 runner host(s) serving c, python"


async def test_an_expired_job_is_answered_and_not_run(hosts: Hosts) -> None:
    client = aioredis.Redis.from_url(hosts.redis.url)
    job = QueuedJob(
        id=uuid.uuid4().hex,
        request=RunRequest("python", "print('must not run')"),
        deadline_ms=int(time.time() * 1000) - 1,
        budget_ms=3000,
    )
    try:
        await client.xadd(KEYS.jobs("python"), {"job": job.to_json()})
        popped = await client.blpop([KEYS.reply(job.id)], timeout=10)
        assert popped is not None, "no worker answered the expired job"
        answer, worker = read_reply(popped[1])
        assert isinstance(answer, EngineBusyError), answer
        assert "before its deadline" in answer.message
        log = hosts.workers[host_of(worker)].log()
        assert f"job {job.id} past its start-by time, not run" in log
        assert f"served job {job.id}" not in log
    finally:
        await client.aclose()


async def test_a_killed_runners_runs_are_rerun_by_the_other_before_their_deadline(
    hosts: Hosts,
) -> None:
    """kill -9 host 2's worker while it runs two jobs: host 1 claims them (XAUTOCLAIM, once
    idle past runner_claim_idle_ms) and runs them again; every run is answered ``ok``, long
    before its deadline (the server would have answered ``internal_error`` at the deadline)."""
    engine = RedisEngine(hosts.redis.url, PREFIX, queue_settings(queue_size=4))
    client = aioredis.Redis.from_url(hosts.redis.url)
    victim = hosts.workers["host2"]
    try:
        started = time.monotonic()
        runs = [asyncio.create_task(engine.run_with_origin(sleeper(1, str(n)))) for n in range(4)]
        victim_id = ""
        for _ in range(300):
            pending = await pending_by_consumer(client, "python")
            victim_id = next((c for c, n in pending.items() if c.startswith("host2:") and n), "")
            if victim_id:
                break
            await asyncio.sleep(0.01)
        assert victim_id, "host 2 took none of the four runs"
        victim.kill()
        answers = await asyncio.gather(*runs)
        elapsed_ms = (time.monotonic() - started) * 1000
        for result, worker in answers:
            assert result.status is Verdict.OK, result
            assert host_of(worker) == "host1", answers
        assert "claimed" in hosts.workers["host1"].log()
        budget_deadline = engine.settings.queue_wait_ms + 1000 + 3000
        assert elapsed_ms < budget_deadline
        for _ in range(100):  # and the group forgets the dead consumer, now that it holds nothing
            if victim_id not in await pending_by_consumer(client, "python", every=True):
                break
            await asyncio.sleep(0.1)
        assert victim_id not in await pending_by_consumer(client, "python", every=True)
    finally:
        await client.aclose()
        await engine.close()
        hosts.restart("host2")


async def test_sigterm_finishes_the_run_in_flight(hosts: Hosts) -> None:
    """A worker stopped as systemd stops it withdraws its capacity, finishes what it runs and
    exits 0; the run is answered by the worker that had it."""
    engine = RedisEngine(hosts.redis.url, PREFIX, queue_settings(queue_size=4))
    client = aioredis.Redis.from_url(hosts.redis.url)
    try:
        runs = [asyncio.create_task(engine.run_with_origin(sleeper(1.5, str(n)))) for n in range(4)]
        worker_id = ""
        for _ in range(300):
            pending = await pending_by_consumer(client, "python")
            worker_id = next((c for c, n in pending.items() if c.startswith("host2:") and n), "")
            if worker_id:
                break
            await asyncio.sleep(0.01)
        assert worker_id, pending
        stopping = asyncio.get_running_loop().run_in_executor(None, hosts.workers["host2"].stop)
        answers = await asyncio.gather(*runs)
        assert await stopping == 0
        assert all(result.status is Verdict.OK for result, _ in answers), answers
        assert worker_id in {w for _, w in answers}  # host 2 answered its own
        assert not await client.exists(KEYS.worker(worker_id))
    finally:
        await client.aclose()
        await engine.close()
        hosts.restart("host2")
