"""The server's rate limits, kept in memory (one process), in one module.

* ``SlidingWindowLimiter``: counted attempts per key over a window, with a ``Retry-After``
  (sign-ins, reset mails): a refused client is told when to come back.
* ``TokenBucket``: one bucket per socket or participant, so a flood of room events is refused
  one event at a time while the connection stays up and a normal burst passes.

Enough for a single-node install; several nodes would need a shared store, which the sliding
window's small interface (``hit``/``retry_after``/``reset``) leaves room for.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

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
        self._prune(key, now).append(now)

    def reset(self, key: str) -> None:
        self._hits.pop(key, None)


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
