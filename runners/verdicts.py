"""The verdict rules: what was observed in, a verdict and a ``Stage`` out. Pure.

The facts come from the host (the container's state, the cgroup counters it reads itself, the
deadlines it set, the bytes it counted) and from the launcher's nonce-carrying records, which the
program cannot forge. Nothing the program writes or signals is a fact here: its output is data.
"""

from __future__ import annotations

import contextlib
import signal as signals
from dataclasses import dataclass

from runners.contract import Stage, Verdict

BOM = b"\xef\xbb\xbf"


def signal_name(status: int) -> str | None:
    """128+n from a shell or tini means "killed by signal n"."""
    if 128 < status < 128 + 65:
        with contextlib.suppress(ValueError):
            return signals.Signals(status - 128).name
    return None


def text(data: bytes | bytearray) -> str:
    return bytes(data).decode("utf-8", errors="replace")


def without_bom(data: bytes | bytearray) -> bytes:
    """Mono writes a byte-order mark first once a program sets ``Console.OutputEncoding`` to
    UTF-8; no user expects to see it in the output panel."""
    data = bytes(data)
    return data[len(BOM) :] if data.startswith(BOM) else data


@dataclass(frozen=True, slots=True)
class RunFacts:
    """Everything known about one program run (a plain run's stage, or one test)."""

    stdout: bytes
    stderr: bytes
    output_cap: int
    wall_ms: int
    status: int | None
    """The program's exit status (128+n: signal n) from the launcher's record; ``None`` when no
    record came (the host ended the run, or the supervisor died)."""
    cpu_ms: int | None = None
    memory_kb: int | None = None
    cpu_limit_ms: int | None = None
    """RLIMIT_CPU of the run, to tell a CPU-time kill from another SIGKILL."""
    memory_limit_kb: int | None = None
    """A test's own (lower) memory limit, checked against the peak when the cgroup could not be
    lowered for it; ``None``: the container's limit is the test's."""
    run_timeout_ms: int | None = None
    host_limit: Verdict | None = None
    """``time_limit`` or ``output_limit`` when the host ended the run at its deadline or cap."""
    timed_out: bool = False
    """The launcher's own wall timer ended it (tests)."""
    oom: bool = False
    """The host saw the OOM killer act in the container's cgroup (or the container's OOM flag)."""
    supervisor_lost: bool = False
    """No record came and the host did not end the run: the launcher died."""
    container_exit: int | None = None
    strip_bom: bool = False
    """Drop a byte-order mark the runtime writes first (the catalogue's ``strip_bom``)."""


def decide(facts: RunFacts) -> tuple[Verdict, Stage, str | None]:
    """The run's verdict, its stage and a human sentence for limits and errors."""
    cap = facts.output_cap
    out = without_bom(facts.stdout) if facts.strip_bom else bytes(facts.stdout)
    err = without_bom(facts.stderr) if facts.strip_bom else bytes(facts.stderr)
    status = facts.status
    sig = signal_name(status) if status is not None else None
    exit_code = None if status is None or sig else status
    if facts.host_limit is not None:
        sig, exit_code = "SIGKILL", None
    stage = Stage(
        stdout=text(out[:cap]),
        stderr=text(err[:cap]),
        exit_code=exit_code,
        signal=sig,
        wall_ms=facts.wall_ms,
        cpu_ms=facts.cpu_ms,
        memory_kb=facts.memory_kb,
        stdout_truncated=len(out) > cap,
        stderr_truncated=len(err) > cap,
    )
    output_limit = f"the program wrote more than {cap // 1024} KiB"
    out_of_memory = "the program ran out of memory"
    if facts.supervisor_lost:
        if facts.oom:
            return (
                Verdict.MEMORY_LIMIT,
                stage,
                ("the sandbox ran out of memory and its supervisor was killed before it reported"),
            )
        where = f" (container exit {facts.container_exit})" if facts.container_exit else ""
        return (
            Verdict.INTERNAL_ERROR,
            stage,
            (f"the sandbox's supervisor stopped before it reported the program's end{where}"),
        )
    if facts.host_limit is Verdict.OUTPUT_LIMIT:
        return Verdict.OUTPUT_LIMIT, stage, output_limit
    if facts.host_limit is Verdict.TIME_LIMIT or facts.timed_out:
        if facts.oom:
            return Verdict.MEMORY_LIMIT, stage, out_of_memory
        seconds = (facts.run_timeout_ms or 0) / 1000
        return Verdict.TIME_LIMIT, stage, f"the program ran longer than {seconds:g} s"
    if stage.stdout_truncated or stage.stderr_truncated:
        return Verdict.OUTPUT_LIMIT, stage, output_limit
    cpu_limit = facts.cpu_limit_ms
    if sig == "SIGXCPU" or (
        sig == "SIGKILL"
        and cpu_limit is not None
        and facts.cpu_ms is not None
        and facts.cpu_ms >= cpu_limit
    ):
        seconds = (cpu_limit or 0) // 1000
        return Verdict.TIME_LIMIT, stage, f"the program used more than {seconds} s of CPU time"
    if facts.oom:
        return Verdict.MEMORY_LIMIT, stage, out_of_memory
    if (
        facts.memory_limit_kb is not None
        and facts.memory_kb is not None
        and facts.memory_kb > facts.memory_limit_kb
    ):
        return Verdict.MEMORY_LIMIT, stage, out_of_memory
    if status != 0:
        return Verdict.RUNTIME_ERROR, stage, None
    return Verdict.OK, stage, None


@dataclass(frozen=True, slots=True)
class CompileFacts:
    status: int
    stdout: bytes
    stderr: bytes
    stdout_size: int
    stderr_size: int
    wall_ms: int
    cpu_ms: int | None = None
    memory_kb: int | None = None
    oom: bool = False


def decide_compile(facts: CompileFacts) -> tuple[Verdict | None, Stage, str | None]:
    """``None`` when compilation succeeded (the run follows), else the submission's verdict."""
    sig = signal_name(facts.status)
    stage = Stage(
        stdout=text(facts.stdout),
        stderr=text(facts.stderr),
        exit_code=facts.status if sig is None else None,
        signal=sig,
        wall_ms=facts.wall_ms,
        cpu_ms=facts.cpu_ms,
        memory_kb=facts.memory_kb,
        stdout_truncated=facts.stdout_size > len(facts.stdout),
        stderr_truncated=facts.stderr_size > len(facts.stderr),
    )
    if facts.status == 0:
        return None, stage, None
    # Only a killed compiler can have been the OOM killer's victim.
    if sig == "SIGKILL" and facts.oom:
        return Verdict.MEMORY_LIMIT, stage, "the compiler ran out of memory"
    return Verdict.COMPILE_ERROR, stage, None
