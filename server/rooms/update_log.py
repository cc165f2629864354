"""The room's update log: every applied update, with its author and time, written in batches.

Writing each keystroke in its own transaction would cost a commit per keystroke, so updates are
buffered and flushed together a few milliseconds later. A caller that must know an update is
durable (the socket ack) awaits ``wait_flushed`` for its sequence number. A failed write keeps the
rows and retries, so nothing received is dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoggedUpdate:
    interview_id: str
    doc: str
    participant_id: str
    author_name: str
    author_role: str
    created_at: datetime
    update: bytes


Writer = Callable[[Sequence[LoggedUpdate]], Awaitable[None]]


class UpdateLog:
    def __init__(self, writer: Writer, *, flush_interval_s: float = 0.05) -> None:
        self._writer = writer
        self._interval = flush_interval_s
        self._pending: list[LoggedUpdate] = []
        self._appended = 0
        self._flushed = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="update-log-flusher")

    def append(self, row: LoggedUpdate) -> int:
        self._pending.append(row)
        self._appended += 1
        self._wake.set()
        return self._appended

    @property
    def appended(self) -> int:
        return self._appended

    async def wait_flushed(self, seq: int) -> None:
        """Returns once row ``seq`` is committed.

        One plain future per waiter, resolved in bulk after each commit: thousands of keystrokes
        a second wait here, and a Condition would make each of them take a lock on wake-up.
        """
        if self._flushed >= seq:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((seq, waiter))
        await waiter

    async def flush(self) -> None:
        async with self._flush_lock:
            if not self._pending:
                return
            batch = self._pending
            self._pending = []
            try:
                await self._writer(batch)
            except BaseException:
                self._pending[:0] = batch
                raise
            self._flushed += len(batch)
        still_waiting = []
        for seq, waiter in self._waiters:
            if seq > self._flushed:
                still_waiting.append((seq, waiter))
            elif not waiter.done():  # a cancelled waiter is already done
                waiter.set_result(None)
        self._waiters = still_waiting

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception:
                log.exception("writing the update log failed; retrying in a second")
                self._wake.set()
                await asyncio.sleep(1.0)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()


class CoalescingWriter(Generic[T]):
    """One transaction for the items (log rows, saves) of every room within a short window.

    A writer per room would commit once per room per flush interval: hundreds of commits a
    second with a few hundred rooms. Rooms hand their batches here instead; each caller waits
    for the shared commit that carries its rows, so ``wait_flushed`` still means durable.
    """

    def __init__(
        self, writer: Callable[[Sequence[T]], Awaitable[None]], *, window_s: float = 0.05
    ) -> None:
        self._writer = writer
        self._window = window_s
        self._rows: list[T] = []
        self._done: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._writing = asyncio.Lock()

    async def __call__(self, rows: Sequence[T]) -> None:
        self._rows.extend(rows)
        if self._done is None:
            self._done = asyncio.get_running_loop().create_future()
            self._task = asyncio.create_task(self._commit_later(self._done))
        await asyncio.shield(self._done)

    async def _commit_later(self, done: asyncio.Future[None]) -> None:
        await asyncio.sleep(self._window)
        # One commit at a time. Two overlapping transactions that update the same rows in a
        # different order deadlock on PostgreSQL (seen at 500 rooms, when a commit outlasted the
        # window); callers that arrive meanwhile simply join this batch.
        async with self._writing:
            rows, self._rows = self._rows, []
            self._done = None
            try:
                await self._writer(rows)
            except BaseException as exc:
                done.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
            else:
                done.set_result(None)
