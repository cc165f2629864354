"""A socket that reads slower than its room is cut off once its send queue is full, instead of
letting the queue (and the server's memory) grow without end; the others keep receiving."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from server.rooms.fanout import SocketEmitter
from server.rooms.packets import RoomPacket


@dataclass
class FakeSocket:
    queue: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)


class FakeEngineIO:
    def __init__(self) -> None:
        self.sockets: dict[str, FakeSocket] = {"e-fast": FakeSocket(), "e-slow": FakeSocket()}

    async def send_packet(self, eio_sid: str, packet: Any) -> None:
        self.sockets[eio_sid].queue.put_nowait(packet)


class FakeManager:
    def eio_sid_from_sid(self, sid: str, namespace: str) -> str | None:
        return {"fast": "e-fast", "slow": "e-slow"}.get(sid)


class FakeServer:
    packet_class = RoomPacket

    def __init__(self) -> None:
        self.eio = FakeEngineIO()
        self.manager = FakeManager()
        self.disconnected: list[str] = []

    async def disconnect(self, sid: str) -> None:
        self.disconnected.append(sid)


async def test_a_slow_reader_is_disconnected_and_the_others_keep_receiving() -> None:
    sio = FakeServer()
    emitter = SocketEmitter(sio, max_queue=10)
    for n in range(25):
        await emitter.emit("chat:message", {"n": n}, ["fast", "slow"])
        fast = sio.eio.sockets["e-fast"].queue
        while not fast.empty():  # the fast reader drains its queue as it goes
            fast.get_nowait()
    await asyncio.sleep(0)  # the cut-off runs as its own task
    assert sio.disconnected == ["slow"]  # once, not once per event
    assert sio.eio.sockets["e-slow"].queue.qsize() == 10  # bounded
    await emitter.emit("chat:message", {"n": "last"}, ["fast"])
    assert sio.eio.sockets["e-fast"].queue.qsize() == 1


async def test_without_a_bound_nothing_is_cut_off() -> None:
    sio = FakeServer()
    emitter = SocketEmitter(sio)
    for n in range(50):
        await emitter.emit("chat:message", {"n": n}, ["slow"])
    assert sio.disconnected == [] and sio.eio.sockets["e-slow"].queue.qsize() == 50
