"""The engine's limits as the compatibility surfaces must advertise and enforce them.

The engine refuses a request above its maxima by itself; the Judge0 and Piston surfaces check
first so they can refuse in their clients' dialects and name the offending field, and report
the same numbers in ``/config_info``. Both read them here: the ``[engine]`` table the server was
configured with (the same file and ``ONSITE_ENGINE_*`` variables the engine reads) over the
engine's own defaults, and the catalogue's ``[defaults]`` limits.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runners.settings import EngineSettings
from server.settings import Settings


@dataclass(frozen=True, slots=True)
class EngineLimits:
    max_run_timeout_ms: int
    max_compile_timeout_ms: int
    max_memory_mb: int
    max_output_kb: int
    max_pids: int
    max_source_kb: int
    max_stdin_kb: int
    max_tests: int
    max_files: int
    max_concurrent_runs: int
    default_run_timeout_ms: int
    default_compile_timeout_ms: int
    default_memory_mb: int
    default_output_kb: int
    default_pids: int


def engine_settings(settings: Settings) -> EngineSettings:
    known = {f.name for f in dataclasses.fields(EngineSettings)}
    overrides = {key: value for key, value in settings.engine.items() if key in known}
    return dataclasses.replace(EngineSettings(), **overrides)


def _catalogue_defaults(path: str) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as handle:
            table = tomllib.load(handle).get("defaults", {})
    except (OSError, tomllib.TOMLDecodeError):
        table = {}
    return table if isinstance(table, dict) else {}


def engine_limits(settings: Settings) -> EngineLimits:
    engine = engine_settings(settings)
    defaults = _catalogue_defaults(engine.catalogue_path)

    def default(name: str, fallback: int, maximum: int) -> int:
        value = defaults.get(name, fallback)
        return min(int(value), maximum) if isinstance(value, int | float) else fallback

    return EngineLimits(
        max_run_timeout_ms=engine.max_run_timeout_ms,
        max_compile_timeout_ms=engine.max_compile_timeout_ms,
        max_memory_mb=engine.max_memory_mb,
        max_output_kb=engine.max_output_kb,
        max_pids=engine.max_pids,
        max_source_kb=engine.max_source_kb,
        max_stdin_kb=engine.max_stdin_kb,
        max_tests=engine.max_tests,
        max_files=getattr(engine, "max_files", 32),
        max_concurrent_runs=engine.max_concurrent_runs,
        default_run_timeout_ms=default("run_timeout_ms", 5000, engine.max_run_timeout_ms),
        default_compile_timeout_ms=default(
            "compile_timeout_ms", 15000, engine.max_compile_timeout_ms
        ),
        default_memory_mb=default("memory_mb", 256, engine.max_memory_mb),
        default_output_kb=default("output_kb", 64, engine.max_output_kb),
        default_pids=default("pids", 128, engine.max_pids),
    )


# What the engine accepts for an extra file's name and a program's arguments (runners.engine
# checks the same and refuses the run otherwise; the surfaces check first to refuse in their
# clients' dialects, naming the field).
MAX_ARGS = 64
MAX_ARG_BYTES = 4096
MAX_FILE_DEPTH = 4
_FILE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def file_name_problem(name: str) -> str | None:
    """Why the engine would refuse ``name`` for an extra file, or None."""
    parts = name.split("/")
    if len(parts) > MAX_FILE_DEPTH or not all(
        _FILE_PART.match(part) and ".." not in part for part in parts
    ):
        return (
            f"file name {name!r} must be a relative path of plain names (letters, digits, "
            f"'_', '-', '.'; no '..', no leading '/', at most {MAX_FILE_DEPTH} levels)"
        )
    return None


def args_problem(args: list[str]) -> str | None:
    if len(args) > MAX_ARGS:
        return f"{len(args)} arguments; the maximum is {MAX_ARGS}"
    if any(len(arg.encode("utf-8")) > MAX_ARG_BYTES or "\x00" in arg for arg in args):
        return f"an argument may be at most {MAX_ARG_BYTES} bytes, without NUL characters"
    return None
