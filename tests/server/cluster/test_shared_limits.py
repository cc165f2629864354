"""Two server processes behind one Redis count the same sign-in attempts and the same runs.

Before, each process kept its limiters in memory: behind a round-robin proxy with N processes a
password guesser got N times the attempts, and one account N times its share of runs. Here two
apps (``create_app`` twice, their serving hooks run) share one real ``redis-server`` and one
database, and what one counts, the other refuses. With Redis down, sign-in answers a JSON 503
(fail closed) while runs still go through (fail open; the engine's own queue still bounds them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from quart import Quart

from runners.contract import RunRequest, RunResult
from server.app import create_app
from server.kit.quotas import RedisRunQuota, RunQuotaError
from server.kit.redis_store import RedisStore
from server.kit.state import get_state
from server.settings import RedisSettings, Settings
from tests.support.auth import register_and_login, unique_email
from tests.support.fake_engine import FakeEngine
from tests.support.http import error_of
from tests.support.org import OPEN_SIGNUP, merged
from tests.support.redis_server import RedisServer

LIMITS = {
    "auth": {"login_attempts_per_account": 3, "login_window_seconds": 300},
    "quotas": {"runs_concurrent_per_account": 2, "runs_per_minute_per_account": 4},
}


class HoldingEngine(FakeEngine):
    """Echoes; a run whose stdin is ``hold`` waits for ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.holding = 0

    async def run(self, request: RunRequest) -> RunResult:
        if request.stdin == "hold":
            self.holding += 1
            try:
                await self.release.wait()
            finally:
                self.holding -= 1
        return await super().run(request)


@asynccontextmanager
async def serving(settings: Settings, engine: FakeEngine) -> AsyncIterator[Quart]:
    app = create_app(settings, engine)
    async with app.test_app():
        yield app


def cluster_settings(base: Settings, redis_url: str, **extra: Any) -> Settings:
    """``base``'s database and data directory, with Redis and the limits above."""
    overrides = merged(
        OPEN_SIGNUP,
        LIMITS,
        {
            "database_url": base.database_url,
            "database_schema": base.database_schema,
            "redis": {"url": redis_url},
        },
        extra,
    )
    return Settings.for_tests(base.data_dir.parent, **overrides)


@asynccontextmanager
async def two_nodes(
    settings: Settings, redis_url: str, **extra: Any
) -> AsyncIterator[tuple[Quart, Quart, HoldingEngine, HoldingEngine]]:
    shared = cluster_settings(settings, redis_url, **extra)
    engines = HoldingEngine(), HoldingEngine()
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(serving(shared, engines[0]))
        second = await stack.enter_async_context(serving(shared, engines[1]))
        yield first, second, engines[0], engines[1]
        for engine in engines:
            engine.release.set()


def login(app: Quart, email: str, password: str) -> Any:
    return app.test_client().post("/api/auth/login", json={"email": email, "password": password})


def run(app: Quart, token: str, stdin: str) -> Any:
    return app.test_client().post(
        "/api/runs",
        json={"language": "python", "source": "print(input())", "stdin": stdin},
        headers={"Authorization": f"Bearer {token}"},
    )


async def access_token(app: Quart) -> str:
    client = app.test_client()
    await register_and_login(client)
    jar = client.cookie_jar
    assert jar is not None
    return next(str(c.value) for c in jar if c.name == "onsite_access")


async def test_failed_sign_ins_on_one_node_count_on_the_other(
    settings: Settings, redis_server: RedisServer
) -> None:
    async with two_nodes(settings, redis_server.url) as (first, second, _, _):
        owner = await register_and_login(first.test_client())
        assert get_state(first).redis is not None
        for node in (first, second, first):
            assert await error_of(await login(node, owner.email, "wrong guess"), 401)
        for node in (second, first):
            refused = await login(node, owner.email, owner.password)
            assert await error_of(refused, 429) == "rate_limited"
            assert 1 <= int(refused.headers["Retry-After"]) <= 300


async def test_a_sign_in_on_one_node_clears_the_count_on_the_other(
    settings: Settings, redis_server: RedisServer
) -> None:
    async with two_nodes(settings, redis_server.url) as (first, second, _, _):
        owner = await register_and_login(first.test_client())
        for _ in range(2):
            assert (await login(first, owner.email, "wrong")).status_code == 401
        assert (await login(second, owner.email, owner.password)).status_code == 200
        for _ in range(2):
            assert (await login(first, owner.email, "wrong")).status_code == 401
        assert (await login(second, owner.email, owner.password)).status_code == 200


async def test_a_burst_across_nodes_gets_exactly_the_limit(
    settings: Settings, redis_server: RedisServer
) -> None:
    """Concurrent sign-ins from one address, spread over both nodes: the check and the count
    are one step, so no more than the limit reach the password check (with a check, then a
    separate count, most of a burst passed before the first was counted)."""
    limits = {"auth": {"login_attempts_per_ip": 5, "login_attempts_per_account": 100}}
    async with two_nodes(settings, redis_server.url, **limits) as (first, second, _, _):
        owner = await register_and_login(first.test_client())
        burst = [login(node, owner.email, "wrong") for node in (first, second) * 15]
        statuses = sorted(r.status_code for r in await asyncio.gather(*burst))
        assert statuses == [401] * 5 + [429] * 25


async def test_keys_carry_the_prefix_and_no_address(
    settings: Settings, redis_server: RedisServer
) -> None:
    async with two_nodes(settings, redis_server.url, redis={"key_prefix": "acme"}) as nodes:
        email = unique_email("keys")
        assert (await login(nodes[0], email, "nobody has this")).status_code == 401
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        keys = [
            str(key, "utf-8") if isinstance(key, bytes) else key for key in await client.keys("*")
        ]
    finally:
        await client.aclose()
    assert keys and all(key.startswith("acme:rl:") for key in keys), keys
    assert not any(email in key or "@" in key or "127.0.0.1" in key for key in keys), keys


async def test_runs_in_flight_on_one_node_count_on_the_other(
    settings: Settings, redis_server: RedisServer
) -> None:
    async with two_nodes(settings, redis_server.url) as (first, second, engine, _):
        token = await access_token(first)
        held = [asyncio.create_task(run(first, token, "hold")) for _ in range(2)]
        for _ in range(500):
            if engine.holding == 2:
                break
            await asyncio.sleep(0.01)
        assert engine.holding == 2
        refused = await run(second, token, "a third at once")
        assert await error_of(refused, 429) == "run_quota"
        engine.release.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200, 200]
        answer = await run(second, token, "now there is room")
        assert answer.status_code == 200, await answer.get_data()


async def test_runs_per_minute_are_counted_across_nodes(
    settings: Settings, redis_server: RedisServer
) -> None:
    async with two_nodes(settings, redis_server.url) as (first, second, _, _):
        token = await access_token(first)
        for node in (first, second, first, second):
            assert (await run(node, token, "x")).status_code == 200
        refused = await run(first, token, "fifth")
        assert await error_of(refused, 429) == "run_quota"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60


async def test_a_dead_processs_run_slots_come_back_after_the_lease(
    redis_server: RedisServer,
) -> None:
    """A process killed mid-run never releases its slots; their leases expire by themselves."""
    store = RedisStore(RedisSettings(url=redis_server.url))
    dead = RedisRunQuota(store, 1, 100, lease_ttl_s=0.2)
    alive = RedisRunQuota(store, 1, 100, lease_ttl_s=0.2)
    try:
        assert await dead.acquire("acct") is not None  # then the process "dies"
        with pytest.raises(RunQuotaError):
            await alive.acquire("acct")
        await asyncio.sleep(0.4)
        assert await alive.in_flight("acct") == 0
        lease = await alive.acquire("acct")
        assert lease is not None
        await alive.release("acct", lease)
    finally:
        await store.close()


async def test_a_long_run_keeps_its_slot(redis_server: RedisServer) -> None:
    """A run longer than the lease is renewed while it lasts, so it is never double-booked."""
    store = RedisStore(RedisSettings(url=redis_server.url))
    quota = RedisRunQuota(store, 1, 100, lease_ttl_s=1.0, renew_every_s=0.1)
    try:
        async with quota.slot("acct"):
            await asyncio.sleep(1.5)
            assert await quota.in_flight("acct") == 1
            with pytest.raises(RunQuotaError):
                await quota.acquire("acct")
        assert await quota.in_flight("acct") == 0
    finally:
        await store.close()


async def test_with_redis_down_sign_in_fails_closed_and_runs_fail_open_until_it_is_back(
    settings: Settings, tmp_path: Path
) -> None:
    own = RedisServer.start(tmp_path / "own-redis")
    try:
        async with two_nodes(settings, own.url) as (first, _, _, _):
            owner = await register_and_login(first.test_client())
            token = await access_token(first)
            ready = await first.test_client().get("/api/ready")
            assert ready.status_code == 200, await ready.get_json()
            own.stop()

            refused = await login(first, owner.email, owner.password)
            assert await error_of(refused, 503) == "rate_limit_unavailable"
            assert refused.headers["Retry-After"] == "5"
            signup = await first.test_client().post(
                "/api/auth/register",
                json={"email": unique_email(), "password": "long enough pw", "name": "N"},
            )
            assert await error_of(signup, 503) == "rate_limit_unavailable"
            forgot = await first.test_client().post(
                "/api/auth/password/forgot", json={"email": owner.email}
            )
            assert await error_of(forgot, 503) == "rate_limit_unavailable"

            answer = await run(first, token, "still runs")
            assert answer.status_code == 200, await answer.get_data()
            assert (await answer.get_json())["run"]["stdout"] == "still runs"

            not_ready = await first.test_client().get("/api/ready")
            assert not_ready.status_code == 503
            body = await not_ready.get_json()
            assert body["error"]["code"] == "not_ready" and "redis" in body["error"]["message"]
            assert body["checks"]["redis"]["ok"] is False
            assert body["checks"]["database"]["ok"] is True
            assert (await first.test_client().get("/api/health")).status_code == 200

            # Redis is back (empty: a restart without persistence): sign-in works again
            own = RedisServer.start(tmp_path / "own-redis-again", port=own.port)
            assert (await login(first, owner.email, owner.password)).status_code == 200
            assert (await first.test_client().get("/api/ready")).status_code == 200
    finally:
        own.stop()
