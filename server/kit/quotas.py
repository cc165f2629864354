"""Per-account run quotas: how many runs one account may have in flight, and start per minute.

The engine's queue is shared by everyone (``[engine] max_concurrent_runs`` + ``queue_size``);
without a per-account bound one account (a script with an API key, a new sign-up) could fill it
and every other interviewer's run would answer ``busy``. With at most
``[quotas] runs_concurrent_per_account`` in flight per account, one account holds only that many
of the queue's places. Kept in memory, per process, like ``server.kit.ratelimit``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from server.kit.errors import RateLimitedError
from server.kit.ratelimit import SlidingWindowLimiter


class RunQuotaError(RateLimitedError):
    code = "run_quota"


class RunQuota:
    def __init__(self, concurrent: int, per_minute: int) -> None:
        self.concurrent = concurrent
        self._active: dict[str, int] = {}
        self._starts = SlidingWindowLimiter(per_minute, 60.0)

    def in_flight(self, account_id: str) -> int:
        return self._active.get(account_id, 0)

    def take(self, account_id: str, count: int = 1) -> None:
        """Count ``count`` runs of the account as started (429 ``run_quota`` past a bound)."""
        if self.in_flight(account_id) + count > self.concurrent:
            raise RunQuotaError(
                f"You already have {self.in_flight(account_id)} run(s) in flight; one account "
                f"may have {self.concurrent} at once.",
                retry_after=1,
            )
        wait = self._starts.retry_after(account_id)
        if wait is not None:
            raise RunQuotaError(
                f"Too many runs in the last minute; try again in {wait} seconds.",
                retry_after=wait,
            )
        for _ in range(count):
            self._starts.hit(account_id)
        self._active[account_id] = self.in_flight(account_id) + count

    def give_back(self, account_id: str, count: int = 1) -> None:
        left = self.in_flight(account_id) - count
        if left > 0:
            self._active[account_id] = left
        else:
            self._active.pop(account_id, None)

    @contextlib.contextmanager
    def slot(self, account_id: str) -> Iterator[None]:
        """One run of the account, from its start to its end (released in ``finally``)."""
        self.take(account_id)
        try:
            yield
        finally:
            self.give_back(account_id)
