"""A Judge0 submission request, checked the way Judge0 checks it. Pure: JSON in, values out.

Errors are collected per field and raised together as ``FieldErrors``, which the API answers as
Judge0 does: ``422 {"field": ["message", …]}``. Types are strict (a number must be a JSON
number), so what the OpenAPI schema calls invalid is refused here too. Fields Judge0 does not
know are ignored, as its strong parameters ignore them.
"""

from __future__ import annotations

import io
import math
import posixpath
import shlex
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runners.contract import SourceFile
from server.judge0 import config as cfg
from server.judge0.callbacks import callback_url_problem
from server.judge0.config import Judge0Config
from server.judge0.encoding import Base64Error, decode64, decode64_bytes
from server.kit.limits import args_problem, file_name_problem


class FieldErrors(Exception):
    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass
class SubmissionValues:
    """What a valid request stores (``Judge0Submission`` columns) and the files it carries."""

    columns: dict[str, Any]
    files: tuple[SourceFile, ...] = ()


@dataclass
class _Checker:
    data: Mapping[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, *, base64: bool, max_bytes: int) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(name, "must be a string")
            return None
        if base64:
            try:
                value = decode64(value)
            except Base64Error as exc:
                self.add(name, str(exc))
                return None
        if "\x00" in value:
            self.add(name, "must not contain NUL characters")
            return None
        if len(value.encode("utf-8")) > max_bytes:
            self.add(name, f"is too long (maximum is {max_bytes} bytes)")
            return None
        return value

    def number(
        self, name: str, *, maximum: float, minimum: float, integer: bool = False
    ) -> float | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(name, "is not a number")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.add(name, "is not a number")
            return None
        if integer and value != int(value):
            self.add(name, "must be an integer")
            return None
        if value <= 0:
            self.add(name, "must be greater than 0")
        elif value < minimum:
            self.add(name, f"must be greater than or equal to {_show(minimum)}")
        elif value > maximum:
            self.add(name, f"must be less than or equal to {_show(maximum)}")
        else:
            return float(value)
        return None

    def flag(self, name: str, *, allowed: bool = True) -> bool:
        value = self.data.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(name, "must be true or false")
            return False
        if value and not allowed:
            self.add(name, "this option cannot be enabled")
        return value


def _show(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def additional_files(archive: bytes, max_files: int = 32) -> tuple[SourceFile, ...]:
    """The zip's regular files as extra source files; ValueError with a Judge0 message."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            entries = [info for info in zipped.infolist() if not info.is_dir()]
            if len(entries) > max_files:
                raise ValueError(f"has {len(entries)} files; the maximum is {max_files}")
            if sum(info.file_size for info in entries) > cfg.MAX_EXTRACT_SIZE_KB * 1024:
                raise ValueError(
                    f"extracted size is over the maximum of {cfg.MAX_EXTRACT_SIZE_KB} KB"
                )
            files = []
            for info in entries:
                name = posixpath.normpath(info.filename)
                problem = file_name_problem(name)
                if problem is not None:
                    raise ValueError(problem)
                files.append(SourceFile(name=name, content=zipped.read(info)))
            return tuple(files)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise ValueError("is not a valid zip archive") from exc


def parse_submission(
    data: Any, *, base64_encoded: bool, config: Judge0Config, language_ids: set[int]
) -> SubmissionValues:
    if not isinstance(data, Mapping):
        raise FieldErrors({"submission": ["must be a JSON object"]})
    check = _Checker(data)
    limits = config.limits
    source = check.text("source_code", base64=base64_encoded, max_bytes=limits.max_source_kb * 1024)
    if "source_code" not in check.errors and not (source or "").strip():
        check.add("source_code", "can't be blank")
    language_id = data.get("language_id")
    if language_id is None:
        check.add("language_id", "can't be blank")
    elif isinstance(language_id, bool) or not isinstance(language_id, int):
        check.add("language_id", "is not a number")
    elif language_id not in language_ids:
        check.add("language_id", f"language with id {language_id} doesn't exist")
    max_input = limits.max_stdin_kb * 1024
    stdin = check.text("stdin", base64=base64_encoded, max_bytes=max_input)
    expected = check.text("expected_output", base64=base64_encoded, max_bytes=max_input)

    time_max = config.max_time_limit_s
    cpu = check.number("cpu_time_limit", maximum=time_max, minimum=cfg.MIN_TIME_LIMIT_S)
    extra = check.number("cpu_extra_time", maximum=cfg.MAX_CPU_EXTRA_TIME, minimum=0)
    wall = check.number("wall_time_limit", maximum=time_max, minimum=cfg.MIN_TIME_LIMIT_S)
    memory = check.number(
        "memory_limit", maximum=config.max_memory_kb, minimum=cfg.MIN_MEMORY_KB, integer=True
    )
    stack = check.number("stack_limit", maximum=config.max_memory_kb, minimum=1, integer=True)
    processes = check.number(
        "max_processes_and_or_threads",
        maximum=limits.max_pids,
        minimum=cfg.MIN_PROCESSES,
        integer=True,
    )
    file_size = check.number("max_file_size", maximum=limits.max_output_kb, minimum=1, integer=True)
    runs = check.number("number_of_runs", maximum=1, minimum=1, integer=True)
    per_process_time = check.flag("enable_per_process_and_thread_time_limit", allowed=False)
    per_process_memory = check.flag("enable_per_process_and_thread_memory_limit", allowed=False)
    network = check.flag("enable_network", allowed=False)
    redirect = check.flag("redirect_stderr_to_stdout")

    compiler_options = check.text("compiler_options", base64=False, max_bytes=512)
    if compiler_options:
        check.add("compiler_options", "setting compiler options is not allowed on this server")
    arguments = check.text(
        "command_line_arguments", base64=False, max_bytes=cfg.MAX_ARGUMENTS_LENGTH
    )
    if arguments:
        try:
            problem = args_problem(shlex.split(arguments))
        except ValueError as exc:
            problem = f"cannot be split into arguments: {exc}"
        if problem is not None:
            check.add("command_line_arguments", problem)
    callback_url = check.text("callback_url", base64=False, max_bytes=2048)
    if callback_url:
        problem = callback_url_problem(callback_url, config.settings)
        if problem is not None:
            check.add("callback_url", problem)

    files: tuple[SourceFile, ...] = ()
    archive: bytes | None = None
    raw_files = data.get("additional_files")
    if raw_files is not None:
        if not isinstance(raw_files, str):
            check.add("additional_files", "must be a string")
        else:
            try:
                archive = decode64_bytes(raw_files)
                files = additional_files(archive, limits.max_files) if archive else ()
            except (Base64Error, ValueError) as exc:
                check.add("additional_files", str(exc))
    if check.errors:
        raise FieldErrors(check.errors)
    assert source is not None and isinstance(language_id, int)
    return SubmissionValues(
        columns={
            "source_code": source,
            "language_id": language_id,
            "stdin": stdin,
            "expected_output": expected,
            "additional_files": archive or None,
            "compiler_options": compiler_options or None,
            "command_line_arguments": arguments or None,
            "number_of_runs": _int(runs) or 1,
            "cpu_time_limit": cpu,
            "cpu_extra_time": extra,
            "wall_time_limit": wall,
            "memory_limit": _int(memory),
            "stack_limit": _int(stack),
            "max_processes_and_or_threads": _int(processes),
            "max_file_size": _int(file_size),
            "enable_per_process_and_thread_time_limit": per_process_time,
            "enable_per_process_and_thread_memory_limit": per_process_memory,
            "redirect_stderr_to_stdout": redirect,
            "enable_network": network,
            "callback_url": callback_url or None,
        },
        files=files,
    )
