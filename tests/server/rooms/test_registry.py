"""RoomRegistry: one room per id however many join at once; eviction only when still empty."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from server.rooms.errors import RoomMovedError
from server.rooms.ownership import LocalOwnership
from server.rooms.registry import RoomRegistry
from server.rooms.room import Room


class StubRoom:
    """Just the lifecycle the registry drives (start, close, who is connected)."""

    def __init__(self, room_id: str) -> None:
        self.id = room_id
        self.connected_sids: list[str] = []
        self.started = 0
        self.closed = 0

    @property
    def has_sockets(self) -> bool:
        return bool(self.connected_sids)

    async def start(self) -> None:
        await asyncio.sleep(0.01)
        self.started += 1

    async def close(self) -> None:
        self.closed += 1


def registry(evict_after_s: float = 0.05) -> tuple[RoomRegistry, list[StubRoom]]:
    built: list[StubRoom] = []

    async def factory(room_id: str) -> Room:
        await asyncio.sleep(0.01)
        room = StubRoom(room_id)
        built.append(room)
        return cast(Room, room)

    return RoomRegistry(factory, evict_after_s=evict_after_s), built


async def test_concurrent_joins_build_one_room() -> None:
    rooms, built = registry()
    results = await asyncio.gather(*(rooms.acquire("a") for _ in range(10)))
    assert len(built) == 1 and all(r is results[0] for r in results)
    assert built[0].started == 1


async def test_an_empty_room_is_evicted_after_the_grace_period() -> None:
    rooms, built = registry()
    await rooms.acquire("a")
    rooms.release_if_empty("a")
    assert rooms.get("a") is not None
    await asyncio.sleep(0.1)
    assert rooms.get("a") is None and built[0].closed == 1


async def test_a_rejoin_cancels_the_eviction() -> None:
    rooms, built = registry()
    room: Any = await rooms.acquire("a")
    rooms.release_if_empty("a")
    await asyncio.sleep(0.01)
    assert await rooms.acquire("a") is room
    await asyncio.sleep(0.1)
    assert rooms.get("a") is room and built[0].closed == 0


async def test_a_room_with_people_is_not_evicted_and_close_closes_all() -> None:
    rooms, built = registry()
    room: Any = await rooms.acquire("a")
    room.connected_sids.append("sid1")
    rooms.release_if_empty("a")
    await asyncio.sleep(0.1)
    assert rooms.get("a") is room
    await rooms.acquire("b")
    await rooms.close()
    assert [r.closed for r in built] == [1, 1] and len(rooms) == 0


class RecordingOwnership(LocalOwnership):
    """Ownership that another process may hold (``taken``), recording claims and releases."""

    def __init__(self, log: list[str]) -> None:
        super().__init__("here")
        self.log = log
        self.taken: set[str] = set()

    @property
    def enforced(self) -> bool:
        return True

    async def claim(self, room_id: str) -> bool:
        if room_id in self.taken:
            return False
        self.log.append(f"claim {room_id}")
        return await super().claim(room_id)

    async def release(self, room_id: str) -> None:
        self.log.append(f"release {room_id}")
        await super().release(room_id)


class MovingRoom(StubRoom):
    def __init__(self, room_id: str, log: list[str]) -> None:
        super().__init__(room_id)
        self.log = log

    async def move_away(self, message: str, retry_after_ms: int) -> None:
        self.log.append(f"move {self.id} {retry_after_ms}")

    async def close(self) -> None:
        self.log.append(f"close {self.id}")  # the log is flushed here
        await super().close()


def owned_registry() -> tuple[RoomRegistry, RecordingOwnership, list[str]]:
    log: list[str] = []
    ownership = RecordingOwnership(log)

    async def factory(room_id: str) -> Room:
        return cast(Room, MovingRoom(room_id, log))

    rooms = RoomRegistry(factory, evict_after_s=0.05, ownership=ownership, retry_after_ms=250)
    return rooms, ownership, log


async def test_a_room_owned_elsewhere_is_not_built_here() -> None:
    rooms, ownership, log = owned_registry()
    ownership.taken.add("a")
    with pytest.raises(RoomMovedError) as refused:
        await rooms.acquire("a")
    assert refused.value.code == "room_moved" and refused.value.retry_after_ms == 250
    assert rooms.get("a") is None and log == []


async def test_handing_over_closes_the_room_before_the_lock_goes() -> None:
    rooms, _ownership, log = owned_registry()
    await rooms.acquire("a")
    assert await rooms.hand_over("a", "moved")
    assert log == ["claim a", "move a 250", "close a", "release a"]
    assert rooms.get("a") is None
    assert not await rooms.hand_over("a", "moved")  # nothing left to hand over


async def test_eviction_and_shutdown_release_the_lock_after_closing() -> None:
    rooms, _ownership, log = owned_registry()
    await rooms.acquire("a")
    await rooms.acquire("b")
    rooms.release_if_empty("a")
    await asyncio.sleep(0.1)
    assert log[-2:] == ["close a", "release a"]
    await rooms.close()
    assert log[-2:] == ["close b", "release b"]


async def test_a_claim_no_room_came_of_is_released() -> None:
    rooms, ownership, log = owned_registry()
    assert await rooms.claim("a")
    await rooms.release_unused("a")
    assert log == ["claim a", "release a"] and ownership.held_for("a") == 0.0
