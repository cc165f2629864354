"""Runner-hosts benchmark: what the Redis queue adds to a run, and runs/s with one and two hosts.

Run with `make bench` (or `.venv/bin/python tests/bench/bench_runner_hosts.py`). Prints tables;
not collected by pytest. Needs the main Docker engine and runner host 2
(`scripts/ensure-runner-dockerd.sh`, started here when missing). Targets (issue #15): the Redis
path adds p50 <= 3 ms to a Python hello over the local engine; two hosts give >= 1.8x the
runs/s of one, each worker pinned to its own core (`taskset -c 0` / `taskset -c 1`).

Latency is measured two ways: the end-to-end p50 of each path (the same warm pool on host 1,
runs a settle time apart, as interview runs come), and per queued run the time not spent in the
worker's engine (the reply carries ``engine_ms``): the second is the queue's own cost, free of
the container's noise.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from runners.contract import EngineBusyError, RunRequest, RunResult, Verdict
from runners.engine import DockerEngine
from runners.redis_engine import RedisEngine
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

HELLO = RunRequest("python", "print('Hello, world!')")
LATENCY_ROUNDS = int(os.environ.get("ONSITE_BENCH_QUEUE_ROUNDS", "30"))
THROUGHPUT_RUNS = int(os.environ.get("ONSITE_BENCH_QUEUE_RUNS", "80"))
ECHO_ROUNDS = 300
SETTLE_S = 0.3
SLOTS = 4
PREFIX = "bench"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def ok(result: RunResult) -> None:
    if result.status is not Verdict.OK:
        raise SystemExit(f"a run failed: {result}")


async def local_latencies() -> list[float]:
    engine = DockerEngine(EngineSettings.load(pool_sizes={"python": 2}, max_concurrent_runs=SLOTS))
    await engine.start()
    await engine.wait_until_warm(120)
    times: list[float] = []
    try:
        for _ in range(LATENCY_ROUNDS):
            await asyncio.sleep(SETTLE_S)
            started = time.perf_counter()
            ok(await engine.run(HELLO))
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await engine.close()
    return times


async def queue_latencies(engine: RedisEngine) -> tuple[list[float], list[float]]:
    totals: list[float] = []
    added: list[float] = []
    for _ in range(LATENCY_ROUNDS):
        await asyncio.sleep(SETTLE_S)
        started = time.perf_counter()
        reply = await engine.run_traced(HELLO)
        total = (time.perf_counter() - started) * 1000
        assert isinstance(reply.answer, RunResult) and reply.engine_ms is not None
        ok(reply.answer)
        totals.append(total)
        added.append(total - reply.engine_ms)
    return totals, added


async def queue_only(redis: RedisServer) -> list[float]:
    """The queue's own cost with a worker whose engine answers at once (``queue_echo_worker``)."""
    script = Path(__file__).with_name("queue_echo_worker.py")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        redis.url,
        "echo",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    engine = RedisEngine(redis.url, "echo", EngineSettings.load(backend="redis"))
    await engine.start()
    added: list[float] = []
    try:
        for _ in range(50):  # until the worker serves
            try:
                await engine.run(HELLO)
                break
            except EngineBusyError:
                await asyncio.sleep(0.1)
        for _ in range(ECHO_ROUNDS):
            await asyncio.sleep(0.01)
            started = time.perf_counter()
            reply = await engine.run_traced(HELLO)
            assert reply.engine_ms is not None
            added.append((time.perf_counter() - started) * 1000 - reply.engine_ms)
    finally:
        await engine.close()
        process.terminate()
        await process.wait()
    return added


async def throughput(engine: RedisEngine, concurrency: int) -> tuple[float, dict[str, int]]:
    """Runs/s with ``concurrency`` callers firing back to back until ``THROUGHPUT_RUNS``."""
    remaining = THROUGHPUT_RUNS
    served: dict[str, int] = {}

    async def caller() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            result, worker = await engine.run_with_origin(HELLO)
            ok(result)
            host = worker.partition(":")[0]
            served[host] = served.get(host, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return THROUGHPUT_RUNS / (time.perf_counter() - started), served


def start_worker(
    name: str, socket: str, cpu: int | None, redis: RedisServer, workdir: Path
) -> WorkerProcess:
    return WorkerProcess.start(
        name,
        redis_url=redis.url_for(RUNNER_USER, RUNNER_PASSWORD),
        key_prefix=PREFIX,
        docker_url=socket,
        workdir=workdir,
        slots=SLOTS,
        languages=("python",),
        cpu=cpu,
        pool_sizes="python=2",
    )


async def main() -> None:
    ensure_runner_dockerd()
    workdir = Path(tempfile.mkdtemp(prefix="onsite-bench-runners-"))
    rule = runner_acl(RUNNER_USER, RUNNER_PASSWORD, PREFIX).removeprefix(f"user {RUNNER_USER} ")
    redis = RedisServer.start(workdir / "redis", users={RUNNER_USER: rule})
    workers: list[WorkerProcess] = []
    settings = EngineSettings.load(backend="redis", queue_size=64)
    engine = RedisEngine(redis.url, PREFIX, settings)
    await engine.start()
    try:
        print(f"== Python hello, one at a time ({LATENCY_ROUNDS} runs, {SETTLE_S}s apart), host 1")
        local = await local_latencies()
        # Not pinned here: the same conditions as the local engine (in this process, unpinned).
        workers.append(start_worker("host1", HOST1_SOCKET, None, redis, workdir))
        await queue_latencies(engine)  # warm the connections and the pool
        totals, added = await queue_latencies(engine)
        print(f"{'path':<28} {'p50 ms':>8} {'p90 ms':>8} {'mean ms':>8}")
        for label, values in (
            ("local engine", local),
            ("redis queue (end to end)", totals),
            ("redis queue: added", added),
        ):
            print(
                f"{label:<28} {percentile(values, 50):>8.2f} {percentile(values, 90):>8.2f} "
                f"{statistics.mean(values):>8.2f}"
            )
        echo = await queue_only(redis)
        print(
            f"{'redis queue, instant engine':<28} {percentile(echo, 50):>8.2f} "
            f"{percentile(echo, 90):>8.2f} {statistics.mean(echo):>8.2f}"
        )
        diff = percentile(totals, 50) - percentile(local, 50)
        print(f"added p50 (engine_ms subtracted): {percentile(added, 50):.2f} ms (target <= 3)")
        print(f"queue alone, no container:        {percentile(echo, 50):.2f} ms")
        print(f"difference of end-to-end p50s:    {diff:.2f} ms (container noise included)")

        print(f"\n== throughput: {THROUGHPUT_RUNS} Python hellos, {SLOTS} slots per host")
        workers.pop().stop()
        workers.append(start_worker("host1", HOST1_SOCKET, 0, redis, workdir))
        await throughput(engine, SLOTS)  # warm
        one, served_one = await throughput(engine, SLOTS)
        workers.append(start_worker("host2", HOST2_SOCKET, 1, redis, workdir))
        await throughput(engine, 2 * SLOTS)  # warm host 2's connections
        two, served_two = await throughput(engine, 2 * SLOTS)
        print(f"{'hosts':<34} {'runs/s':>8}  served")
        print(f"{'1 (worker on cpu 0)':<34} {one:>8.1f}  {served_one}")
        print(f"{'2 (workers on cpu 0 and cpu 1)':<34} {two:>8.1f}  {served_two}")
        print(f"speed-up: {two / one:.2f}x (target >= 1.8x; see the note in the report)")
        print(f"cores: {os.cpu_count()}, load average now: {os.getloadavg()[0]:.1f}")
    finally:
        await engine.close()
        for worker in workers:
            worker.stop()
        redis.stop()


if __name__ == "__main__":
    asyncio.run(main())
