"""Get-or-create of live rooms, and their eviction once nobody has been in them for a while.

Loading a room reads the database; two sockets joining the same cold room at once must not build
two rooms, so loads are serialised per room id. When the last socket leaves, a cleaner waits the
grace period before closing the room (a reconnect cancels it), so a dropped Wi-Fi doesn't lose
awareness, chat history or the run in flight.

With several server processes a room lives only where its ownership lock is held
(``server/rooms/ownership.py``): a room is built only after its lock is claimed, and the lock is
released only once the room is closed (its log flushed, its state saved), so the next owner
always rebuilds it from a complete log. ``hand_over`` is the owner letting go when asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from server.rooms.errors import RoomMovedError
from server.rooms.ownership import LocalOwnership, Ownership
from server.rooms.room import Room

log = logging.getLogger(__name__)

RoomFactory = Callable[[str], Awaitable[Room]]


class RoomRegistry:
    def __init__(
        self,
        factory: RoomFactory,
        *,
        evict_after_s: float,
        ownership: Ownership | None = None,
        retry_after_ms: int = 500,
    ) -> None:
        self._factory = factory
        self.ownership: Ownership = ownership or LocalOwnership()
        self.retry_after_ms = retry_after_ms
        self._evict_after = evict_after_s
        self._rooms: dict[str, Room] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._evictions: dict[str, asyncio.Task[None]] = {}

    def get(self, room_id: str) -> Room | None:
        return self._rooms.get(room_id)

    def __len__(self) -> int:
        return len(self._rooms)

    def room_ids(self) -> list[str]:
        return list(self._rooms)

    async def claim(self, room_id: str) -> bool:
        """True if this process owns the room (it has it, or it just took its lock)."""
        if room_id in self._rooms:
            return True
        return await self.ownership.claim(room_id)

    async def release_unused(self, room_id: str) -> None:
        """A claim no room came of (the socket left before joining): let the lock go."""
        lock = self._locks.get(room_id)
        if room_id in self._rooms or (lock is not None and lock.locked()):
            return
        await self.ownership.release(room_id)

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
                if not await self.ownership.claim(room_id):
                    raise RoomMovedError(
                        "this room is open on another server; reconnecting",
                        self.retry_after_ms,
                    )
                try:
                    room = await self._factory(room_id)
                    await room.start()
                except BaseException:
                    await self.ownership.release(room_id)
                    raise
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
        await self.ownership.release(room_id)

    async def close_room(self, room_id: str, code: str, message: str) -> None:
        """Closes a live room at once (its log flushed), whoever is in it."""
        eviction = self._evictions.pop(room_id, None)
        if eviction is not None:
            eviction.cancel()
        room = self._rooms.pop(room_id, None)
        self._locks.pop(room_id, None)
        if room is None:
            return
        try:
            await room.evict_everyone(code, message)
            await room.close()
        finally:
            await self.ownership.release(room_id)

    async def hand_over(self, room_id: str, message: str) -> bool:
        """Lets another process have the room: its sockets are told to reconnect (``room_moved``
        with the retry delay), the log is flushed and the state saved, and only then is the
        lock released, so the next owner rebuilds from everything this one acknowledged."""
        room = self._rooms.pop(room_id, None)
        if room is None:
            return False
        eviction = self._evictions.pop(room_id, None)
        if eviction is not None:
            eviction.cancel()
        self._locks.pop(room_id, None)
        try:
            await room.move_away(message, self.retry_after_ms)
            await room.close()
        except Exception:
            log.exception("handing room %s over failed", room_id)
        finally:
            await self.ownership.release(room_id)
        return True

    async def drop_all(self, message: str) -> None:
        """The ownership locks are lost (the PostgreSQL link dropped): another process may
        take these rooms any moment, so every socket is sent to reconnect and every room is
        closed (its log written: updates are CRDT operations, a late write merges)."""
        for room_id in list(self._rooms):
            await self.hand_over(room_id, message)

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
            await self.ownership.release(room.id)
