"""Shared limits benchmark: what moving the sign-in throttles and run quotas to Redis costs.

One limiter ``take`` (the sign-in throttle's count-or-refuse), one run-quota slot (lease, the
per-minute count, release) and one failed sign-in through the whole app (bcrypt cost 4, SQLite,
four limiter calls), each in memory and over a real ``redis-server`` on loopback. Run with
`make bench`; prints a table, not collected by pytest. Target: a Redis limiter call p50
<= 1 ms on loopback, so a sign-in pays a few ms at most.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from server.app import create_app
from server.kit.quotas import LocalRunQuota, RedisRunQuota, RunQuota
from server.kit.ratelimit import LocalWindowLimiter, WindowLimiter
from server.kit.redis_ratelimit import RedisWindowLimiter
from server.kit.redis_store import RedisStore
from server.settings import RedisSettings, Settings
from tests.support.fake_engine import FakeEngine
from tests.support.redis_server import RedisServer

ROUNDS = 2000
LOGIN_ROUNDS = 200


async def timed(action: Callable[[], Awaitable[object]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def row(name: str, where: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{name:<26} {where:<7} {statistics.median(samples):>8.3f} {p99:>8.3f} {len(samples):>6}"


async def limiter_rows(limiter: WindowLimiter, where: str) -> list[str]:
    counter = iter(range(10**9))
    return [
        row("limiter take", where, await timed(lambda: limiter.take(f"k{next(counter)}"), ROUNDS))
    ]


async def quota_rows(quota: RunQuota, where: str) -> list[str]:
    async def one_slot() -> None:
        async with quota.slot("account"):
            pass

    return [row("run quota slot", where, await timed(one_slot, ROUNDS))]


async def login_rows(tmp: Path, redis_url: str, where: str) -> list[str]:
    overrides: dict[str, object] = {
        "auth": {
            "login_attempts_per_ip": 10**6,
            "login_attempts_per_account": 10**6,
            "login_attempts_per_account_all_ips": 10**6,
        },
        "redis": {"url": redis_url},
    }
    app = create_app(Settings.for_tests(tmp / where, **overrides), FakeEngine())
    async with app.test_app():
        client = app.test_client()

        async def failed_login() -> None:
            answer = await client.post(
                "/api/auth/login", json={"email": "nobody@example.com", "password": "wrong pw"}
            )
            assert answer.status_code == 401, answer.status_code

        return [row("failed sign-in (bcrypt 4)", where, await timed(failed_login, LOGIN_ROUNDS))]


async def main() -> None:
    lines = [f"{'what':<26} {'where':<7} {'p50 ms':>8} {'p99 ms':>8} {'n':>6}"]
    with tempfile.TemporaryDirectory() as raw:
        tmp = Path(raw)
        server = RedisServer.start(tmp / "redis")
        store = RedisStore(RedisSettings(url=server.url))
        try:
            lines += await limiter_rows(LocalWindowLimiter(10**6, 300), "memory")
            lines += await limiter_rows(RedisWindowLimiter(store, "bench", 10**6, 300), "redis")
            lines += await quota_rows(LocalRunQuota(1, 10**6), "memory")
            lines += await quota_rows(RedisRunQuota(store, 1, 10**6), "redis")
            lines += await login_rows(tmp, "", "memory")
            lines += await login_rows(tmp, server.url, "redis")
        finally:
            await store.close()
            server.stop()
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
