"""The engine's one door: what goes in, what comes out, and what can go wrong on our side.

Everything outside ``runners/`` (the server, the room, the CLI) talks to the engine only through
these types, so the server can be tested against a fake ``Engine`` and the engine can change its
insides (pool, sandbox, images) without anyone noticing. The JSON shape of ``RunResult`` is the
contract in DESIGN.md and is identical over REST, the CLI and the socket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class Verdict(StrEnum):
    """What the candidate's code did. The values are the wire strings."""

    OK = "ok"
    COMPILE_ERROR = "compile_error"
    RUNTIME_ERROR = "runtime_error"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    INTERNAL_ERROR = "internal_error"
    WRONG_ANSWER = "wrong_answer"
    """A test's output differs from its ``expected_stdout`` (tests only)."""
    ACCEPTED = "accepted"
    """A submission with tests, every one of which passed (the submission's status only)."""


class Comparison(StrEnum):
    """How a test's stdout is compared with its ``expected_stdout``."""

    EXACT = "exact"
    TRAILING_WHITESPACE = "trailing_whitespace"
    """Trailing spaces on each line and trailing newlines are ignored (Judge0's rule); default."""
    TOKENS = "tokens"
    """Whitespace-insensitive: the outputs split on whitespace must be equal."""
    FLOAT = "float"
    """Token by token; tokens that both parse as numbers match within the tolerances."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage (``compile`` or ``run``); both stages have the same shape."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    signal: str | None = None
    wall_ms: int = 0
    cpu_ms: int | None = None
    memory_kb: int | None = None
    stdout_truncated: bool = False
    stderr_truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test of a submission: its own stage (a fresh process) and its own verdict."""

    __test__ = False  # not a pytest test class

    name: str
    hidden: bool
    status: Verdict
    """``ok`` (no expected output given, or it matched), ``wrong_answer`` or a limit verdict."""
    stage: Stage
    expected_stdout: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "hidden": self.hidden,
            "status": self.status.value,
            "stage": self.stage.to_dict(),
        }
        if self.expected_stdout is not None:
            data["expected_stdout"] = self.expected_stdout
        if self.message is not None:
            data["message"] = self.message
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestResult:
        return cls(
            name=data["name"],
            hidden=bool(data.get("hidden", False)),
            status=Verdict(data["status"]),
            stage=Stage(**data["stage"]),
            expected_stdout=data.get("expected_stdout"),
            message=data.get("message"),
        )


@dataclass(frozen=True, slots=True)
class RunResult:
    status: Verdict
    language: str
    compile: Stage | None = None
    run: Stage | None = None
    """Null for a submission with tests (each test has its own stage) and when compiling failed."""
    message: str | None = None
    """A human sentence for ``internal_error`` (and limits), never a stack trace."""
    tests: tuple[TestResult, ...] | None = None
    """Present only for a submission with tests, in the order they ran (fewer than requested
    when ``stop_on_first_failure`` stopped early or compilation failed)."""
    total: int | None = None
    """How many tests the submission carried (``passed`` counts those that passed)."""

    @property
    def passed(self) -> int | None:
        if self.tests is None:
            return None
        return sum(1 for test in self.tests if test.status is Verdict.OK)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status.value,
            "language": self.language,
            "compile": self.compile.to_dict() if self.compile else None,
            "run": self.run.to_dict() if self.run else None,
        }
        if self.message is not None:
            data["message"] = self.message
        if self.tests is not None:
            data["tests"] = [test.to_dict() for test in self.tests]
            data["passed"] = self.passed
            data["total"] = self.total if self.total is not None else len(self.tests)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        def stage(raw: dict[str, Any] | None) -> Stage | None:
            return Stage(**raw) if raw is not None else None

        tests = data.get("tests")
        return cls(
            status=Verdict(data["status"]),
            language=data["language"],
            compile=stage(data.get("compile")),
            run=stage(data.get("run")),
            message=data.get("message"),
            tests=tuple(TestResult.from_dict(t) for t in tests) if tests is not None else None,
            total=data.get("total"),
        )


@dataclass(frozen=True, slots=True)
class RequestedLimits:
    """Limits a caller asks for. ``None`` means the language's default.

    A request may lower a limit and never raise one above the server-side maximum: the engine
    rejects such a request with ``LimitAboveMaximumError`` rather than silently clamping it.
    """

    compile_timeout_ms: int | None = None
    run_timeout_ms: int | None = None
    memory_mb: int | None = None
    output_kb: int | None = None
    pids: int | None = None


@dataclass(frozen=True, slots=True)
class TestCase:
    """One test of a submission. Without ``expected_stdout`` a test only runs (verdict ``ok``
    unless a limit or a crash says otherwise); ``limits`` may lower the submission's limits."""

    __test__ = False  # not a pytest test class

    stdin: str = ""
    expected_stdout: str | None = None
    name: str = ""
    """Empty: the engine names it ``test-<n>`` (1-based)."""
    hidden: bool = False
    limits: RequestedLimits = field(default_factory=RequestedLimits)


@dataclass(frozen=True, slots=True)
class Judging:
    """How a submission's tests are compared and sequenced."""

    comparison: Comparison = Comparison.TRAILING_WHITESPACE
    float_abs_tolerance: float = 1e-6
    float_rel_tolerance: float = 1e-6
    stop_on_first_failure: bool = False


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An extra file placed beside the source in the work directory (Piston's ``files[1:]``,
    Judge0's ``additional_files``). ``name`` is a plain relative path, no ``..``."""

    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class RunRequest:
    language: str
    source: str
    stdin: str = ""
    limits: RequestedLimits = field(default_factory=RequestedLimits)
    tests: tuple[TestCase, ...] = ()
    """Empty: a plain run (``stdin`` is its input). Otherwise compiled once, each test run as a
    fresh process in the same container; ``stdin`` is then ignored."""
    judging: Judging = field(default_factory=Judging)
    args: tuple[str, ...] = ()
    """Command-line arguments given to the program (each test gets the same)."""
    files: tuple[SourceFile, ...] = ()


@dataclass(frozen=True, slots=True)
class LanguageInfo:
    """The public face of a catalogue entry: what the UI and the API show."""

    id: str
    name: str
    version: str
    source_file: str
    stub: str
    compiled: bool
    editor: str = "plain"
    """The editor mode that highlights it (one the client ships; ``plain`` otherwise)."""
    default: bool = False
    """The language a new room starts in (one per catalogue)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class EngineError(Exception):
    """Something on our side, not the candidate's code. Carries its HTTP status and code."""

    http_status = 500
    code = "engine_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EngineBusyError(EngineError):
    """The queue is full; answered at once, never after a hang."""

    http_status = 503
    code = "busy"


class EngineUnavailableError(EngineError):
    """No Docker engine answers, or a language's image is missing."""

    http_status = 503
    code = "engine_unavailable"


class InvalidRunRequestError(EngineError):
    http_status = 400
    code = "invalid_run_request"


class UnknownLanguageError(InvalidRunRequestError):
    code = "unknown_language"


class LimitAboveMaximumError(InvalidRunRequestError):
    code = "limit_above_maximum"


class PayloadTooLargeError(InvalidRunRequestError):
    http_status = 413
    code = "payload_too_large"


class TooManyTestsError(InvalidRunRequestError):
    code = "too_many_tests"


@runtime_checkable
class Engine(Protocol):
    """What the server needs from an engine; the real one and test fakes both satisfy it."""

    def languages(self) -> Sequence[LanguageInfo]: ...

    async def run(self, request: RunRequest) -> RunResult: ...

    async def start(self) -> None:
        """Open the pool (warm containers). Called from the app's serving hook, never at import."""
        ...

    async def close(self) -> None: ...
