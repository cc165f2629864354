"""A ``FakeEngine`` that also offers interactive sessions, for room tests without Docker.

The session is the real ``runners.interactive.InteractiveSession`` (so its input bounds are the
engine's), driven by a small asyncio "program" instead of a sandbox. The program prompts
``Name: ``; every line it reads is answered ``Hello, <line>!`` and prompts again, except:

* ``flood``: one chunk of output with 10 000 bytes counted as dropped by the rate limit;
* ``binary``: the 256 byte values;
* ``crash``: exits with status 3 (``runtime_error``).

EOF on its input ends it ``ok``; Ctrl+C ends it ``runtime_error`` "stopped with Ctrl+C"; a kill
``time_limit``. Every session started is kept in ``sessions``.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Sequence

from runners.contract import RunRequest, RunResult, Stage, UnknownLanguageError, Verdict
from runners.interactive import (
    InteractiveLimits,
    InteractiveSession,
    OutputChunk,
    SessionMode,
)
from tests.support.fake_engine import FakeEngine

FAKE_LIMITS = InteractiveLimits(
    timeout_s=60, idle_s=60, output_bytes_per_s=65536, flood_bytes=1 << 22,
    message_bytes=4096, input_bytes=16384,
)  # fmt: skip


class FakeInteractiveEngine(FakeEngine):
    def __init__(self, *, limits: InteractiveLimits = FAKE_LIMITS, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.limits = limits
        self.sessions: list[tuple[RunRequest, SessionMode, InteractiveSession]] = []
        self._programs: set[asyncio.Task[None]] = set()

    def repl_languages(self) -> Sequence[str]:
        return ["python"]

    async def interactive(
        self, request: RunRequest, mode: SessionMode = SessionMode.PROGRAM
    ) -> InteractiveSession:
        if not any(language.id == request.language for language in self.languages()):
            raise UnknownLanguageError(f"unknown language {request.language!r}")
        session = InteractiveSession(request.language, self.limits)
        self.sessions.append((request, mode, session))
        task = asyncio.create_task(_program(session))
        self._programs.add(task)
        task.add_done_callback(self._programs.discard)
        return session


async def _program(session: InteractiveSession) -> None:
    out = bytearray()

    def show(data: bytes, dropped: int = 0) -> None:
        out.extend(data)
        session.emit(OutputChunk("stdout", data, dropped))

    def end(status: Verdict, exit_code: int | None, message: str | None = None) -> None:
        stage = Stage(
            stdout=out.decode("utf-8", "replace"),
            exit_code=exit_code,
            signal=None if exit_code is not None else "SIGKILL",
        )
        session.finish(RunResult(status, session.language, None, stage, message))

    show(b"Name: ")
    pending = b""
    while True:
        if session.killed:
            return end(Verdict.TIME_LIMIT, None, "the session was ended")
        if session.interrupted:
            return end(Verdict.RUNTIME_ERROR, None, "stopped with Ctrl+C")
        try:
            item = session.stdin.get_nowait()
        except queue.Empty:
            await asyncio.sleep(0.002)
            continue
        if not isinstance(item, bytes):  # EOF
            return end(Verdict.OK, 0)
        pending += item
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if line == b"flood":
                show(b"x" * 100, dropped=10_000)
            elif line == b"binary":
                show(bytes(range(256)))
            elif line == b"crash":
                return end(Verdict.RUNTIME_ERROR, 3)
            else:
                show(b"Hello, " + line + b"!\n")
            show(b"Name: ")
