"""Bad run requests are refused before any container exists (no Docker needed for these)."""

from __future__ import annotations

import pytest

from runners.contract import (
    InvalidRunRequestError,
    LimitAboveMaximumError,
    PayloadTooLargeError,
    RequestedLimits,
    RunRequest,
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
