"""Engine benchmark: warm-pool runs vs plain `docker run --rm`, and sustained Python throughput.

Run with `make bench` (or `.venv/bin/python tests/bench/bench_engine.py`). Prints tables; not
collected by pytest. Targets on the 2-core reference box: Python warm p50 <= 60 ms and >= 4x
faster than `docker run`; C <= 250 ms; Java <= 900 ms; Kotlin <= 3 s; >= 20 Python runs/s.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from runners.contract import RunRequest, Verdict
from runners.engine import DockerEngine
from runners.protocol import GO_LINE, header, new_nonce
from runners.sandbox import LAUNCHER_CAPABILITIES, PRIVATE_DIR, RUN_USER
from runners.settings import EngineSettings

ROUNDS = {"python": 40, "c": 20, "java": 12, "kotlin": 6, "typescript": 6}
PLAIN_ROUNDS = {"python": 15, "c": 10, "java": 6, "kotlin": 3, "typescript": 3}
TARGET_MS: dict[str, int | None] = {
    "python": 60,
    "c": 250,
    "java": 900,
    "kotlin": 3000,
    "typescript": None,
}
SETTLE_S = 0.3
THROUGHPUT_RUNS = int(os.environ.get("ONSITE_BENCH_THROUGHPUT_RUNS", "120"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


async def warm_latencies(engine: DockerEngine, language: str, rounds: int) -> list[float]:
    source = engine.catalogue.get(language).stub
    times: list[float] = []
    for _ in range(rounds):
        pool = engine._pool
        # Interview runs come seconds apart: wait (untimed) until the pool has a container
        # ready again and the previous run's container removal has settled.
        for _ in range(200):
            if pool is None or pool.ready_count(language) > 0:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(SETTLE_S)
        started = time.perf_counter()
        result = await engine.run(RunRequest(language, source))
        elapsed = (time.perf_counter() - started) * 1000
        if result.status is not Verdict.OK:
            raise SystemExit(f"{language} hello failed: {result}")
        times.append(elapsed)
    return times


def plain_docker_latencies(engine: DockerEngine, language: str, rounds: int) -> list[float]:
    """The same image, launcher and program through `docker run --rm -i` (no pool, CLI)."""
    lang = engine.catalogue.get(language)
    source = lang.stub.encode()
    # GO at once: the launcher reads it after its compile record (no memory-peak reset here).
    payload = header(new_nonce(), "run", 65536, [(lang.source_file, source)]) + GO_LINE
    caps = [f"--cap-add={cap}" for cap in LAUNCHER_CAPABILITIES]
    command = [
        "docker", "run", "--rm", "-i", "--network", "none", "--read-only",
        "--user", RUN_USER, "--cap-drop=ALL", *caps, "--security-opt", "no-new-privileges",
        "--tmpfs", f"/work:rw,exec,size={lang.limits.tmpfs_mb}m,mode=1777",
        "--tmpfs", f"/tmp:rw,exec,size={lang.limits.tmpfs_mb}m,mode=1777",
        "--tmpfs", f"{PRIVATE_DIR}:rw,noexec,size={lang.limits.tmpfs_mb}m,mode=0700",
        "--memory", f"{lang.limits.memory_mb}m", "--cpus", str(lang.limits.cpus),
        lang.image, lang.source_file, lang.compile or "", lang.run, lang.warm or "",
    ]  # fmt: skip
    times: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        done = subprocess.run(command, input=payload, capture_output=True, check=False)
        times.append((time.perf_counter() - started) * 1000)
        if b"Hello, world!" not in done.stdout:
            raise SystemExit(f"plain docker run of {language} failed: {done.stderr!r}")
    return times


async def throughput(engine: DockerEngine, runs: int) -> tuple[float, int]:
    source = "print('hi')\n"
    started = time.perf_counter()
    results = await asyncio.gather(*(engine.run(RunRequest("python", source)) for _ in range(runs)))
    elapsed = time.perf_counter() - started
    ok = sum(1 for r in results if r.status is Verdict.OK)
    return runs / elapsed, ok


async def main() -> None:
    settings = EngineSettings.load(
        pool_size=0,
        pool_sizes={"python": 8, "c": 1, "java": 1, "kotlin": 1, "typescript": 1},
        max_concurrent_runs=4,
        queue_size=max(32, THROUGHPUT_RUNS),
    )
    engine = DockerEngine(settings)
    await engine.start()
    await engine.wait_until_warm(120)
    load = os.getloadavg()[0]
    print(
        f"onsite engine benchmark — {os.cpu_count()} CPUs, load average {load:.1f} at start, "
        f"max_concurrent_runs=4; warm = end-to-end engine.run() with a pooled container\n"
    )
    header = (
        f"{'language':<10} {'warm p50':>9} {'warm p95':>9} {'docker run p50':>15} "
        f"{'docker run p95':>15} {'speed-up':>9} {'target p50':>11}"
    )
    print(header)
    print("-" * len(header))
    try:
        for language, rounds in ROUNDS.items():
            warm = await warm_latencies(engine, language, rounds)
            plain = plain_docker_latencies(engine, language, PLAIN_ROUNDS[language])
            w50, w95 = statistics.median(warm), percentile(warm, 95)
            p50, p95 = statistics.median(plain), percentile(plain, 95)
            target = TARGET_MS[language]
            goal = "  (none)" if target is None else f"{target:>6} ms"
            verdict = "" if target is None else ("met" if w50 <= target else "MISSED")
            print(
                f"{language:<10} {w50:>7.0f}ms {w95:>7.0f}ms {p50:>13.0f}ms {p95:>13.0f}ms "
                f"{p50 / w50:>8.1f}x {goal} {verdict}"
            )
        await engine.wait_until_warm(60)
        rate, ok = await throughput(engine, THROUGHPUT_RUNS)
        print(
            f"\nsustained python: {rate:.1f} runs/s over {THROUGHPUT_RUNS} concurrent requests "
            f"({ok} ok; target >= 20 runs/s {'met' if rate >= 20 else 'MISSED'})"
        )
    finally:
        await engine.close()


if __name__ == "__main__":
    asyncio.run(main())
