"""RoomRegistry: one room per id however many join at once; eviction only when still empty."""

from __future__ import annotations

import asyncio
from typing import Any, cast

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
