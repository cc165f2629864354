"""Per-stage numbers (the compiler stays out of the run's memory and CPU) and the CPU-time limit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import docker
import pytest

from runners.catalogue import load_catalogue
from runners.cgroup import ContainerCgroup
from runners.contract import Verdict
from runners.pool import container_limits_match
from runners.sandbox import Sandbox, StageTimes, cpu_time_limit_s
from runners.settings import REPO_ROOT
from tests.runners.conftest import EngineHarness


@pytest.mark.docker
def test_the_compilers_memory_and_cpu_stay_in_the_compile_stage(harness: EngineHarness) -> None:
    result = harness.run("cpp", harness.engine.catalogue.get("cpp").stub)
    assert result.status is Verdict.OK, result
    compiled, ran = result.compile, result.run
    assert compiled is not None and ran is not None
    assert compiled.memory_kb is not None and ran.memory_kb is not None, result
    assert compiled.cpu_ms is not None and ran.cpu_ms is not None, result
    # g++ on <iostream> needs tens of MB and a good fraction of a second; hello needs neither.
    assert ran.memory_kb < compiled.memory_kb, result
    assert ran.cpu_ms < compiled.cpu_ms, result


@pytest.mark.docker
def test_a_time_limit_shows_the_cpu_time_spent(harness: EngineHarness) -> None:
    result = harness.run("c", "int main(void) { for (;;); }\n", run_timeout_ms=1000)
    assert result.status is Verdict.TIME_LIMIT, result
    assert result.run is not None and result.run.cpu_ms is not None and result.run.cpu_ms > 0


@pytest.mark.docker
def test_cpu_time_limit_is_a_time_limit(
    harness: EngineHarness, docker_client: docker.DockerClient
) -> None:
    """The wall clock is set far out so only RLIMIT_CPU (2 s for a 1 s run limit) can stop it."""
    language = harness.engine.catalogue.get("python")
    limits = dataclasses.replace(language.limits, run_timeout_ms=1000)
    assert cpu_time_limit_s(limits) == 2
    sandbox = Sandbox.launch(docker_client, language, limits, owner=harness.engine._owner)
    try:
        result = sandbox.execute(
            b"print('spinning')\nwhile True:\n    pass\n", b"", StageTimes(15.0, 30.0, 1 << 16)
        )
    finally:
        sandbox.destroy()
    assert result.status is Verdict.TIME_LIMIT, result
    assert result.run is not None and result.run.signal == "SIGXCPU", result
    # The cgroup's counter and the kernel's tick-sampled RLIMIT_CPU differ by a few percent.
    assert result.run.cpu_ms is not None and result.run.cpu_ms >= 1500, result
    assert result.run.stdout == "spinning\n"
    assert result.message is not None and "2 s of CPU time" in result.message


def test_a_pooled_container_never_serves_a_higher_cpu_limit() -> None:
    pooled = load_catalogue(REPO_ROOT / "config" / "languages.toml").get("python").limits
    shorter = dataclasses.replace(pooled, run_timeout_ms=pooled.run_timeout_ms // 2)
    longer = dataclasses.replace(pooled, run_timeout_ms=pooled.run_timeout_ms * 3)
    assert container_limits_match(pooled, shorter)  # the wall limit stops it first
    assert not container_limits_match(pooled, longer)


def test_cgroup_counters_fall_back_to_none_where_unreadable(tmp_path: Path) -> None:
    cgroup = ContainerCgroup("0" * 64, root=tmp_path)
    assert cgroup.memory_peak_bytes() is None
    assert cgroup.cpu_ns() is None
    assert cgroup.reset_memory_peak() is False
