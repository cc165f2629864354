"""Bad run requests are refused before any container exists (no Docker needed for these)."""

from __future__ import annotations

import pytest

from runners.contract import (
    Comparison,
    InvalidRunRequestError,
    Judging,
    LimitAboveMaximumError,
    PayloadTooLargeError,
    RequestedLimits,
    RunRequest,
    SourceFile,
    TestCase,
    TooManyTestsError,
    UnknownLanguageError,
)
from runners.engine import DockerEngine
from runners.settings import EngineSettings


@pytest.fixture
def engine() -> DockerEngine:
    # docker_url points nowhere: any request that got past validation would fail differently.
    return DockerEngine(
        EngineSettings.load(docker_url="unix:///nonexistent.sock", pool_enabled=False)
    )


async def test_unknown_language(engine: DockerEngine) -> None:
    with pytest.raises(UnknownLanguageError) as info:
        await engine.run(RunRequest("brainfuck", "+"))
    assert info.value.http_status == 400 and info.value.code == "unknown_language"


async def test_source_over_one_mebibyte(engine: DockerEngine) -> None:
    with pytest.raises(PayloadTooLargeError, match=r"source.*maximum is 1024 KiB") as info:
        await engine.run(RunRequest("python", "#" * (1024 * 1024 + 1)))
    assert info.value.http_status == 413


async def test_stdin_over_eight_mebibytes(engine: DockerEngine) -> None:
    with pytest.raises(PayloadTooLargeError, match="stdin"):
        await engine.run(RunRequest("python", "pass", stdin="x" * (8 * 1024 * 1024 + 1)))


async def test_multibyte_text_counts_in_bytes(engine: DockerEngine) -> None:
    with pytest.raises(PayloadTooLargeError):
        await engine.run(RunRequest("python", "é" * (512 * 1024 + 1)))


@pytest.mark.parametrize(
    "limits",
    [
        RequestedLimits(run_timeout_ms=30_001),
        RequestedLimits(compile_timeout_ms=600_000),
        RequestedLimits(memory_mb=4096),
        RequestedLimits(output_kb=10_000),
        RequestedLimits(pids=100_000),
    ],
)
async def test_limits_above_the_maximum(engine: DockerEngine, limits: RequestedLimits) -> None:
    with pytest.raises(LimitAboveMaximumError, match="above this server's maximum") as info:
        await engine.run(RunRequest("python", "pass", limits=limits))
    assert info.value.code == "limit_above_maximum"


@pytest.mark.parametrize(
    "limits", [RequestedLimits(run_timeout_ms=0), RequestedLimits(memory_mb=-5)]
)
async def test_limits_below_the_minimum(engine: DockerEngine, limits: RequestedLimits) -> None:
    with pytest.raises(InvalidRunRequestError, match="below the minimum"):
        await engine.run(RunRequest("python", "pass", limits=limits))


async def test_lone_surrogate_is_refused(engine: DockerEngine) -> None:
    with pytest.raises(InvalidRunRequestError, match="not valid Unicode"):
        await engine.run(RunRequest("python", "print('\ud800')"))


def test_lower_limits_are_taken(engine: DockerEngine) -> None:
    language = engine.catalogue.get("python")
    limits = engine.effective_limits(
        language, RunRequest("python", "", limits=RequestedLimits(run_timeout_ms=700, memory_mb=64))
    )
    assert (limits.run_timeout_ms, limits.memory_mb) == (700, 64)
    assert limits.pids == language.limits.pids


async def test_no_docker_means_engine_unavailable(engine: DockerEngine) -> None:
    from runners.contract import EngineUnavailableError

    await engine.start()  # must not raise: the server still starts
    with pytest.raises(EngineUnavailableError) as info:
        await engine.run(RunRequest("python", "print(1)"))
    assert info.value.http_status == 503
    await engine.close()


# -- submissions with tests, arguments and extra files ---------------------------------------


async def test_too_many_tests(engine: DockerEngine) -> None:
    tests = tuple(TestCase() for _ in range(engine.settings.max_tests + 1))
    with pytest.raises(TooManyTestsError, match="at most 100") as info:
        await engine.run(RunRequest("python", "pass", tests=tests))
    assert info.value.code == "too_many_tests" and info.value.http_status == 400


@pytest.mark.parametrize(
    ("limits", "error", "match"),
    [
        (RequestedLimits(run_timeout_ms=30_001), LimitAboveMaximumError, "test 'test-2'.*maximum"),
        (RequestedLimits(memory_mb=8), InvalidRunRequestError, "below the minimum"),
        (RequestedLimits(compile_timeout_ms=1000), InvalidRunRequestError, "belongs to the sub"),
        (RequestedLimits(pids=10), InvalidRunRequestError, "belongs to the submission"),
    ],
)
async def test_a_tests_own_limits_are_checked(
    engine: DockerEngine, limits: RequestedLimits, error: type[Exception], match: str
) -> None:
    tests = (TestCase(), TestCase(limits=limits))
    with pytest.raises(error, match=match):
        await engine.run(RunRequest("python", "pass", tests=tests))


async def test_tests_stdin_adds_up(engine: DockerEngine) -> None:
    big = "x" * (3 * 1024 * 1024)
    with pytest.raises(PayloadTooLargeError, match="add up to"):
        await engine.run(RunRequest("python", "pass", tests=(TestCase(big),) * 3))


def test_a_submission_is_planned_with_each_tests_limits(engine: DockerEngine) -> None:
    job = engine.check(
        RunRequest(
            "python",
            "pass",
            stdin="ignored with tests",
            tests=(
                TestCase("1", "1", name="one"),
                TestCase("2", limits=RequestedLimits(run_timeout_ms=700, memory_mb=512)),
            ),
        )
    )
    assert job.tests is not None and job.stdin == b""
    first, second = job.tests
    assert (first.name, first.stdin, first.expected_stdout) == ("one", b"1", "1")
    assert (second.name, second.run_timeout_ms, second.memory_mb) == ("test-2", 700, 512)
    assert second.cpu_s == 2 and first.cpu_s == 6
    assert job.limits.memory_mb == 512  # the container holds the largest test


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../x", "a/../../x", "", "a//b", ".hidden/../x", "a b", "main.py"]
)
async def test_bad_file_names(engine: DockerEngine, name: str) -> None:
    with pytest.raises(InvalidRunRequestError):
        await engine.run(RunRequest("python", "pass", files=(SourceFile(name, b"x"),)))


async def test_files_are_bounded(engine: DockerEngine) -> None:
    many = tuple(SourceFile(f"f{i}.txt", b"") for i in range(engine.settings.max_files + 1))
    with pytest.raises(InvalidRunRequestError, match="extra files"):
        await engine.run(RunRequest("python", "pass", files=many))
    huge = (SourceFile("big.bin", b"\0" * (1024 * 1024)),)
    with pytest.raises(PayloadTooLargeError, match="source and files"):
        await engine.run(RunRequest("python", "pass", files=huge))


async def test_args_are_bounded(engine: DockerEngine) -> None:
    with pytest.raises(InvalidRunRequestError, match="arguments"):
        await engine.run(RunRequest("python", "pass", args=("x",) * 65))
    with pytest.raises(InvalidRunRequestError, match="NUL"):
        await engine.run(RunRequest("python", "pass", args=("a\0b",)))


async def test_negative_tolerance_is_refused(engine: DockerEngine) -> None:
    judging = Judging(Comparison.FLOAT, float_abs_tolerance=-1)
    with pytest.raises(InvalidRunRequestError, match="tolerance"):
        await engine.run(RunRequest("python", "pass", tests=(TestCase(),), judging=judging))
