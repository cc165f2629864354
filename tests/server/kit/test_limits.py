"""The engine limits the compatibility surfaces advertise: [engine] over the engine's defaults,
and the catalogue's [defaults]."""

from __future__ import annotations

from pathlib import Path

from runners.settings import EngineSettings
from server.kit.limits import engine_limits
from server.settings import Settings


def test_limits_follow_the_engine_section(tmp_path: Path) -> None:
    settings = Settings.for_tests(tmp_path, engine={"max_run_timeout_ms": 12_000, "max_pids": 64})
    limits = engine_limits(settings)
    assert limits.max_run_timeout_ms == 12_000 and limits.max_pids == 64
    assert limits.max_memory_mb == EngineSettings().max_memory_mb
    assert limits.default_run_timeout_ms == 5000 and limits.default_memory_mb == 256


def test_defaults_never_exceed_the_maxima(tmp_path: Path) -> None:
    settings = Settings.for_tests(tmp_path, engine={"max_run_timeout_ms": 1000})
    assert engine_limits(settings).default_run_timeout_ms == 1000
