"""A stored submission as Judge0 answers it: ``fields`` chosen, text base64-encoded or not.

Judge0 CE 1.13's serializer: every column except the ids, plus ``status`` (``{id,
description}``) and ``language`` (``{id, name}``); ``fields=*`` is all of them, no ``fields``
the eight defaults. Decimal columns (``time``, ``wall_time`` and the time limits) are strings,
as Rails renders decimals; times are ISO 8601 with milliseconds and a ``Z``. Limits the client
did not give show the configured default, as Judge0 stores its defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from server.judge0.config import DEFAULT_CPU_EXTRA_TIME, DEFAULT_STACK_LIMIT_KB, Judge0Config
from server.judge0.encoding import encode64
from server.judge0.models import Judge0Submission
from server.judge0.statuses import status_json

DEFAULT_FIELDS = (
    "token",
    "time",
    "memory",
    "stdout",
    "stderr",
    "compile_output",
    "message",
    "status",
)
ALL_FIELDS = (
    "source_code",
    "language",
    "stdin",
    "expected_output",
    "stdout",
    "status",
    "created_at",
    "finished_at",
    "time",
    "memory",
    "stderr",
    "token",
    "number_of_runs",
    "cpu_time_limit",
    "cpu_extra_time",
    "wall_time_limit",
    "memory_limit",
    "stack_limit",
    "max_processes_and_or_threads",
    "enable_per_process_and_thread_time_limit",
    "enable_per_process_and_thread_memory_limit",
    "max_file_size",
    "compile_output",
    "exit_code",
    "exit_signal",
    "message",
    "wall_time",
    "compiler_options",
    "command_line_arguments",
    "redirect_stderr_to_stdout",
    "callback_url",
    "additional_files",
    "enable_network",
)
# Asked for by name (other Judge0 versions and clients list them), never part of ``*``.
EXTRA_FIELDS = ("language_id", "status_id")
ENCODED_FIELDS = frozenset(
    {"source_code", "stdin", "expected_output", "stdout", "stderr", "compile_output", "message"}
)


class InvalidFieldsError(ValueError):
    def __init__(self, invalid: Sequence[str]) -> None:
        super().__init__(f"invalid fields: [{', '.join(invalid)}]")


def requested_fields(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return DEFAULT_FIELDS
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if "*" in names:
        return ALL_FIELDS
    invalid = [n for n in names if n not in ALL_FIELDS and n not in EXTRA_FIELDS]
    if invalid:
        raise InvalidFieldsError(invalid)
    return tuple(dict.fromkeys(names))


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _decimal(value: float | None) -> str | None:
    if value is None:
        return None
    text = f"{value:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8", errors="replace")


def _default_or(value: Any, default: Any) -> Any:
    return default if value is None else value


def render(
    row: Judge0Submission,
    fields: Sequence[str],
    *,
    base64_encoded: bool,
    config: Judge0Config,
    language_name: str | None,
) -> dict[str, Any]:
    limits = config.limits
    values: dict[str, Any] = {
        "token": row.token,
        "source_code": row.source_code,
        "language_id": row.language_id,
        "language": {"id": row.language_id, "name": language_name},
        "stdin": row.stdin,
        "expected_output": row.expected_output,
        "stdout": _text(row.stdout),
        "stderr": _text(row.stderr),
        "compile_output": _text(row.compile_output),
        "message": row.message,
        "status_id": row.status_id,
        "status": status_json(row.status_id),
        "created_at": timestamp(row.created_at),
        "finished_at": timestamp(row.finished_at),
        "time": _decimal(row.time),
        "wall_time": _decimal(row.wall_time),
        "memory": row.memory,
        "exit_code": row.exit_code,
        "exit_signal": row.exit_signal,
        "number_of_runs": row.number_of_runs,
        "cpu_time_limit": _decimal(_default_or(row.cpu_time_limit, config.default_time_limit_s)),
        "cpu_extra_time": _decimal(_default_or(row.cpu_extra_time, DEFAULT_CPU_EXTRA_TIME)),
        "wall_time_limit": _decimal(_default_or(row.wall_time_limit, config.default_time_limit_s)),
        "memory_limit": _default_or(row.memory_limit, config.default_memory_kb),
        "stack_limit": _default_or(row.stack_limit, DEFAULT_STACK_LIMIT_KB),
        "max_processes_and_or_threads": _default_or(
            row.max_processes_and_or_threads, limits.default_pids
        ),
        "max_file_size": _default_or(row.max_file_size, limits.default_output_kb),
        "enable_per_process_and_thread_time_limit": row.enable_per_process_and_thread_time_limit,
        "enable_per_process_and_thread_memory_limit": (
            row.enable_per_process_and_thread_memory_limit
        ),
        "redirect_stderr_to_stdout": row.redirect_stderr_to_stdout,
        "enable_network": row.enable_network,
        "compiler_options": row.compiler_options,
        "command_line_arguments": row.command_line_arguments,
        "callback_url": row.callback_url,
        # Binary: always base64, whatever base64_encoded says (Judge0 does the same).
        "additional_files": encode64(row.additional_files) if row.additional_files else None,
    }
    out: dict[str, Any] = {}
    for name in fields:
        value = values[name]
        if base64_encoded and name in ENCODED_FIELDS and value is not None:
            value = encode64(value)
        out[name] = value
    return out
