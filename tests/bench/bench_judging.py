"""Judging benchmark: one 20-test submission vs 20 separate runs, and the forged verdicts.

Run with `make bench` (or `.venv/bin/python tests/bench/bench_judging.py`); prints tables, not
collected by pytest. For Python, C and Java a "sum of two numbers" program is judged on 20 tests
as one submission (compiled once, each test a fresh process in one container) and as 20 separate
runs one after another, both through the engine and through `POST /api/runs` of a live app
(uvicorn, the real DockerEngine). Targets (issue #10): the submission >= 10x faster than the
separate runs and >= 100 tests/s. Then every forged-verdict program of tests/runners/test_forgery.py
is run and reported held / NOT HELD.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from runners.contract import RunRequest, RunResult, TestCase
from runners.engine import DockerEngine
from runners.settings import EngineSettings

TESTS = 20
LANGUAGES = ("python", "c", "java")
SOURCES = {
    "python": "a, b = map(int, input().split())\nprint(a + b)\n",
    "c": '#include <stdio.h>\nint main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2)'
    ' return 1; printf("%ld\\n", a + b); return 0; }\n',
    "java": "import java.util.*;\npublic class Main { public static void main(String[] x) {"
    " Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n",
}
TARGET_SPEEDUP = 10.0
TARGET_TESTS_PER_S = 100.0


def cases() -> list[tuple[str, str]]:
    rng = random.Random(10)
    pairs = [(rng.randint(-(10**9), 10**9), rng.randint(-(10**9), 10**9)) for _ in range(TESTS)]
    return [(f"{a} {b}\n", f"{a + b}\n") for a, b in pairs]


async def settle(engine: DockerEngine, language: str) -> None:
    """Start each measurement with the pool ready (interview runs come seconds apart)."""
    pool = engine._pool
    for _ in range(300):
        if pool is None or pool.ready_count(language) > 0:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)


def check_submission(result: dict[str, Any], where: str) -> None:
    if result["status"] != "accepted" or result["passed"] != TESTS:
        raise SystemExit(f"{where}: the submission was not accepted: {result}")


def check_run(result: dict[str, Any], expected: str, where: str) -> None:
    if result["status"] != "ok" or (result["run"] or {}).get("stdout") != expected:
        raise SystemExit(f"{where}: a separate run failed: {result}")


def compile_s(result: dict[str, Any]) -> float:
    wall: int = (result["compile"] or {}).get("wall_ms", 0)
    return wall / 1000


async def through_engine(engine: DockerEngine, language: str) -> tuple[float, float, float]:
    source = SOURCES[language]
    tests = tuple(TestCase(stdin=i, expected_stdout=o) for i, o in cases())
    await settle(engine, language)
    started = time.perf_counter()
    result = await engine.run(RunRequest(language, source, tests=tests))
    submission = time.perf_counter() - started
    check_submission(result.to_dict(), f"engine {language}")
    compiled = compile_s(result.to_dict())
    await settle(engine, language)
    started = time.perf_counter()
    for given, wanted in cases():
        run = await engine.run(RunRequest(language, source, stdin=given))
        check_run(run.to_dict(), wanted, f"engine {language}")
    return submission, compiled, time.perf_counter() - started


async def through_api(
    engine: DockerEngine, languages: tuple[str, ...]
) -> dict[str, tuple[float, float, float]]:
    import httpx
    import uvicorn

    from server.app import create_app
    from server.kit.runtime import uvicorn_config
    from server.settings import Settings
    from tests.support.net import free_port

    timings: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="onsite-bench-judging-") as tmp:
        app = create_app(Settings.for_tests(Path(tmp)), engine)
        port = free_port()
        server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port))
        serving = asyncio.create_task(server.serve())
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=120) as client:
                for _ in range(200):
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get("/api/languages")).status_code == 200:
                            break
                    await asyncio.sleep(0.05)
                registered = await client.post(
                    "/api/auth/register",
                    json={"email": "bench@example.com", "password": "correct horse battery",
                          "name": "Bench"},
                )  # fmt: skip
                if registered.status_code != 201:
                    raise SystemExit(f"registering failed: {registered.text}")
                headers = {"X-CSRF-Token": client.cookies["onsite_csrf"]}
                await engine.wait_until_warm(180)

                async def post(body: dict[str, Any]) -> dict[str, Any]:
                    response = await client.post("/api/runs", json=body, headers=headers)
                    if response.status_code != 200:
                        raise SystemExit(f"POST /api/runs answered {response.status_code}: "
                                         f"{response.text}")  # fmt: skip
                    data: dict[str, Any] = response.json()
                    return data

                for language in languages:
                    source = SOURCES[language]
                    tests = [{"stdin": i, "expected_stdout": o} for i, o in cases()]
                    await settle(engine, language)
                    started = time.perf_counter()
                    result = await post({"language": language, "source": source, "tests": tests})
                    submission = time.perf_counter() - started
                    check_submission(result, f"api {language}")
                    await settle(engine, language)
                    started = time.perf_counter()
                    for given, wanted in cases():
                        run = await post({"language": language, "source": source, "stdin": given})
                        check_run(run, wanted, f"api {language}")
                    separate = time.perf_counter() - started
                    timings[language] = (submission, compile_s(result), separate)
        finally:
            server.should_exit = True
            await serving
    return timings


async def concurrent_rate(engine: DockerEngine, language: str, at_once: int = 2) -> float:
    """Tests per second with ``at_once`` submissions judged at the same time: the machine's
    throughput per 2 cores (one submission's tests run in order, so one submission alone uses
    one core)."""
    source = SOURCES[language]
    tests = tuple(TestCase(stdin=i, expected_stdout=o) for i, o in cases())
    await settle(engine, language)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(engine.run(RunRequest(language, source, tests=tests)) for _ in range(at_once))
    )
    wall = time.perf_counter() - started
    for result in results:
        check_submission(result.to_dict(), f"concurrent {language}")
    return at_once * TESTS / wall


async def forgeries(engine: DockerEngine) -> list[tuple[str, bool, str]]:
    from tests.runners.test_forgery import FORGERIES, _assert_not_forged

    rows: list[tuple[str, bool, str]] = []
    for case, (language, source) in sorted(FORGERIES.items()):
        result: RunResult = await engine.run(RunRequest(language, source))
        try:
            _assert_not_forged(result)
            held = True
        except AssertionError:
            held = False
        stage = result.run
        detail = f"{result.status.value}, exit {stage.exit_code if stage else '-'}"
        if stage and stage.signal:
            detail += f" {stage.signal}"
        rows.append((case, held, detail))
    return rows


def table(title: str, rows: list[tuple[str, float, float, float]]) -> bool:
    """TESTS/S counts the whole submission (compile included); AFTER COMPILE only its tests."""
    print(f"\n{title}")
    print(
        f"{'LANGUAGE':<9} {'SUBMISSION':>11} {'COMPILE':>8} {'TESTS/S':>8} {'AFTER COMPILE':>14}"
        f" {'20 RUNS':>9} {'SPEEDUP':>8}  TARGETS"
    )
    met = True
    for language, submission, compiled, separate in rows:
        rate = TESTS / submission
        after = TESTS / max(submission - compiled, 1e-3)
        speedup = separate / submission
        ok = speedup >= TARGET_SPEEDUP and rate >= TARGET_TESTS_PER_S
        met &= ok
        mark = (
            "met"
            if ok
            else (
                f"MISSED ({'speedup' if speedup < TARGET_SPEEDUP else ''}"
                f"{' ' if speedup < TARGET_SPEEDUP and rate < TARGET_TESTS_PER_S else ''}"
                f"{'rate' if rate < TARGET_TESTS_PER_S else ''})"
            )
        )
        print(f"{language:<9} {submission * 1000:>8.0f} ms {compiled * 1000:>5.0f} ms {rate:>8.0f}"
              f" {after:>14.0f} {separate * 1000:>6.0f} ms {speedup:>7.1f}x  {mark}")  # fmt: skip
    return met


async def main() -> None:
    settings = EngineSettings.load(pool_sizes={language: 2 for language in LANGUAGES})
    engine = DockerEngine(settings)
    await engine.start()
    try:
        await engine.wait_until_warm(180)
        rows = [(lang, *(await through_engine(engine, lang))) for lang in LANGUAGES]
        concurrent = {lang: await concurrent_rate(engine, lang) for lang in LANGUAGES}
        held = await forgeries(engine)
    finally:
        await engine.close()
    api = await through_api(DockerEngine(settings), LANGUAGES)  # the app starts and closes it
    table(f"One {TESTS}-test submission vs {TESTS} separate runs, through the engine", rows)
    table("The same through POST /api/runs (live app, uvicorn)", [(k, *api[k]) for k in LANGUAGES])
    print("\nTwo submissions judged at once (both cores busy): tests per second, compile included")
    for language, rate in concurrent.items():
        mark = "met" if rate >= TARGET_TESTS_PER_S else "MISSED"
        print(f"  {language:<9} {rate:>6.0f} tests/s  {mark}")
    print("\nForged verdicts (print a fake trailer, attack the supervisor, exit 3)")
    for case, ok, detail in held:
        print(f"  {case:<22} {'held' if ok else 'NOT HELD':<9} {detail}")
    if not all(ok for _, ok, _ in held):
        raise SystemExit("a forged verdict was not held")


if __name__ == "__main__":
    asyncio.run(main())
