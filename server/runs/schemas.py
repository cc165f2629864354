"""REST runs: the request body and the RunResult / language shapes of the contract."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Generous transport caps; the engine enforces its own (smaller) maxima with clear errors.
MAX_SOURCE_CHARS = 1_000_000
MAX_STDIN_CHARS = 1_000_000
MAX_TESTS = 1000
MAX_ARGS = 64

Status = Literal[
    "ok",
    "compile_error",
    "runtime_error",
    "time_limit",
    "memory_limit",
    "output_limit",
    "internal_error",
    "wrong_answer",
    "accepted",
]
"""``wrong_answer`` only for a test, ``accepted`` only for a submission whose tests all passed."""


class LimitsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    compile_timeout_ms: Annotated[int, Field(gt=0, le=600_000, strict=True)] | None = None
    run_timeout_ms: Annotated[int, Field(gt=0, le=600_000, strict=True)] | None = None
    memory_mb: Annotated[int, Field(gt=0, le=65_536, strict=True)] | None = None
    output_kb: Annotated[int, Field(gt=0, le=1_048_576, strict=True)] | None = None
    pids: Annotated[int, Field(gt=0, le=65_536, strict=True)] | None = None


class TestLimitsIn(BaseModel):
    """What one test may lower (or raise up to the server's maxima) for itself."""

    model_config = ConfigDict(extra="forbid")

    run_timeout_ms: Annotated[int, Field(gt=0, le=600_000, strict=True)] | None = None
    memory_mb: Annotated[int, Field(gt=0, le=65_536, strict=True)] | None = None
    output_kb: Annotated[int, Field(gt=0, le=1_048_576, strict=True)] | None = None


class TestIn(BaseModel):
    """One test case: its stdin and, to be judged, the stdout it must produce."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=128)] = ""
    stdin: Annotated[str, Field(max_length=MAX_STDIN_CHARS)] = ""
    expected_stdout: Annotated[str, Field(max_length=MAX_STDIN_CHARS)] | None = None
    hidden: bool = False
    limits: TestLimitsIn | None = None


class JudgingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comparison: Literal["exact", "trailing_whitespace", "tokens", "float"] = "trailing_whitespace"
    float_abs_tolerance: Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)] = 1e-6
    float_rel_tolerance: Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)] = 1e-6
    stop_on_first_failure: bool = False


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Annotated[str, Field(min_length=1, max_length=64)]
    source: Annotated[str, Field(max_length=MAX_SOURCE_CHARS)]
    stdin: Annotated[str, Field(max_length=MAX_STDIN_CHARS)] = ""
    limits: LimitsIn | None = None
    tests: Annotated[list[TestIn], Field(max_length=MAX_TESTS)] | None = None
    """Compiled once, each test run as a fresh process; ``stdin`` is then ignored."""
    judging: JudgingIn | None = None
    args: Annotated[list[Annotated[str, Field(max_length=4096)]], Field(max_length=MAX_ARGS)] = []


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


class TestResultOut(BaseModel):
    name: str
    hidden: bool
    status: Status
    stage: StageOut
    expected_stdout: str | None = None
    """Absent for hidden tests."""
    message: str | None = None


class RunResultOut(BaseModel):
    status: Status
    language: str
    compile: StageOut | None
    run: StageOut | None
    """Null with tests (each test has its own stage) and when compilation failed."""
    message: str | None = None
    tests: list[TestResultOut] | None = None
    """Only for a submission with tests, in the order they ran."""
    passed: int | None = None
    total: int | None = None
    """``tests``, ``passed`` and ``total`` are null for a plain run."""


class LanguageOut(BaseModel):
    id: str
    name: str
    version: str
    source_file: str
    stub: str
    compiled: bool
    editor: str = "plain"
    """The client's editor mode for it (``plain`` when there is none)."""
    default: bool = False
    """The language a new room starts in."""
