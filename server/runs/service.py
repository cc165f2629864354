"""Running code for a REST caller: schema in, the engine's ``RunResult`` out."""

from __future__ import annotations

from collections.abc import Sequence

from runners.contract import Engine, LanguageInfo, RequestedLimits, RunRequest, RunResult
from server.runs.schemas import RunIn


def to_run_request(data: RunIn) -> RunRequest:
    limits = RequestedLimits(**data.limits.model_dump()) if data.limits else RequestedLimits()
    return RunRequest(language=data.language, source=data.source, stdin=data.stdin, limits=limits)


async def run_code(engine: Engine, data: RunIn) -> RunResult:
    """Engine errors (busy, unknown language, limit above maximum…) propagate to the handler."""
    return await engine.run(to_run_request(data))


def list_languages(engine: Engine) -> Sequence[LanguageInfo]:
    return engine.languages()
