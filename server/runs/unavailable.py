"""An engine that is honestly not there: every run answers 503 ``engine_unavailable``.

Used when ``runners.engine`` cannot be imported, so the rest of the app (accounts, records,
rooms) keeps working and the failure is a clear API error instead of a crash at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from runners.contract import EngineUnavailableError, LanguageInfo, RunRequest, RunResult


class UnavailableEngine:
    def __init__(self, reason: str) -> None:
        self.reason = reason

    def languages(self) -> Sequence[LanguageInfo]:
        return ()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def run(self, request: RunRequest) -> RunResult:
        raise EngineUnavailableError(self.reason)
