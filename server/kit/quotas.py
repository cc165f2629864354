"""Per-account run quotas: how many runs one account may have in flight, and start per minute.

The engine's queue is shared by everyone (``[engine] max_concurrent_runs`` + ``queue_size``);
without a per-account bound one account (a script with an API key, a new sign-up) could fill it
and every other interviewer's run would answer ``busy``. With at most
``[quotas] runs_concurrent_per_account`` in flight per account, one account holds only that many
of the queue's places.

Callers hold a ``RunQuota`` and take ``async with quota.slot(account_id):`` around one run.
``LocalRunQuota`` keeps the counts in this process (the embedded default); ``RedisRunQuota``
keeps them in Redis for every server process: each run in flight is a *lease* (a member of the
account's sorted set ``<prefix>:quota:runs:<account>``, scored by its expiry in Redis's own
clock), renewed while the run lasts, so a process that dies mid-run frees its slots within
``LEASE_TTL_S`` instead of holding them for ever.

When Redis does not answer, the quota lets the run through (fail open) and says so in the log
once: the quota is about fairness between accounts, and the engine's own bounded queue still
refuses a flood with ``busy``; refusing every run of every interview because a limiter's store
is down would be the worse failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Protocol

from server.kit.errors import RateLimitedError
from server.kit.ratelimit import SlidingWindowLimiter, WindowLimiter
from server.kit.redis_ratelimit import RedisWindowLimiter, StoreHealth
from server.kit.redis_store import STORE_ERRORS, RedisStore

log = logging.getLogger(__name__)

LEASE_TTL_S = 30.0
"""A lease no process renewed for this long is gone (its process died)."""
LEASE_RENEW_S = 10.0


class RunQuotaError(RateLimitedError):
    code = "run_quota"


def _too_many_in_flight(held: int, concurrent: int) -> RunQuotaError:
    return RunQuotaError(
        f"You already have {held} run(s) in flight; one account may have {concurrent} at once.",
        retry_after=1,
    )


def _too_many_per_minute(wait: int) -> RunQuotaError:
    return RunQuotaError(
        f"Too many runs in the last minute; try again in {wait} seconds.", retry_after=wait
    )


class RunQuota(Protocol):
    concurrent: int

    def slot(self, account_id: str) -> contextlib.AbstractAsyncContextManager[None]:
        """One run of the account, from its start to its end (429 ``run_quota`` past a bound;
        the slot is released in ``finally``)."""
        ...


class LocalRunQuota:
    def __init__(self, concurrent: int, per_minute: int) -> None:
        self.concurrent = concurrent
        self._active: dict[str, int] = {}
        self._starts = SlidingWindowLimiter(per_minute, 60.0)

    def in_flight(self, account_id: str) -> int:
        return self._active.get(account_id, 0)

    def take(self, account_id: str, count: int = 1) -> None:
        """Count ``count`` runs of the account as started (429 ``run_quota`` past a bound)."""
        if self.in_flight(account_id) + count > self.concurrent:
            raise _too_many_in_flight(self.in_flight(account_id), self.concurrent)
        wait = self._starts.retry_after(account_id)
        if wait is not None:
            raise _too_many_per_minute(wait)
        for _ in range(count):
            self._starts.hit(account_id)
        self._active[account_id] = self.in_flight(account_id) + count

    def give_back(self, account_id: str, count: int = 1) -> None:
        left = self.in_flight(account_id) - count
        if left > 0:
            self._active[account_id] = left
        else:
            self._active.pop(account_id, None)

    @contextlib.asynccontextmanager
    async def slot(self, account_id: str) -> AsyncIterator[None]:
        self.take(account_id)
        try:
            yield
        finally:
            self.give_back(account_id)


# Redis's clock decides expiry, so processes with skewed clocks agree on which leases are dead.
_NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
_TAKE = (
    _NOW_MS
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held + 1 > tonumber(ARGV[1]) then return held end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return -1
"""
)
_RENEW = (
    _NOW_MS
    + """
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""
)


class RedisRunQuota:
    def __init__(
        self,
        store: RedisStore,
        concurrent: int,
        per_minute: int,
        *,
        lease_ttl_s: float = LEASE_TTL_S,
        renew_every_s: float = LEASE_RENEW_S,
    ) -> None:
        self.concurrent = concurrent
        self._store = store
        self._ttl_ms = max(1, int(lease_ttl_s * 1000))
        self._renew_every_s = renew_every_s
        self._starts: WindowLimiter = RedisWindowLimiter(
            store, "runs_per_minute", per_minute, 60, fail_open=True
        )
        self._take = store.client.register_script(_TAKE)
        self._renew = store.client.register_script(_RENEW)
        self._health = StoreHealth("run quota")

    def key(self, account_id: str) -> str:
        return self._store.key("quota", "runs", account_id)

    async def in_flight(self, account_id: str) -> int:
        """Live leases of the account (expired ones not counted)."""
        key = self.key(account_id)
        now_s, now_us = await self._store.client.time()
        now_ms = now_s * 1000 + now_us // 1000
        return int(await self._store.client.zcount(key, f"({now_ms}", "+inf"))

    async def acquire(self, account_id: str) -> str | None:
        """A new lease's id (429 ``run_quota`` when the account holds its share), or None when
        Redis does not answer (fail open). ``slot`` is the way to hold one; this and
        ``release`` are for a holder that keeps a lease alive by other means."""
        lease = uuid.uuid4().hex
        try:
            held = await self._take(
                keys=[self.key(account_id)], args=[self.concurrent, self._ttl_ms, lease]
            )
        except STORE_ERRORS as exc:
            self._health.failed(exc)
            return None
        self._health.answered()
        if int(held) >= 0:
            raise _too_many_in_flight(int(held), self.concurrent)
        return lease

    async def release(self, account_id: str, lease: str) -> None:
        try:
            await self._store.client.zrem(self.key(account_id), lease)
        except STORE_ERRORS as exc:  # it expires by itself
            self._health.failed(exc)

    async def _keep_alive(self, account_id: str, lease: str) -> None:
        while True:
            await asyncio.sleep(self._renew_every_s)
            try:
                await self._renew(keys=[self.key(account_id)], args=[self._ttl_ms, lease])
            except STORE_ERRORS as exc:
                self._health.failed(exc)

    @contextlib.asynccontextmanager
    async def slot(self, account_id: str) -> AsyncIterator[None]:
        lease = await self.acquire(account_id)
        try:
            wait = await self._starts.take(account_id)
            if wait is not None:
                raise _too_many_per_minute(wait)
        except BaseException:
            if lease is not None:
                await self.release(account_id, lease)
            raise
        if lease is None:
            yield
            return
        keeper = asyncio.create_task(self._keep_alive(account_id, lease))
        try:
            yield
        finally:
            keeper.cancel()
            await asyncio.shield(self.release(account_id, lease))
