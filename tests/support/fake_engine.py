"""A stand-in for the Docker engine, behind the same ``Engine`` interface.

Only for server and room tests, where what matters is how a run travels (REST, socket, record,
the Judge0 and Piston surfaces), not what the sandbox does; the engine itself is tested against
the real Docker engine in ``tests/runners``. It "runs" a program by echoing, so a test can tell
which input reached which run:

* a plain run's stdout is its ``stdin``, followed by each of ``args`` on a line of its own;
* a submission with ``tests`` runs each test the same way (its stdout is the test's ``stdin``
  plus the ``args`` lines) and judges it with ``runners.judging`` exactly as the engine does:
  ``wrong_answer`` when the echo does not match ``expected_stdout`` under the submission's
  ``judging``, ``stop_on_first_failure`` honoured, the summary from ``submission_verdict``;
* extra ``files`` are listed on stderr, one ``file <name> <size>`` line each, in order;
* ``respond``, when set, answers instead (a test that needs a particular verdict, a crash or a
  time limit sets it to a function of the request); ``None`` from it falls back to the echo.

Every request is kept in ``requests``; ``busy`` answers ``EngineBusyError`` at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from runners.contract import (
    EngineBusyError,
    LanguageInfo,
    RunRequest,
    RunResult,
    Stage,
    TestResult,
    UnknownLanguageError,
    Verdict,
)
from runners.judging import default_test_name, judge_test, submission_verdict

FAKE_LANGUAGES: tuple[LanguageInfo, ...] = (
    LanguageInfo("python", "Python", "3.13.5", "main.py", 'print("Hello, World!")\n', False),
    LanguageInfo("c", "C", "GCC 14.2.0", "main.c", "int main(void) { return 0; }\n", True),
)

Responder = Callable[[RunRequest], RunResult | None]


class FakeEngine:
    def __init__(
        self,
        *,
        delay_s: float = 0.0,
        busy: bool = False,
        languages: Sequence[LanguageInfo] = FAKE_LANGUAGES,
        respond: Responder | None = None,
    ) -> None:
        self.delay_s = delay_s
        self.busy = busy
        self.respond = respond
        self._languages = tuple(languages)
        self.requests: list[RunRequest] = []
        self.started = False

    def languages(self) -> Sequence[LanguageInfo]:
        return self._languages

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.started = False

    async def run(self, request: RunRequest) -> RunResult:
        if self.busy:
            raise EngineBusyError("all sandboxes are busy; try again in a moment")
        info = next((lang for lang in self._languages if lang.id == request.language), None)
        if info is None:
            raise UnknownLanguageError(f"unknown language {request.language!r}")
        self.requests.append(request)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.respond is not None and (answer := self.respond(request)) is not None:
            return answer
        compile_stage = Stage(exit_code=0, wall_ms=1) if info.compiled else None
        if not request.tests:
            return RunResult(
                status=Verdict.OK,
                language=request.language,
                compile=compile_stage,
                run=_echo(request, request.stdin),
            )
        results: list[TestResult] = []
        for index, test in enumerate(request.tests):
            stage = _echo(request, test.stdin)
            verdict = judge_test(Verdict.OK, stage.stdout, test.expected_stdout, request.judging)
            results.append(
                TestResult(
                    name=default_test_name(index, test.name),
                    hidden=test.hidden,
                    status=verdict,
                    stage=stage,
                    expected_stdout=test.expected_stdout,
                )
            )
            if verdict is not Verdict.OK and request.judging.stop_on_first_failure:
                break
        return RunResult(
            status=submission_verdict(results),
            language=request.language,
            compile=compile_stage,
            tests=tuple(results),
            total=len(request.tests),
        )


def _echo(request: RunRequest, stdin: str) -> Stage:
    stdout = stdin + "".join(f"{arg}\n" for arg in request.args)
    stderr = "".join(f"file {f.name} {len(f.content)}\n" for f in request.files)
    return Stage(stdout=stdout, stderr=stderr, exit_code=0, wall_ms=1, cpu_ms=1, memory_kb=1024)
