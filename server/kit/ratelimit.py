"""The server's rate limits, in one module: their interface and the in-memory implementation.

* ``SlidingWindowLimiter``: counted attempts per key over a window, with a ``Retry-After``
  (sign-ins, reset mails): a refused client is told when to come back. Kept in this process's
  memory; ``LocalWindowLimiter`` gives it the async ``WindowLimiter`` interface the callers use.
* ``WindowLimiter``: what a caller sees (``retry_after``/``hit``/``reset``, all awaited). With
  ``[redis] url`` set, ``server.kit.redis_ratelimit.RedisWindowLimiter`` implements it over
  Redis so every server process counts the same attempts; callers cannot tell which they hold.
* ``TokenBucket``: one bucket per socket or participant, so a flood of room events is refused
  one event at a time while the connection stays up and a normal burst passes. A socket lives in
  one process, so its bucket stays in that process's memory even with Redis.

Clients are keyed by ``client_key`` (IPv6 by /64), and a limiter's memory is bounded
(``MAX_KEYS``).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from server.kit.errors import ServiceUnavailableError

MAX_KEYS = 100_000
"""Keys one limiter remembers at most: an attacker rotating addresses fills memory no further."""


def client_key(address: str | None) -> str:
    """The key a client is limited by: its IPv4 address, or the /64 network of its IPv6 address
    (one customer is usually handed a whole /64, so limiting per address would let anyone with
    an IPv6 line rotate through 2^64 of them)."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class LimiterUnavailableError(ServiceUnavailableError):
    """The shared store of a limiter that fails closed does not answer: the request is refused
    (503) rather than let through unlimited (a 500 would say nothing useful)."""

    code = "rate_limit_unavailable"

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class WindowLimiter(Protocol):
    """Attempts per key over a sliding window; what every caller of a limiter sees."""

    limit: int
    window: float

    async def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None if it may try now."""
        ...

    async def hit(self, key: str) -> None:
        """Count one attempt of ``key``."""
        ...

    async def take(self, key: str) -> int | None:
        """Count one attempt of ``key`` if it may try now (None), else the seconds until it
        may: ``retry_after`` and ``hit`` in one step, so concurrent requests (in other
        processes too) cannot all pass the check before any of them is counted."""
        ...

    async def reset(self, key: str) -> None:
        """Forget ``key``'s attempts (a successful sign-in)."""
        ...


class SlidingWindowLimiter:
    def __init__(
        self,
        limit: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def __len__(self) -> int:
        return len(self._hits)

    def _bound(self, now: float) -> None:
        """Past ``max_keys``: forget every key whose window has passed, then (under a flood of
        new keys) the least recently touched ones. Forgetting only ever lets a client in early;
        it never refuses one."""
        if len(self._hits) < self.max_keys:
            return
        for key in [
            k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window
        ]:
            del self._hits[key]
        while len(self._hits) >= self.max_keys:
            del self._hits[next(iter(self._hits))]

    def _prune(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            # keep the dict from growing with one entry per IP ever seen
            self._hits.pop(key, None)
            hits = self._hits.setdefault(key, deque())
        return hits

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None if it may try now."""
        now = self._clock()
        hits = self._prune(key, now)
        if len(hits) < self.limit:
            if not hits:
                self._hits.pop(key, None)
            return None
        return max(1, math.ceil(hits[0] + self.window - now))

    def hit(self, key: str) -> None:
        now = self._clock()
        if key not in self._hits:
            self._bound(now)
        hits = self._prune(key, now)
        hits.append(now)
        # most recently touched last, so the bound drops the stalest keys first
        self._hits[key] = self._hits.pop(key)

    def reset(self, key: str) -> None:
        self._hits.pop(key, None)


class LocalWindowLimiter:
    """A ``SlidingWindowLimiter`` behind the async ``WindowLimiter`` interface: the embedded
    default (one process, nothing shared), with exactly its behaviour."""

    def __init__(self, limit: int, window_seconds: float, *, max_keys: int = MAX_KEYS) -> None:
        self.memory = SlidingWindowLimiter(limit, window_seconds, max_keys=max_keys)
        self.limit = limit
        self.window = window_seconds

    async def retry_after(self, key: str) -> int | None:
        return self.memory.retry_after(key)

    async def hit(self, key: str) -> None:
        self.memory.hit(key)

    async def take(self, key: str) -> int | None:
        wait = self.memory.retry_after(key)
        if wait is None:
            self.memory.hit(key)
        return wait

    async def reset(self, key: str) -> None:
        self.memory.reset(key)


class TokenBucket:
    """``burst`` events at once, refilled at ``rate_per_s``; ``take()`` says whether one may go."""

    def __init__(
        self, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate_per_s
        self.burst = float(burst)
        self.tokens = float(burst)
        self._clock = clock
        self.updated = clock()

    def take(self) -> bool:
        now = self._clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
