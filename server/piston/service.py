"""Piston's ``/execute``: its request checked the way Piston checks it, run through the engine,
answered in its shape.

Limits are Piston's units (milliseconds, bytes) mapped onto ours: ``run_timeout`` and
``compile_timeout`` to the engine's timeouts, ``run_memory_limit`` to the memory limit (one
limit covers both stages here, so ``compile_memory_limit`` is checked against the maximum and
otherwise leaves the language's own); ``-1`` means "no limit of my own" (the language's
default), as in Piston. A value above our maximum is refused, never clamped.
"""

from __future__ import annotations

import base64
import binascii
import math
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runners.contract import (
    LanguageInfo,
    RequestedLimits,
    RunRequest,
    RunResult,
    SourceFile,
    Stage,
    Verdict,
)
from server.kit.limits import EngineLimits, args_problem, file_name_problem
from server.piston.languages import Runtime, find_runtime

MIN_TIMEOUT_MS = 100
MIN_MEMORY_BYTES = 16 * 1024 * 1024


class PistonError(Exception):
    """Answered as Piston answers: ``{"message": …}`` with ``status``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Execution:
    runtime: Runtime
    request: RunRequest


def _decode(content: str, encoding: str, index: int) -> bytes:
    try:
        if encoding == "utf8":
            return content.encode("utf-8")
        if encoding == "base64":
            return base64.b64decode(content.encode("ascii"), validate=True)
        return bytes.fromhex(content)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise PistonError(f"files[{index}].content is not valid {encoding}") from exc


def _file(raw: Any, index: int) -> tuple[str, bytes]:
    if not isinstance(raw, Mapping):
        raise PistonError(f"files[{index}] must be an object")
    content = raw.get("content")
    if not isinstance(content, str):
        raise PistonError(f"files[{index}].content is required as a string")
    encoding = raw.get("encoding", "utf8")
    if encoding not in ("utf8", "base64", "hex"):
        raise PistonError(f"files[{index}].encoding must be one of utf8, base64, hex")
    name = raw.get("name")
    if name is None:
        name = f"file{index}.code"
    if not isinstance(name, str) or not name:
        raise PistonError(f"files[{index}].name must be a string")
    clean = posixpath.normpath(name)
    if index > 0 and (problem := file_name_problem(clean)) is not None:
        raise PistonError(f"files[{index}].name: {problem}")
    return clean, _decode(content, encoding, index)


def _number(data: Mapping[str, Any], key: str, maximum: int, minimum: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PistonError(f"{key} is required as a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise PistonError(f"{key} is required as a number")
    if value == -1 and key.endswith("memory_limit"):
        return None
    if value < 0:
        raise PistonError(f"{key} must be non-negative")
    if value > maximum:
        raise PistonError(f"{key} cannot exceed the configured limit of {maximum}")
    if value < minimum:
        raise PistonError(f"{key} must be at least {minimum}")
    return math.ceil(value)


def parse_execute(
    data: Any, *, limits: EngineLimits, languages: Sequence[LanguageInfo]
) -> Execution:
    if not isinstance(data, Mapping):
        raise PistonError("the body must be a JSON object")
    language, version = data.get("language"), data.get("version")
    if not isinstance(language, str) or not language:
        raise PistonError("language is required as a string")
    if not isinstance(version, str) or not version:
        raise PistonError("version is required as a string")
    files = data.get("files")
    if not isinstance(files, list):
        raise PistonError("files is required as an array")
    if not files:
        raise PistonError("files must contain at least one file")
    if len(files) > limits.max_files + 1:
        raise PistonError(f"files cannot contain more than {limits.max_files + 1} files")
    decoded = [_file(raw, index) for index, raw in enumerate(files)]
    stdin = data.get("stdin", "")
    if stdin is None:
        stdin = ""
    if not isinstance(stdin, str):
        raise PistonError("stdin must be a string")
    args = data.get("args", [])
    if args is None:
        args = []
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise PistonError("args must be an array of strings")
    if (problem := args_problem(args)) is not None:
        raise PistonError(f"args: {problem}")
    run_timeout = _number(data, "run_timeout", limits.max_run_timeout_ms, MIN_TIMEOUT_MS)
    compile_timeout = _number(
        data, "compile_timeout", limits.max_compile_timeout_ms, MIN_TIMEOUT_MS
    )
    max_memory = limits.max_memory_mb * 1024 * 1024
    run_memory = _number(data, "run_memory_limit", max_memory, MIN_MEMORY_BYTES)
    _number(data, "compile_memory_limit", max_memory, MIN_MEMORY_BYTES)
    runtime = find_runtime(languages, language, version)
    if runtime is None:
        raise PistonError(f"{language}-{version} runtime is unknown")
    _, source_bytes = decoded[0]
    try:
        source = source_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PistonError("files[0].content must be UTF-8 text (it is the program)") from exc
    if len(source_bytes) > limits.max_source_kb * 1024:
        raise PistonError(f"files[0].content cannot exceed {limits.max_source_kb} KB")
    if len(stdin.encode("utf-8")) > limits.max_stdin_kb * 1024:
        raise PistonError(f"stdin cannot exceed {limits.max_stdin_kb} KB")
    request = RunRequest(
        language=runtime.engine_id,
        source=source,
        stdin=stdin,
        limits=RequestedLimits(
            run_timeout_ms=run_timeout,
            compile_timeout_ms=compile_timeout,
            memory_mb=math.ceil(run_memory / (1024 * 1024)) if run_memory else None,
        ),
        args=tuple(args),
        files=tuple(SourceFile(name=name, content=content) for name, content in decoded[1:]),
    )
    return Execution(runtime=runtime, request=request)


def _status(verdict: Verdict, stage: Stage) -> str | None:
    if verdict in (Verdict.OK, Verdict.ACCEPTED):
        return None
    if verdict is Verdict.TIME_LIMIT:
        return "TO"
    if verdict is Verdict.OUTPUT_LIMIT:
        return "OL" if stage.stdout_truncated else "EL"
    if verdict is Verdict.INTERNAL_ERROR:
        return "XX"
    if verdict is Verdict.MEMORY_LIMIT or stage.signal:
        return "SG"
    return "RE"


def stage_json(stage: Stage, verdict: Verdict, message: str | None) -> dict[str, Any]:
    """A Piston stage: its outputs, ``output`` (stdout then stderr), code, signal, status."""
    return {
        "stdout": stage.stdout,
        "stderr": stage.stderr,
        "output": stage.stdout + stage.stderr,
        "code": stage.exit_code,
        "signal": stage.signal,
        "message": message,
        "status": _status(verdict, stage),
        "cpu_time": stage.cpu_ms,
        "wall_time": stage.wall_ms,
        "memory": stage.memory_kb * 1024 if stage.memory_kb is not None else None,
    }


def render(result: RunResult, runtime: Runtime) -> dict[str, Any]:
    out: dict[str, Any] = {"language": runtime.language, "version": runtime.version}
    compile_failed = result.status is Verdict.COMPILE_ERROR
    if result.compile is not None:
        verdict = Verdict.RUNTIME_ERROR if compile_failed else Verdict.OK
        out["compile"] = stage_json(
            result.compile, verdict, result.message if compile_failed else None
        )
    if result.run is not None:
        out["run"] = stage_json(result.run, result.status, result.message)
    else:
        # Piston leaves ``run`` out when compilation failed; clients that model it as always
        # present (ultra-piston does) get an empty stage that says why it did not run.
        reason = "compilation failed" if compile_failed else (result.message or "did not run")
        out["run"] = stage_json(Stage(), result.status, reason) | {"code": None}
    return out
