"""REST runs: the request body and the RunResult / language shapes of the contract."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Generous transport caps; the engine enforces its own (smaller) maxima with clear errors.
MAX_SOURCE_CHARS = 1_000_000
MAX_STDIN_CHARS = 1_000_000


class LimitsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    compile_timeout_ms: Annotated[int, Field(gt=0, le=600_000)] | None = None
    run_timeout_ms: Annotated[int, Field(gt=0, le=600_000)] | None = None
    memory_mb: Annotated[int, Field(gt=0, le=65_536)] | None = None
    output_kb: Annotated[int, Field(gt=0, le=1_048_576)] | None = None
    pids: Annotated[int, Field(gt=0, le=65_536)] | None = None


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Annotated[str, Field(min_length=1, max_length=64)]
    source: Annotated[str, Field(max_length=MAX_SOURCE_CHARS)]
    stdin: Annotated[str, Field(max_length=MAX_STDIN_CHARS)] = ""
    limits: LimitsIn | None = None


class StageOut(BaseModel):
    stdout: str
    stderr: str
    exit_code: int | None
    signal: str | None
    wall_ms: int
    cpu_ms: int | None
    memory_kb: int | None
    stdout_truncated: bool
    stderr_truncated: bool


class RunResultOut(BaseModel):
    status: Literal[
        "ok",
        "compile_error",
        "runtime_error",
        "time_limit",
        "memory_limit",
        "output_limit",
        "internal_error",
    ]
    language: str
    compile: StageOut | None
    run: StageOut | None
    message: str | None = None


class LanguageOut(BaseModel):
    id: str
    name: str
    version: str
    source_file: str
    stub: str
    compiled: bool
