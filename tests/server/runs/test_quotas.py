"""Per-account run quotas: one account, however many runs it starts at once, holds at most
``[quotas] runs_concurrent_per_account`` of the engine's places, so another account's run still
finds one (before the quota, a script could fill the engine and everyone else got ``busy``);
and an account starts at most ``runs_per_minute_per_account`` runs a minute."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from quart import Quart

from runners.contract import EngineBusyError, RunRequest, RunResult
from tests.support.auth import SignedIn, register_and_login
from tests.support.fake_engine import FakeEngine
from tests.support.http import error_of

pytestmark = pytest.mark.fresh_database  # concurrent requests: connections of their own


class CrowdedEngine(FakeEngine):
    """An engine with room for ``capacity`` runs in flight (running or queued); a run whose
    stdin is ``hold`` waits until ``release`` is set."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity
        self.in_flight = 0
        self.release = asyncio.Event()

    async def run(self, request: RunRequest) -> RunResult:
        if self.in_flight >= self.capacity:
            raise EngineBusyError("all sandboxes are busy; try again in a moment")
        self.in_flight += 1
        try:
            if request.stdin == "hold":
                await self.release.wait()
            return await super().run(request)
        finally:
            self.in_flight -= 1


@pytest.fixture
def fake_engine() -> FakeEngine:
    return CrowdedEngine(capacity=3)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"quotas": {"runs_concurrent_per_account": 2, "runs_per_minute_per_account": 5}}


def run(signed: SignedIn, stdin: str) -> Any:
    return signed.client.post(
        "/api/runs",
        json={"language": "python", "source": "print(input())", "stdin": stdin},
        headers=signed.csrf,
    )


async def test_one_account_cannot_make_everyone_elses_runs_busy(
    app: Quart, fake_engine: CrowdedEngine
) -> None:
    greedy = await register_and_login(app.test_client())
    other = await register_and_login(app.test_client())
    held = [asyncio.create_task(run(greedy, "hold")) for _ in range(2)]
    for _ in range(200):
        if fake_engine.in_flight == 2:
            break
        await asyncio.sleep(0.01)
    assert fake_engine.in_flight == 2
    refused = await run(greedy, "hold")
    assert await error_of(refused, 429) == "run_quota"
    assert refused.headers["Retry-After"]
    answer = await run(other, "still mine")
    assert answer.status_code == 200, await answer.get_data()
    assert (await answer.get_json())["run"]["stdout"] == "still mine"
    fake_engine.release.set()
    assert [r.status_code for r in await asyncio.gather(*held)] == [200, 200]


async def test_runs_per_minute_are_bounded_per_account(app: Quart) -> None:
    busy = await register_and_login(app.test_client())
    other = await register_and_login(app.test_client())
    for n in range(5):
        assert (await run(busy, str(n))).status_code == 200
    assert await error_of(await run(busy, "six"), 429) == "run_quota"
    assert (await run(other, "fine")).status_code == 200
