"""Get-or-create of live rooms, and their eviction once nobody has been in them for a while.

Loading a room reads the database; two sockets joining the same cold room at once must not build
two rooms, so loads are serialised per room id. When the last socket leaves, a cleaner waits the
grace period before closing the room (a reconnect cancels it), so a dropped Wi-Fi doesn't lose
awareness, chat history or the run in flight.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from server.rooms.room import Room

log = logging.getLogger(__name__)

RoomFactory = Callable[[str], Awaitable[Room]]


class RoomRegistry:
    def __init__(self, factory: RoomFactory, *, evict_after_s: float) -> None:
        self._factory = factory
        self._evict_after = evict_after_s
        self._rooms: dict[str, Room] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._evictions: dict[str, asyncio.Task[None]] = {}

    def get(self, room_id: str) -> Room | None:
        return self._rooms.get(room_id)

    def __len__(self) -> int:
        return len(self._rooms)

    async def acquire(self, room_id: str) -> Room:
        """The live room, loading it if needed; cancels a pending eviction."""
        eviction = self._evictions.pop(room_id, None)
        if eviction is not None:
            eviction.cancel()
        room = self._rooms.get(room_id)
        if room is not None:
            return room
        lock = self._locks.setdefault(room_id, asyncio.Lock())
        async with lock:
            room = self._rooms.get(room_id)
            if room is None:
                room = await self._factory(room_id)
                await room.start()
                self._rooms[room_id] = room
        return room

    def release_if_empty(self, room_id: str) -> None:
        room = self._rooms.get(room_id)
        if room is None or room.has_sockets or room_id in self._evictions:
            return
        self._evictions[room_id] = asyncio.create_task(self._evict_later(room_id))

    async def _evict_later(self, room_id: str) -> None:
        await asyncio.sleep(self._evict_after)
        self._evictions.pop(room_id, None)
        room = self._rooms.get(room_id)
        if room is None or room.has_sockets:
            return
        del self._rooms[room_id]
        self._locks.pop(room_id, None)
        try:
            await room.close()
        except Exception:
            log.exception("closing room %s failed", room_id)

    async def close_room(self, room_id: str, code: str, message: str) -> None:
        """Closes a live room at once (its log flushed), whoever is in it."""
        eviction = self._evictions.pop(room_id, None)
        if eviction is not None:
            eviction.cancel()
        room = self._rooms.pop(room_id, None)
        self._locks.pop(room_id, None)
        if room is None:
            return
        await room.evict_everyone(code, message)
        await room.close()

    async def close(self) -> None:
        """Shutdown: cancels evictions and closes every room (log flushed, state saved)."""
        for task in self._evictions.values():
            task.cancel()
        await asyncio.gather(*self._evictions.values(), return_exceptions=True)
        self._evictions.clear()
        rooms = list(self._rooms.values())
        self._rooms.clear()
        for room in rooms:
            try:
                await room.close()
            except Exception:
                log.exception("closing room %s failed", room.id)
