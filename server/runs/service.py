"""Running code for a REST caller: schema in, the engine's ``RunResult`` out."""

from __future__ import annotations

from collections.abc import Sequence

from runners.contract import (
    Comparison,
    Engine,
    Judging,
    LanguageInfo,
    RequestedLimits,
    RunRequest,
    RunResult,
    TestCase,
)
from server.runs.schemas import RunIn


def to_run_request(data: RunIn) -> RunRequest:
    limits = RequestedLimits(**data.limits.model_dump()) if data.limits else RequestedLimits()
    tests = tuple(
        TestCase(
            stdin=test.stdin,
            expected_stdout=test.expected_stdout,
            name=test.name,
            hidden=test.hidden,
            limits=RequestedLimits(**test.limits.model_dump())
            if test.limits
            else RequestedLimits(),
        )
        for test in data.tests or ()
    )
    judging = Judging()
    if data.judging is not None:
        options = data.judging.model_dump()
        judging = Judging(**{**options, "comparison": Comparison(options["comparison"])})
    return RunRequest(
        language=data.language,
        source=data.source,
        stdin=data.stdin,
        limits=limits,
        tests=tests,
        judging=judging,
        args=tuple(data.args),
    )


async def run_code(engine: Engine, data: RunIn) -> RunResult:
    """Engine errors (busy, unknown language, limit above maximum…) propagate to the handler."""
    return await engine.run(to_run_request(data))


def list_languages(engine: Engine) -> Sequence[LanguageInfo]:
    return engine.languages()
