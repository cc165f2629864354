"""The room on the wire: one MessagePack frame per event, in order, and garbage answered.

The observer here is a bare WebSocket speaking Engine.IO and Socket.IO by hand, so it sees the
frames exactly as the server wrote them, with no client library (and none of its per-message
tasks) in between. Every event must be a single binary frame that decodes to a whole Socket.IO
packet: with the default JSON encoding a binary event was a header plus an attachment frame, and
two concurrent emits could in principle interleave them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import msgpack  # type: ignore[import-untyped]
import pytest
from pycrdt import Doc, Text

from server.rooms.events import registry_of
from server.rooms.wire import SYNC_STEP2, SYNC_UPDATE, SyncMessage, encode_sync, parse_message
from tests.server.rooms.conftest import STUB, ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer

EDITS_PER_WRITER = 150
EVENT, BINARY_EVENT = 2, 5


def packet(packet_type: int, data: Any = None, **extra: Any) -> bytes:
    raw: bytes = msgpack.packb({"type": packet_type, "nsp": "/", "data": data, **extra})
    return raw


class WireObserver:
    """A raw WebSocket in the room that checks every frame and replays the code updates."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.doc: Doc[Any] = Doc()
        self.text = self.doc.get("code", type=Text)
        self.faults: list[str] = []
        self.events: list[tuple[str, Any]] = []

    async def next_event(self) -> tuple[str, Any]:
        """The next Socket.IO event, answering Engine.IO pings on the way."""
        while True:
            message = await self.ws.receive(timeout=20)
            if message.type == aiohttp.WSMsgType.TEXT:
                if message.data == "2":  # Engine.IO ping
                    await self.ws.send_str("3")
                else:
                    self.faults.append(f"a text frame: {message.data[:60]}")
                continue
            if message.type != aiohttp.WSMsgType.BINARY:
                raise AssertionError(f"socket ended: {message.type}")
            try:
                decoded = msgpack.unpackb(message.data)
            except ValueError as exc:
                self.faults.append(f"a frame that is not MessagePack: {exc}")
                continue
            if decoded.get("type") != EVENT or not isinstance(decoded.get("data"), list):
                self.faults.append(f"not a whole event packet: {decoded!r:.80}")
                continue
            name, *args = decoded["data"]
            self.events.append((name, args[0] if args else None))
            return name, args[0] if args else None

    async def read(self, length: int) -> None:
        """Reads events until the code has ``length`` characters (or the socket closes)."""
        while len(str(self.text)) < length:
            name, payload = await self.next_event()
            if name == "sync:message":
                if not isinstance(payload, bytes):
                    self.faults.append(f"sync:message carried {type(payload).__name__}")
                    continue
                self._apply(payload)

    async def wait_for(self, name: str) -> Any:
        while True:
            event, payload = await self.next_event()
            if event == name:
                return payload

    def _apply(self, data: bytes) -> None:
        message = parse_message(data)
        if isinstance(message, SyncMessage) and message.kind in (SYNC_STEP2, SYNC_UPDATE):
            self.doc.apply_update(message.payload)


async def open_observer(live: LiveServer, auth: dict[str, Any], http: Any) -> WireObserver:
    url = live.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = await http.ws_connect(url)
    opened = await ws.receive_str(timeout=10)
    assert opened.startswith("0{"), opened
    await ws.send_bytes(packet(0, auth))  # Socket.IO CONNECT with the room token
    connected = msgpack.unpackb(await ws.receive_bytes(timeout=10))
    assert connected["type"] == 0 and "sid" in connected["data"], connected
    observer = WireObserver(ws)
    await observer.wait_for("room:welcome")
    return observer


async def test_every_event_is_one_whole_frame_under_concurrent_fan_out(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    async with aiohttp.ClientSession() as http:
        observer = await open_observer(
            live, {"token": await live.candidate_token(interview, "Observer")}, http
        )
        # Sync step 1 with an empty state vector: the step 2 answer holds the stub.
        await observer.ws.send_bytes(packet(EVENT, ["sync:message", bytes([0, 0, 1, 0])]))

        async def write(client: Any, letter: str) -> None:
            for index in range(EDITS_PER_WRITER):
                await client.edit(lambda text: text.insert(0, letter), ack=False)
                if index % 10 == 0:
                    await client.call("chat:send", {"text": f"{letter} {index}"})

        expected_length = len(STUB) + 2 * EDITS_PER_WRITER
        reading = asyncio.create_task(observer.read(expected_length))
        await asyncio.gather(write(ada, "a"), write(grace, "g"))
        await reading
        for _ in range(400):  # the writers' replicas catch up with each other's last edits
            if len(str(ada.text)) == len(str(grace.text)) == expected_length:
                break
            await asyncio.sleep(0.05)
        await observer.ws.close()
    assert observer.faults == []
    assert str(observer.text) == str(ada.text) == str(grace.text)
    names = [name for name, _ in observer.events]
    assert names.count("sync:message") >= 2 * EDITS_PER_WRITER
    assert "chat:message" in names  # chat and presence were interleaved with the updates


MALFORMED_FRAMES: list[tuple[str, Any]] = [
    ("a JSON text frame", '42["chat:send",{"text":"hi"}]'),
    ("bytes that are not MessagePack", b"\xc1\xc1\xc1"),
    ("a truncated map", b"\x83\xa4type"),
    ("not a map", msgpack.packb([2, "/", ["chat:send", {"text": "hi"}]])),
    ("the binary-event type", packet(BINARY_EVENT, ["sync:message", {"_placeholder": True}])),
    ("CONNECT_ERROR from a client", packet(4, {"message": "x"})),
    ("an unknown packet type", packet(9, ["chat:send", {"text": "hi"}])),
    ("a boolean type", msgpack.packb({"type": True, "nsp": "/", "data": None})),
    ("another namespace", msgpack.packb({"type": 2, "nsp": "/admin", "data": ["x"]})),
    ("an event that is not a list", packet(EVENT, {"chat:send": {"text": "hi"}})),
    ("an event with no name", packet(EVENT, [])),
    ("an event named by a number", packet(EVENT, [42, {}])),
    ("a string ack id", packet(EVENT, ["chat:send", {"text": "hi"}], id="seven")),
    ("an extension type", packet(EVENT, ["chat:send", msgpack.ExtType(5, b"boom")])),
    ("an integer map key", b"\x83\xa4type\x02\xa3nsp\xa1/\xa4data\x92\xa9chat:send\x81\x01\xa1x"),
]


@pytest.mark.parametrize(("why", "frame"), MALFORMED_FRAMES, ids=[w for w, _ in MALFORMED_FRAMES])
async def test_a_malformed_frame_is_answered_and_the_connection_survives(
    live: LiveServer, connect: ClientFactory, why: str, frame: Any
) -> None:
    interview, ada, _grace = await interviewer_and_candidate(live, connect)
    async with aiohttp.ClientSession() as http:
        observer = await open_observer(
            live, {"token": await live.candidate_token(interview, "Mallory")}, http
        )
        if isinstance(frame, str):
            await observer.ws.send_str("4" + frame)  # an Engine.IO text message
        else:
            await observer.ws.send_bytes(frame)
        error = await observer.wait_for("error")
        assert error["code"] == "malformed_packet", (why, error)
        assert error["event"] is None and error["message"]
        # Still connected and still heard: a valid event from the same socket goes through.
        await observer.ws.send_bytes(packet(EVENT, ["chat:send", {"text": f"after {why}"}]))
        chat = await observer.wait_for("chat:message")
        assert chat["text"] == f"after {why}"
        await ada.wait_for("chat:message", lambda m: m["text"] == f"after {why}")
        assert observer.faults == []
        await observer.ws.close()


async def test_a_garbage_binary_payload_inside_a_valid_packet_is_refused(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, _grace = await interviewer_and_candidate(live, connect)
    async with aiohttp.ClientSession() as http:
        observer = await open_observer(
            live, {"token": await live.candidate_token(interview, "Mallory")}, http
        )
        # bytes where a chat expects an object, and bytes keys in an object
        await observer.ws.send_bytes(packet(EVENT, ["chat:send", b"\x00\x01"]))
        assert (await observer.wait_for("error"))["code"] == "invalid_payload"
        await observer.ws.send_bytes(packet(EVENT, ["chat:send", {b"text": "hi"}]))
        assert (await observer.wait_for("error"))["code"] == "invalid_payload"
        await observer.ws.send_bytes(packet(EVENT, ["sync:message", encode_sync(0, b"\xff")]))
        assert (await observer.wait_for("error"))["code"] == "invalid_sync_message"
        await observer.ws.close()
    await ada.edit(lambda text: text.insert(0, "# fine\n"))
    room = registry_of(live.app).get(interview.id)
    assert room is not None
    for _ in range(100):
        if room.code.content().startswith("# fine"):
            break
        await asyncio.sleep(0.05)
    assert room.code.content() == "# fine\n" + STUB


async def test_a_recipient_that_is_gone_does_not_stop_the_others(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    room = registry_of(live.app).get(interview.id)
    assert room is not None
    gone_first = ["no-such-sid", *room.connected_sids]
    await room.emitter.emit("chat:message", {"text": "still here"}, gone_first)
    for client in (ada, grace):
        await client.wait_for("chat:message", lambda m: m.get("text") == "still here")
