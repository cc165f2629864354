"""Sends one room event to many sockets: encoded once, queued straight into each socket.

``AsyncServer.emit`` to a list of sids encodes the packet once but then creates one asyncio task
per Engine.IO frame per recipient and waits for them all; under load that task churn was a third
of the server's CPU per keystroke. Here the frames go straight into each socket's send queue from
the caller's task. With the MessagePack encoding (``packets.py``) an event is one frame; were an
encoding ever to split one (a header plus attachments), its frames would still be queued back to
back with no suspension between them, so nothing could land in between. The wire bytes are
exactly what ``AsyncServer.emit`` would send.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import engineio
import socketio

from server.rooms.packets import NAMESPACE


def encode_event(sio: socketio.AsyncServer, event: str, data: Any) -> list[engineio.packet.Packet]:
    """The Engine.IO frames of one Socket.IO event (one, with MessagePack)."""
    packet = sio.packet_class(socketio.packet.EVENT, namespace=NAMESPACE, data=[event, data])
    encoded = packet.encode()
    parts = encoded if isinstance(encoded, list) else [encoded]
    return [engineio.packet.Packet(engineio.packet.MESSAGE, part) for part in parts]


class SocketEmitter:
    """The ``Emitter`` a Room talks through."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def emit(self, event: str, data: Any, to: Iterable[str]) -> None:
        frames: list[engineio.packet.Packet] | None = None
        for sid in to:
            eio_sid = self.sio.manager.eio_sid_from_sid(sid, NAMESPACE)
            if eio_sid is None:  # gone since the room listed it
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
