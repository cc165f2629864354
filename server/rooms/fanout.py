"""Sends one room event to many sockets: encoded once, queued straight into each socket.

``AsyncServer.emit`` to a list of sids encodes the packet once but then creates one asyncio task
per Engine.IO frame per recipient and waits for them all; under load that task churn was a third
of the server's CPU per keystroke. Here the frames go straight into each socket's send queue from
the caller's task. With the MessagePack encoding (``packets.py``) an event is one frame; were an
encoding ever to split one (a header plus attachments), its frames would still be queued back to
back with no suspension between them, so nothing could land in between. The wire bytes are
exactly what ``AsyncServer.emit`` would send.

A socket whose reader is slower than the room (a stalled tab, a throttled link) would let its
queue grow without end; once it holds ``max_queue`` packets the socket is cut off instead (it
reconnects and resynchronises from the document, losing nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import engineio
import socketio

from server.rooms.packets import NAMESPACE

log = logging.getLogger(__name__)


def encode_event(sio: socketio.AsyncServer, event: str, data: Any) -> list[engineio.packet.Packet]:
    """The Engine.IO frames of one Socket.IO event (one, with MessagePack)."""
    packet = sio.packet_class(socketio.packet.EVENT, namespace=NAMESPACE, data=[event, data])
    encoded = packet.encode()
    parts = encoded if isinstance(encoded, list) else [encoded]
    return [engineio.packet.Packet(engineio.packet.MESSAGE, part) for part in parts]


class SocketEmitter:
    """The ``Emitter`` a Room talks through."""

    def __init__(self, sio: socketio.AsyncServer, *, max_queue: int | None = None) -> None:
        self.sio = sio
        self.max_queue = max_queue
        self._cutting: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def queued(self, eio_sid: str) -> int:
        """Packets waiting in one socket's send queue (0 if it is gone)."""
        socket = self.sio.eio.sockets.get(eio_sid)
        queue = getattr(socket, "queue", None)
        return queue.qsize() if queue is not None else 0

    def _cut_off(self, sid: str) -> None:
        if sid in self._cutting:
            return
        log.warning(
            "room socket %s reads too slowly (%d+ packets queued); disconnected",
            sid,
            self.max_queue,
        )
        self._cutting.add(sid)
        task = asyncio.create_task(self._disconnect_slow(sid), name=f"slow-{sid}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _disconnect_slow(self, sid: str) -> None:
        try:
            await self.sio.disconnect(sid)
        finally:
            self._cutting.discard(sid)

    async def emit(self, event: str, data: Any, to: Iterable[str]) -> None:
        frames: list[engineio.packet.Packet] | None = None
        for sid in to:
            eio_sid = self.sio.manager.eio_sid_from_sid(sid, NAMESPACE)
            if eio_sid is None:  # gone since the room listed it
                continue
            if self.max_queue is not None and self.queued(eio_sid) >= self.max_queue:
                self._cut_off(sid)
                continue
            if frames is None:
                frames = encode_event(self.sio, event, data)
            try:
                for frame in frames:
                    # Each send only appends to the socket's queue (its writer task does the
                    # I/O); the loop never yields between the frames of one event.
                    await self.sio.eio.send_packet(eio_sid, frame)
            except engineio.exceptions.SocketIsClosedError:
                continue  # closing: its disconnect handler takes it out of the room

    async def disconnect(self, sid: str) -> None:
        await self.sio.disconnect(sid)
