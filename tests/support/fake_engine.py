"""A stand-in for the Docker engine, behind the same ``Engine`` interface.

Only for server and room tests, where what matters is how a run travels (REST, socket, record),
not what the sandbox does; the engine itself is tested against the real Docker engine in
``tests/runners``. It "runs" a program by echoing: stdout is the program's stdin, so a test can
tell which input reached which run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from runners.contract import (
    EngineBusyError,
    LanguageInfo,
    RunRequest,
    RunResult,
    Stage,
    UnknownLanguageError,
    Verdict,
)

FAKE_LANGUAGES: tuple[LanguageInfo, ...] = (
    LanguageInfo("python", "Python", "3.13.5", "main.py", 'print("Hello, World!")\n', False),
    LanguageInfo("c", "C", "GCC 14.2.0", "main.c", "int main(void) { return 0; }\n", True),
)


class FakeEngine:
    def __init__(self, *, delay_s: float = 0.0, busy: bool = False) -> None:
        self.delay_s = delay_s
        self.busy = busy
        self.requests: list[RunRequest] = []
        self.started = False

    def languages(self) -> Sequence[LanguageInfo]:
        return FAKE_LANGUAGES

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.started = False

    async def run(self, request: RunRequest) -> RunResult:
        if self.busy:
            raise EngineBusyError("all sandboxes are busy; try again in a moment")
        if request.language not in {lang.id for lang in FAKE_LANGUAGES}:
            raise UnknownLanguageError(f"unknown language {request.language!r}")
        self.requests.append(request)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        compiled = request.language == "c"
        return RunResult(
            status=Verdict.OK,
            language=request.language,
            compile=Stage(exit_code=0, wall_ms=1) if compiled else None,
            run=Stage(stdout=request.stdin, exit_code=0, wall_ms=1, cpu_ms=1, memory_kb=1024),
        )
