"""The update log's batching: durable means written, and a failed write loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from server.rooms.update_log import CoalescingWriter, LoggedUpdate, UpdateLog


def row(n: int, room: str = "r") -> LoggedUpdate:
    return LoggedUpdate(room, "code", "p", "Ada", "interviewer", datetime.now(UTC), bytes([n]))


class FlakyStore:
    """Fails the first ``failures`` writes, like a database that is briefly unreachable."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.written: list[LoggedUpdate] = []
        self.calls = 0

    async def write(self, rows: Sequence[LoggedUpdate]) -> None:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise OSError("database went away")
        self.written.extend(rows)


async def test_wait_flushed_returns_once_the_rows_are_written() -> None:
    store = FlakyStore(0)
    log = UpdateLog(store.write, flush_interval_s=0.01)
    log.start()
    seqs = [log.append(row(n)) for n in range(5)]
    await asyncio.wait_for(log.wait_flushed(seqs[-1]), 2)
    assert [r.update for r in store.written] == [bytes([n]) for n in range(5)]
    assert store.calls == 1  # one batch, not one write per update
    await log.close()


async def test_a_cancelled_waiter_leaves_the_others_waiting_for_their_rows() -> None:
    store = FlakyStore(0)
    log = UpdateLog(store.write, flush_interval_s=0.05)
    log.start()
    first = log.append(row(1))
    impatient = asyncio.create_task(log.wait_flushed(first))
    patient = asyncio.create_task(log.wait_flushed(first))
    await asyncio.sleep(0)
    impatient.cancel()
    later = log.append(row(2))
    await asyncio.wait_for(patient, 2)
    assert impatient.cancelled()
    assert store.written[0].update == bytes([1])
    await asyncio.wait_for(log.wait_flushed(later), 2)
    assert [r.update for r in store.written] == [bytes([1]), bytes([2])]
    await log.wait_flushed(first)  # already durable: returns at once
    await log.close()


async def test_a_failed_write_is_retried_in_order() -> None:
    store = FlakyStore(1)
    log = UpdateLog(store.write, flush_interval_s=0.01)
    log.start()
    seq = log.append(row(1))
    await asyncio.sleep(0.05)
    log.append(row(2))
    assert store.written == []
    await asyncio.wait_for(log.wait_flushed(seq + 1), 3)
    assert [r.update for r in store.written] == [b"\x01", b"\x02"]
    await log.close()


async def test_close_writes_what_is_left() -> None:
    store = FlakyStore(0)
    log = UpdateLog(store.write, flush_interval_s=10)
    log.start()
    log.append(row(7))
    await log.close()
    assert [r.update for r in store.written] == [b"\x07"]


async def test_rooms_share_one_write_per_window() -> None:
    store = FlakyStore(0)
    shared = CoalescingWriter(store.write, window_s=0.02)
    await asyncio.gather(*(shared([row(n, room=f"room{n}")]) for n in range(10)))
    assert store.calls == 1 and len(store.written) == 10


async def test_commits_never_overlap_even_when_one_outlasts_the_window() -> None:
    """Overlapping commits that update the same rows deadlocked on PostgreSQL at 500 rooms."""
    active = 0
    most_at_once = 0
    batches: list[list[int]] = []

    async def slow_write(rows: Sequence[int]) -> None:
        nonlocal active, most_at_once
        active += 1
        most_at_once = max(most_at_once, active)
        await asyncio.sleep(0.05)  # five windows long
        batches.append(list(rows))
        active -= 1

    shared = CoalescingWriter[int](slow_write, window_s=0.01)

    async def caller(n: int) -> None:
        await asyncio.sleep(n * 0.005)
        await shared([n])

    await asyncio.wait_for(asyncio.gather(*(caller(n) for n in range(40))), 10)
    assert most_at_once == 1
    assert sorted(n for batch in batches for n in batch) == list(range(40))  # each once
    assert len(batches) < 40  # callers that arrived during a commit shared the next one
