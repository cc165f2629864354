"""Checking a ``RunRequest`` against the catalogue and the ``[engine]`` maxima, before any
container exists.

Kept apart from the Docker engine so that every engine refuses the same requests with the same
errors: the local ``DockerEngine`` and the server side of the Redis queue (which has the catalogue
but no Docker socket) both inherit ``RequestChecker``, so an oversized source or an unknown
language never costs a trip to a runner host.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from runners.catalogue import LIMIT_BOUNDS, Catalogue, CatalogueError, Language, Limits
from runners.contract import (
    InvalidRunRequestError,
    Judging,
    LimitAboveMaximumError,
    PayloadTooLargeError,
    RequestedLimits,
    RunRequest,
    TooManyTestsError,
)
from runners.execution import TestPlan
from runners.judging import default_test_name
from runners.sandbox import cpu_time_limit_s
from runners.settings import EngineSettings

REQUESTABLE_LIMITS = ("compile_timeout_ms", "run_timeout_ms", "memory_mb", "output_kb", "pids")
TEST_LIMITS = ("run_timeout_ms", "memory_mb", "output_kb")
"""What one test may set for itself; the compile timeout and the process count belong to the
submission (one compile, one container)."""
MAX_ARGS = 64
MAX_ARG_BYTES = 4096
_FILE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
MAX_FILE_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Job:
    """A checked request, ready for a sandbox."""

    language: Language
    limits: Limits
    """The container's limits (for tests: the highest memory any test asks for)."""
    source: bytes
    stdin: bytes
    files: tuple[tuple[str, bytes], ...] = ()
    args: tuple[str, ...] = ()
    tests: tuple[TestPlan, ...] | None = None
    judging: Judging = field(default_factory=Judging)


class RequestChecker:
    """Validation shared by every engine; needs the settings and the catalogue, nothing else."""

    def __init__(self, settings: EngineSettings, catalogue: Catalogue) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self._check_catalogue_within_maxima()

    def effective_limits(self, language: Language, request: RunRequest) -> Limits:
        return self._limits(language.limits, request.limits, REQUESTABLE_LIMITS, "")

    def check(self, request: RunRequest) -> Job:
        """Everything a request may get wrong, refused before any container exists."""
        language = self.catalogue.get(request.language)
        limits = self.effective_limits(language, request)
        source = _encode(request.source, "source", self.settings.max_source_kb)
        files = self._files(request, language, len(source))
        args = _args(request.args)
        if not request.tests:
            stdin = _encode(request.stdin, "stdin", self.settings.max_stdin_kb)
            return Job(language, limits, source, stdin, files, args, judging=request.judging)
        if len(request.tests) > self.settings.max_tests:
            raise TooManyTestsError(
                f"{len(request.tests)} tests; this server runs at most "
                f"{self.settings.max_tests} per submission"
            )
        _check_judging(request.judging)
        plans: list[TestPlan] = []
        stdin_bytes = expected_bytes = 0
        for index, test in enumerate(request.tests):
            name = default_test_name(index, test.name)
            where = f"test {name!r}: "
            own = self._limits(limits, test.limits, TEST_LIMITS, where)
            for extra in set(REQUESTABLE_LIMITS) - set(TEST_LIMITS):
                if getattr(test.limits, extra) is not None:
                    raise InvalidRunRequestError(
                        f"{where}{extra} belongs to the submission, not to one test"
                    )
            stdin = _encode(test.stdin, f"{where}stdin", self.settings.max_stdin_kb)
            expected = test.expected_stdout
            if expected is not None:
                expected_bytes += len(_encode(expected, f"{where}expected_stdout", 1 << 30))
            stdin_bytes += len(stdin)
            plans.append(
                TestPlan(
                    name=name,
                    hidden=bool(test.hidden),
                    stdin=stdin,
                    expected_stdout=expected,
                    run_timeout_ms=own.run_timeout_ms,
                    memory_mb=own.memory_mb,
                    output_kb=own.output_kb,
                    cpu_s=cpu_time_limit_s(own),
                )
            )
        for what, size in (("stdin", stdin_bytes), ("expected_stdout", expected_bytes)):
            if size > self.settings.max_stdin_kb * 1024:
                raise PayloadTooLargeError(
                    f"the tests' {what} add up to {size / 1024:.0f} KiB; the maximum is "
                    f"{self.settings.max_stdin_kb} KiB"
                )
        memory = max([limits.memory_mb, *(plan.memory_mb for plan in plans)])
        container = dataclasses.replace(limits, memory_mb=memory)
        return Job(language, container, source, b"", files, args, tuple(plans), request.judging)

    def _limits(
        self, base: Limits, requested: RequestedLimits, names: Sequence[str], where: str
    ) -> Limits:
        changes: dict[str, Any] = {}
        for name in names:
            value = getattr(requested, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidRunRequestError(f"{where}limit {name} must be a whole number")
            maximum = getattr(self.settings, f"max_{name}")
            if value > maximum:
                raise LimitAboveMaximumError(
                    f"{where}limit {name}={value} is above this server's maximum of {maximum}"
                )
            low = int(LIMIT_BOUNDS[name][0])
            if value < low:
                raise InvalidRunRequestError(
                    f"{where}limit {name}={value} is below the minimum of {low}"
                )
            changes[name] = value
        if not changes:
            return base
        return dataclasses.replace(base, **changes)

    def _files(
        self, request: RunRequest, language: Language, source_bytes: int
    ) -> tuple[tuple[str, bytes], ...]:
        if len(request.files) > self.settings.max_files:
            raise InvalidRunRequestError(
                f"{len(request.files)} extra files; the maximum is {self.settings.max_files}"
            )
        seen = {language.source_file}
        files: list[tuple[str, bytes]] = []
        total = source_bytes
        for file in request.files:
            name = file.name
            parts = name.split("/") if isinstance(name, str) else []
            if (
                not parts
                or len(parts) > MAX_FILE_DEPTH
                or not all(_FILE_PART.match(part) and ".." not in part for part in parts)
            ):
                raise InvalidRunRequestError(
                    f"file name {name!r} must be a relative path of plain names "
                    "(letters, digits, '_', '-', '.'; no '..', no leading '/')"
                )
            if name in seen or any("/".join(parts[:i]) in seen for i in range(1, len(parts))):
                raise InvalidRunRequestError(f"file {name!r} is given twice (or clashes)")
            seen.add(name)
            if not isinstance(file.content, bytes):
                raise InvalidRunRequestError(f"file {name!r}: content must be bytes")
            total += len(file.content)
            files.append((name, file.content))
        if total > self.settings.max_source_kb * 1024:
            raise PayloadTooLargeError(
                f"the source and files are {total / 1024:.0f} KiB; the maximum is "
                f"{self.settings.max_source_kb} KiB"
            )
        return tuple(files)

    def _check_catalogue_within_maxima(self) -> None:
        for language in self.catalogue:
            for name in REQUESTABLE_LIMITS:
                value = getattr(language.limits, name)
                maximum = getattr(self.settings, f"max_{name}")
                if value > maximum:
                    raise CatalogueError(
                        f"[languages.{language.id}] {name}={value} is above the [engine] "
                        f"maximum max_{name}={maximum}"
                    )


def _args(args: Sequence[str]) -> tuple[str, ...]:
    if len(args) > MAX_ARGS:
        raise InvalidRunRequestError(f"{len(args)} arguments; the maximum is {MAX_ARGS}")
    checked: list[str] = []
    for arg in args:
        data = _encode(arg, "an argument", MAX_ARG_BYTES // 1024)
        if b"\0" in data:
            raise InvalidRunRequestError("an argument cannot contain a NUL character")
        checked.append(arg)
    return tuple(checked)


def _check_judging(judging: Judging) -> None:
    for name in ("float_abs_tolerance", "float_rel_tolerance"):
        value = getattr(judging, name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidRunRequestError(f"{name} must be a number")
        if not math.isfinite(value) or value < 0:
            raise InvalidRunRequestError(f"{name} must be a finite number, not negative")


def _encode(text: str, what: str, max_kb: int) -> bytes:
    if not isinstance(text, str):
        raise InvalidRunRequestError(f"{what} must be text")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRunRequestError(f"{what} is not valid Unicode text") from None
    if len(data) > max_kb * 1024:
        raise PayloadTooLargeError(
            f"{what} is {len(data) / 1024:.0f} KiB; the maximum is {max_kb} KiB"
        )
    return data
