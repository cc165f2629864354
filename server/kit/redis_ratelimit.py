"""``WindowLimiter`` over Redis: every server process counts the same attempts.

The ``limits`` library's moving window (a Redis list of timestamps per key, trimmed to the
limit, read and written by Lua scripts, so a check-and-add is atomic across processes) is the
same sliding log ``SlidingWindowLimiter`` keeps in memory: the oldest attempt still inside the
window says when the next one may come, which is the ``Retry-After``.

Keys are ``<prefix>:rl:<limiter>/<sha256 of the client key>/<limit>/<window>/second``: an
e-mail address or an IP address never sits in Redis in the clear, and a key's length does not
depend on what a client sends.

When Redis does not answer, a limiter either refuses (``fail_open=False``: 503
``rate_limit_unavailable``; the sign-in throttles, where letting everyone through would hand a
password guesser an unlimited window) or lets the attempt through (``fail_open=True``: where the
limit is about fairness and another bound still stands, like the engine's own queue behind the
run quota). Either way the outage is logged once, and its end once.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter

from server.kit.ratelimit import LimiterUnavailableError
from server.kit.redis_store import STORE_ERRORS, RedisStore

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "This is unavailable for a moment: the shared rate-limit store does not answer. "
    "Try again shortly."
)


class StoreHealth:
    """Logs a store's outage when it starts and when it ends, not once per request."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.down = False

    def failed(self, exc: BaseException) -> None:
        if not self.down:
            self.down = True
            log.warning("%s: Redis does not answer (%s)", self.what, exc)

    def answered(self) -> None:
        if self.down:
            self.down = False
            log.info("%s: Redis answers again", self.what)


class RedisWindowLimiter:
    def __init__(
        self,
        store: RedisStore,
        name: str,
        limit: int,
        window_seconds: float,
        *,
        fail_open: bool = False,
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self.fail_open = fail_open
        self.item = RateLimitItemPerSecond(
            limit, max(1, math.ceil(window_seconds)), namespace=f"rl:{name}"
        )
        self._strategy = MovingWindowRateLimiter(store.limits)
        self._health = StoreHealth(f"rate limit {name}")

    @staticmethod
    def _id(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]

    def _unavailable(self, exc: BaseException) -> None:
        """Fail open (return, the caller goes on) or closed (503)."""
        self._health.failed(exc)
        if not self.fail_open:
            raise LimiterUnavailableError(UNAVAILABLE_MESSAGE) from exc

    async def retry_after(self, key: str) -> int | None:
        try:
            stats = await self._strategy.get_window_stats(self.item, self._id(key))
        except STORE_ERRORS as exc:
            self._unavailable(exc)
            return None
        self._health.answered()
        if stats.remaining > 0:
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def hit(self, key: str) -> None:
        try:
            await self._strategy.hit(self.item, self._id(key))
        except STORE_ERRORS as exc:
            self._unavailable(exc)
            return
        self._health.answered()

    async def take(self, key: str) -> int | None:
        try:
            if await self._strategy.hit(self.item, self._id(key)):  # atomic: one Lua script
                self._health.answered()
                return None
            stats = await self._strategy.get_window_stats(self.item, self._id(key))
        except STORE_ERRORS as exc:
            self._unavailable(exc)
            return None
        self._health.answered()
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def reset(self, key: str) -> None:
        try:
            await self._strategy.clear(self.item, self._id(key))
        except STORE_ERRORS as exc:
            self._unavailable(exc)
            return
        self._health.answered()
