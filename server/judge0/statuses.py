"""Judge0's statuses (ids 1-14 with its descriptions) and how an engine verdict becomes one.

Pure: a ``RunResult`` in, what Judge0 would store out. The rules follow Judge0 CE 1.13's
isolate job: a run that finishes cleanly is Accepted (3) when no expected output was given;
a fatal signal picks 7-10 by signal (SIGSEGV, SIGXFSZ, SIGFPE, SIGABRT) or 12 for any other;
a non-zero exit is NZEC (11). Verdicts Judge0 has no status for map to the nearest one and say
so in ``message``: output over the limit is 8 (Judge0's file-size limit is what bounds its
stdout), memory over the limit 12, our own failures 13. Empty outputs are null, as Judge0
answers them.
"""

from __future__ import annotations

import signal as signals
from dataclasses import dataclass
from enum import IntEnum

from runners.contract import Judging, RunResult, Stage, Verdict
from runners.judging import judge_test


class Status(IntEnum):
    IN_QUEUE = 1
    PROCESSING = 2
    ACCEPTED = 3
    WRONG_ANSWER = 4
    TIME_LIMIT_EXCEEDED = 5
    COMPILATION_ERROR = 6
    SIGSEGV = 7
    SIGXFSZ = 8
    SIGFPE = 9
    SIGABRT = 10
    NZEC = 11
    OTHER = 12
    INTERNAL_ERROR = 13
    EXEC_FORMAT_ERROR = 14


DESCRIPTIONS: dict[Status, str] = {
    Status.IN_QUEUE: "In Queue",
    Status.PROCESSING: "Processing",
    Status.ACCEPTED: "Accepted",
    Status.WRONG_ANSWER: "Wrong Answer",
    Status.TIME_LIMIT_EXCEEDED: "Time Limit Exceeded",
    Status.COMPILATION_ERROR: "Compilation Error",
    Status.SIGSEGV: "Runtime Error (SIGSEGV)",
    Status.SIGXFSZ: "Runtime Error (SIGXFSZ)",
    Status.SIGFPE: "Runtime Error (SIGFPE)",
    Status.SIGABRT: "Runtime Error (SIGABRT)",
    Status.NZEC: "Runtime Error (NZEC)",
    Status.OTHER: "Runtime Error (Other)",
    Status.INTERNAL_ERROR: "Internal Error",
    Status.EXEC_FORMAT_ERROR: "Exec Format Error",
}

FINISHED = frozenset(set(Status) - {Status.IN_QUEUE, Status.PROCESSING})

_SIGNAL_STATUS = {
    int(signals.SIGSEGV): Status.SIGSEGV,
    int(signals.SIGXFSZ): Status.SIGXFSZ,
    int(signals.SIGFPE): Status.SIGFPE,
    int(signals.SIGABRT): Status.SIGABRT,
}


def status_json(status_id: int) -> dict[str, object]:
    return {"id": status_id, "description": DESCRIPTIONS[Status(status_id)]}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a finished Judge0 submission stores."""

    status: Status
    stdout: str | None = None
    stderr: str | None = None
    compile_output: str | None = None
    message: str | None = None
    exit_code: int | None = None
    exit_signal: int | None = None
    time: float | None = None
    wall_time: float | None = None
    memory: int | None = None


def signal_number(name: str | None) -> int | None:
    if not name:
        return None
    if name.isdigit():
        return int(name)
    try:
        return int(signals.Signals[name if name.startswith("SIG") else f"SIG{name}"])
    except KeyError:
        return None


def _none_if_empty(text: str) -> str | None:
    return text if text else None


def _compile_output(stage: Stage | None) -> str | None:
    if stage is None:
        return None
    return _none_if_empty(stage.stdout + stage.stderr)


def _runtime_status(stage: Stage) -> tuple[Status, str]:
    number = signal_number(stage.signal)
    if number is not None:
        return _SIGNAL_STATUS.get(number, Status.OTHER), f"Caught fatal signal {number}"
    return Status.NZEC, f"Exited with error status {stage.exit_code}"


def outcome_of(
    result: RunResult,
    *,
    expected_output: str | None,
    judging: Judging,
    redirect_stderr_to_stdout: bool = False,
    cpu_time_limit_s: float | None = None,
) -> Outcome:
    """The Judge0 outcome of one engine result (a plain run, or a one-test submission)."""
    compile_output = _compile_output(result.compile)
    if result.status is Verdict.COMPILE_ERROR:
        return Outcome(
            Status.COMPILATION_ERROR,
            compile_output=compile_output,
            message=result.message,
            exit_code=result.compile.exit_code if result.compile else None,
        )
    if result.tests:
        stage: Stage | None = result.tests[0].stage
        verdict = result.tests[0].status
        message = result.tests[0].message or result.message
    else:
        stage, verdict, message = result.run, result.status, result.message
    if stage is None or verdict is Verdict.INTERNAL_ERROR:
        return Outcome(
            Status.INTERNAL_ERROR,
            compile_output=compile_output,
            message=message or "The sandbox could not run the program.",
        )
    stdout, stderr = stage.stdout, stage.stderr
    if redirect_stderr_to_stdout:
        stdout, stderr = stdout + stderr, ""
        if verdict in (Verdict.OK, Verdict.ACCEPTED, Verdict.WRONG_ANSWER):
            verdict = judge_test(Verdict.OK, stdout, expected_output, judging)
    time = (stage.cpu_ms if stage.cpu_ms is not None else stage.wall_ms) / 1000
    status: Status
    if verdict in (Verdict.OK, Verdict.ACCEPTED):
        status = Status.ACCEPTED
        if cpu_time_limit_s is not None and stage.cpu_ms is not None and time > cpu_time_limit_s:
            status, message = Status.TIME_LIMIT_EXCEEDED, "Time limit exceeded"
    elif verdict is Verdict.WRONG_ANSWER:
        status = Status.WRONG_ANSWER
    elif verdict is Verdict.TIME_LIMIT:
        status, message = Status.TIME_LIMIT_EXCEEDED, message or "Time limit exceeded"
    elif verdict is Verdict.OUTPUT_LIMIT:
        status, message = Status.SIGXFSZ, message or "Output limit exceeded"
    elif verdict is Verdict.MEMORY_LIMIT:
        status, message = Status.OTHER, message or "Memory limit exceeded"
    else:  # RUNTIME_ERROR
        status, default_message = _runtime_status(stage)
        message = message or default_message
    return Outcome(
        status,
        stdout=_none_if_empty(stdout),
        stderr=_none_if_empty(stderr),
        compile_output=compile_output,
        message=message,
        exit_code=stage.exit_code,
        exit_signal=signal_number(stage.signal),
        time=time,
        wall_time=stage.wall_ms / 1000,
        memory=stage.memory_kb,
    )
