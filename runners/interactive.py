"""Interactive sessions: a run whose stdin, stdout and stderr stream while it runs.

A fresh sandbox like any run, the same container limits (memory, processes, CPU time, files)
and the same verdicts at the end (``RunResult``); built on the launcher's ``run`` mode, which
passes the attached stdin to the program until EOF and whose program writes its stdout and
stderr as attach frames. No pseudo-terminal: where a language keeps a prompt in its buffer on a
pipe, the catalogue's ``interactive_run`` gives a command that flushes it (``stdbuf -i0 -oL``).

The host keeps the limits a person at a keyboard needs instead of the plain run's wall clock:
the session's own wall-time limit, an idle timeout (no input and no output), an output rate
limit (what exceeds it is dropped and counted; a flood past ``flood_bytes`` ends the run with
``output_limit``) and input bounds per message and per session.

The API is free of HTTP and sockets: ``InteractiveSession`` is an async object with ``write``,
``close`` (EOF), ``interrupt`` (Ctrl+C: stops the program), ``kill``, an async iterator of
``OutputChunk`` and the final ``result()``. Blocking Docker work happens in the session's own
threads (a reader that follows the launcher, a writer that feeds stdin), never on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol, runtime_checkable

from runners.contract import (
    InvalidRunRequestError,
    PayloadTooLargeError,
    RunRequest,
    RunResult,
    Verdict,
)
from runners.execution import Execution, _delta_ms, _Lost, _ms
from runners.protocol import GO_LINE
from runners.sandbox import Sandbox, StageTimes
from runners.stream import RateLimit, Transcript, safe_cut
from runners.verdicts import RunFacts, decide

POLL_S = 0.2
"""The reader wakes at least this often to see a kill, an interrupt or the idle clock."""
INTERRUPT_RETRY_S = 0.5
INTERRUPT_GIVE_UP_S = 3.0
"""After Ctrl+C the launcher is asked again every half second (a signal that arrives before it
waits for the program is not lost); past this, the container is killed."""


class SessionMode(StrEnum):
    PROGRAM = "program"
    """The editor's program, with the catalogue's ``interactive_run`` (else ``run``)."""
    REPL = "repl"
    """The language's own REPL (the catalogue's ``repl``), the editor's code loaded first."""


class InputTooLargeError(PayloadTooLargeError):
    code = "input_too_large"


class SessionClosedError(InvalidRunRequestError):
    code = "session_closed"


@dataclass(frozen=True, slots=True)
class InteractiveLimits:
    timeout_s: float
    """The session's wall-time limit (the host keeps it)."""
    idle_s: float
    """No input and no output for this long ends the session."""
    output_bytes_per_s: int
    flood_bytes: int
    """Output dropped by the rate limit past this ends the run (``output_limit``)."""
    message_bytes: int
    input_bytes: int


def check_input(limits: InteractiveLimits, sent_bytes: int, data: bytes) -> None:
    """Refuse one message over the per-message size, or one that would take the session's input
    past its total: the same words wherever the session runs (this host or a runner host)."""
    if len(data) > limits.message_bytes:
        raise InputTooLargeError(
            f"{len(data)} bytes in one message; the maximum is {limits.message_bytes}"
        )
    if sent_bytes + len(data) > limits.input_bytes:
        raise InputTooLargeError(f"the session's input would pass {limits.input_bytes // 1024} KiB")


@dataclass(frozen=True, slots=True)
class OutputChunk:
    stream: str
    """``stdout`` or ``stderr``."""
    data: bytes
    dropped: int = 0
    """Bytes of this stream the rate limit dropped just before ``data``."""


_EOF = object()


class InteractiveSession:
    """One interactive run, as the caller sees it (on the event loop)."""

    def __init__(self, language: str, limits: InteractiveLimits) -> None:
        self.language = language
        self.limits = limits
        self._loop = asyncio.get_running_loop()
        self._chunks: asyncio.Queue[OutputChunk | None] = asyncio.Queue()
        self._result: asyncio.Future[RunResult] = self._loop.create_future()
        self.stdin: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.input_bytes = 0
        self.eof = False
        self.interrupted = False
        self.killed = False
        self.last_activity = time.monotonic()

    # -- the caller's side ----------------------------------------------------------------------

    async def write(self, data: bytes) -> None:
        if self._result.done() or self.eof:
            raise SessionClosedError("the program's input is closed")
        check_input(self.limits, self.input_bytes, data)
        self.input_bytes += len(data)
        self.last_activity = time.monotonic()
        if data:
            self.stdin.put(data)

    async def close(self) -> None:
        """End of input (Ctrl+D): the program reads EOF."""
        if not self.eof:
            self.eof = True
            self.stdin.put(_EOF)

    async def interrupt(self) -> None:
        """Ctrl+C: stop the program (its verdict follows as for any run)."""
        self.interrupted = True

    async def kill(self) -> None:
        """The host ends the session (the room closes): the container goes at once."""
        self.killed = True
        self.stdin.put(_EOF)

    def __aiter__(self) -> AsyncIterator[OutputChunk]:
        return self._output()

    async def _output(self) -> AsyncIterator[OutputChunk]:
        while True:
            chunk = await self._chunks.get()
            if chunk is None:
                return
            yield chunk

    async def result(self) -> RunResult:
        return await asyncio.shield(self._result)

    @property
    def finished(self) -> bool:
        return self._result.done()

    def add_done_callback(self, callback: Callable[[], None]) -> None:
        self._result.add_done_callback(lambda _future: callback())

    # -- the threads' side ----------------------------------------------------------------------

    def emit(self, chunk: OutputChunk) -> None:
        self.last_activity = time.monotonic()
        self._loop.call_soon_threadsafe(self._chunks.put_nowait, chunk)

    def finish(self, result: RunResult) -> None:
        def settle() -> None:
            self._chunks.put_nowait(None)
            if not self._result.done():
                self._result.set_result(result)

        with contextlib.suppress(RuntimeError):  # the loop is gone (shutdown)
            self._loop.call_soon_threadsafe(settle)


class InteractiveExecution(Execution):
    """``Execution`` with the run stage streamed: the compile stage and its verdicts are the
    plain run's; only following the program differs."""

    def __init__(
        self, sandbox: Sandbox, source: bytes, times: StageTimes, session: InteractiveSession
    ) -> None:
        super().__init__(sandbox, source, b"", times, (), (), None, None)
        self.session = session
        self.limits = session.limits

    def _start_writer(self) -> threading.Thread:
        session = self.session

        def write() -> None:
            raw = self.sandbox.raw_socket
            try:
                raw.sendall(GO_LINE)
                while True:
                    item = session.stdin.get()
                    if item is _EOF:
                        raw.shutdown(socket.SHUT_WR)
                        return
                    assert isinstance(item, bytes)
                    raw.sendall(item)
            except OSError:
                pass  # the program ended or was killed

        writer = threading.Thread(target=write, daemon=True, name="onsite-interactive-stdin")
        writer.start()
        return writer

    def _follow_run(self, cpu_start: int | None) -> RunResult:
        peak_reset = self.cgroup.reset_memory_peak()
        oom_start = self.cgroup.oom_kills()
        session, limits = self.session, self.limits
        run_started = time.monotonic()
        session.last_activity = run_started
        self._start_writer()
        wall_deadline = run_started + limits.timeout_s
        marker = self.records.marker
        streams = {"stdout": self.frames.stdout, "stderr": self.frames.stderr}
        kept = {name: Transcript.capped(self.cap) for name in streams}
        rates = {name: RateLimit(limits.output_bytes_per_s) for name in streams}
        pending_drop = dict.fromkeys(streams, 0)
        ended_at: dict[str, bool] = dict.fromkeys(streams, False)
        interrupt_sent: float | None = None
        interrupt_first: float | None = None
        host_end: tuple[Verdict, str] | None = None
        while True:
            now = time.monotonic()
            for name, buffer in streams.items():
                if ended_at[name]:
                    continue
                cut, found = safe_cut(buffer, marker)
                ended_at[name] = found
                if cut:
                    data = bytes(buffer[:cut])
                    del buffer[:cut]
                    allowed = rates[name].take(len(data), now)
                    pending_drop[name] += len(data) - allowed
                    kept[name].dropped += len(data) - allowed
                    if allowed:
                        kept[name].show(data[:allowed])
                        session.emit(OutputChunk(name, data[:allowed], pending_drop[name]))
                        pending_drop[name] = 0
            if all(ended_at.values()):
                break
            if sum(t.dropped for t in kept.values()) > limits.flood_bytes:
                host_end = (
                    Verdict.OUTPUT_LIMIT,
                    f"the program wrote far more than a terminal can show "
                    f"(over {limits.flood_bytes // 1024} KiB dropped)",
                )
                break
            if session.killed:
                host_end = (Verdict.TIME_LIMIT, "the session was ended before the program finished")
                break
            if now >= wall_deadline:
                host_end = (
                    Verdict.TIME_LIMIT,
                    f"the interactive session ran longer than {limits.timeout_s:g} s",
                )
                break
            if now - session.last_activity >= limits.idle_s:
                host_end = (
                    Verdict.TIME_LIMIT,
                    f"the session was idle (no input, no output) for {limits.idle_s:g} s",
                )
                break
            if session.interrupted:
                interrupt_first = now if interrupt_first is None else interrupt_first
                if now - interrupt_first > INTERRUPT_GIVE_UP_S:
                    host_end = (Verdict.RUNTIME_ERROR, "stopped with Ctrl+C")
                    break
                if interrupt_sent is None or now - interrupt_sent >= INTERRUPT_RETRY_S:
                    self._signal("SIGUSR1")
                    interrupt_sent = now
            try:
                self._read(min(wall_deadline, now + POLL_S))
            except _Lost:
                for name in streams:
                    kept[name].show(bytes(streams[name]))
                return self._lost(_ms(time.monotonic() - run_started), oom_start)
        return self._result(kept, host_end, cpu_start, oom_start, peak_reset, run_started)

    def _result(
        self,
        kept: dict[str, Transcript],
        host_end: tuple[Verdict, str] | None,
        cpu_start: int | None,
        oom_start: int | None,
        peak_reset: bool,
        run_started: float,
    ) -> RunResult:
        out, err = bytes(kept["stdout"].head), bytes(kept["stderr"].head)
        timeout_ms = int(self.limits.timeout_s * 1000)
        message: str | None
        if host_end is not None:
            cpu_end, peak = self.cgroup.cpu_ns(), self.cgroup.memory_peak_bytes()
            self._kill()
            verdict_kind, message = host_end
            facts = RunFacts(
                stdout=out,
                stderr=err,
                output_cap=self.cap,
                wall_ms=_ms(time.monotonic() - run_started),
                status=None,
                cpu_ms=_delta_ms(cpu_start, cpu_end),
                memory_kb=peak // 1024 if peak is not None and peak_reset else None,
                run_timeout_ms=timeout_ms,
                host_limit=Verdict.TIME_LIMIT
                if verdict_kind is Verdict.RUNTIME_ERROR
                else verdict_kind,
                oom=bool(self._container_state().get("OOMKilled")),
            )
            verdict, stage, _ = decide(replace(facts, strip_bom=self.language.strip_bom))
            if verdict is Verdict.TIME_LIMIT and verdict_kind is not Verdict.TIME_LIMIT:
                verdict = verdict_kind
            if verdict is Verdict.MEMORY_LIMIT:
                message = "the program ran out of memory"
        else:
            ended = self._await_end(0, time.monotonic() + 5.0, stop_at_cap=True, cap=1 << 62)
            if isinstance(ended, Verdict):
                return self._internal("the sandbox did not report the program's end")
            _, _, record = ended
            facts = self._facts(out, err, record, cpu_start, oom_start, peak_reset)
            facts = replace(facts, run_timeout_ms=timeout_ms, strip_bom=self.language.strip_bom)
            verdict, stage, message = decide(facts)
            if self.session.interrupted and record.status == 137:
                message = "stopped with Ctrl+C"
        stage = replace(
            stage,
            stdout_truncated=kept["stdout"].truncated,
            stderr_truncated=kept["stderr"].truncated,
        )
        return RunResult(verdict, self.language.id, self.compile_stage, stage, message)


def run_session(
    sandbox: Sandbox, source: bytes, times: StageTimes, session: InteractiveSession
) -> RunResult:
    """The blocking body of a session (the engine's worker thread)."""
    return InteractiveExecution(sandbox, source, times, session).run()


__all__ = [
    "InputTooLargeError",
    "InteractiveEngine",
    "InteractiveLimits",
    "InteractiveSession",
    "OutputChunk",
    "SessionClosedError",
    "SessionMode",
    "run_session",
]


@runtime_checkable
class InteractiveEngine(Protocol):
    """An engine that offers interactive sessions (the Docker engine, and the room tests' fake)."""

    def repl_languages(self) -> Sequence[str]: ...

    async def interactive(
        self, request: RunRequest, mode: SessionMode = SessionMode.PROGRAM
    ) -> InteractiveSession: ...
