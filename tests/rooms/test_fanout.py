"""Fan-out on the wire: every binary event's header is followed at once by its attachment.

A binary Socket.IO event is two WebSocket frames, the text header with a placeholder and then the
bytes. If two concurrent emits to one socket interleaved them, the browser would attach the wrong
bytes (or a text frame) to a header. The observer here is a bare WebSocket speaking Engine.IO and
Socket.IO by hand, so it sees the frames in the order the server wrote them, with no client
library (and none of its per-message tasks) in between.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from pycrdt import Doc, Text

from server.rooms.events import registry_of
from server.rooms.wire import SYNC_STEP2, SYNC_UPDATE, SyncMessage, parse_message
from tests.rooms.conftest import ClientFactory, interviewer_and_candidate
from tests.rooms.live import LiveServer

STUB = 'print("Hello, World!")\n'
EDITS_PER_WRITER = 150


class WireObserver:
    """A raw WebSocket in the room that checks frame order and replays the code updates."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.doc: Doc[Any] = Doc()
        self.text = self.doc.get("code", type=Text)
        self.faults: list[str] = []
        self.binary_events = 0
        self.text_events = 0

    async def read(self, length: int) -> None:
        """Reads frames until the code has ``length`` characters (or the socket closes)."""
        expecting = 0
        while len(str(self.text)) < length:
            message = await self.ws.receive(timeout=20)
            if message.type == aiohttp.WSMsgType.BINARY:
                if expecting == 0:
                    self.faults.append("an attachment without its header")
                    continue
                expecting -= 1
                self._apply(message.data)
                continue
            if message.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"socket ended: {message.type}")
            frame: str = message.data
            if expecting:
                self.faults.append(f"a text frame before an attachment: {frame[:60]}")
                expecting = 0
            if frame == "2":  # Engine.IO ping
                await self.ws.send_str("3")
            elif frame.startswith("451-"):  # a binary event with one attachment
                assert json.loads(frame[4:])[0] == "sync:message", frame
                expecting = 1
                self.binary_events += 1
            elif frame.startswith("42"):
                self.text_events += 1

    def _apply(self, data: bytes) -> None:
        message = parse_message(data)
        if isinstance(message, SyncMessage) and message.kind in (SYNC_STEP2, SYNC_UPDATE):
            self.doc.apply_update(message.payload)


async def open_observer(live: LiveServer, auth: dict[str, Any], http: Any) -> WireObserver:
    url = live.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = await http.ws_connect(url)
    opened = await ws.receive_str(timeout=10)
    assert opened.startswith("0{"), opened
    await ws.send_str("40" + json.dumps(auth))
    observer = WireObserver(ws)
    connected = await ws.receive_str(timeout=10)
    assert connected.startswith("40{"), connected
    return observer


async def test_concurrent_binary_fan_out_keeps_each_attachment_behind_its_header(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.wait_text(STUB)
    await grace.wait_text(STUB)
    async with aiohttp.ClientSession() as http:
        observer = await open_observer(
            live, {"token": await live.candidate_token(interview, "Observer")}, http
        )
        # Sync step 1 (empty state vector) as a binary event: the answer holds the stub.
        await observer.ws.send_str('451-["sync:message",{"_placeholder":true,"num":0}]')
        await observer.ws.send_bytes(bytes([0, 0, 1, 0]))

        async def write(client: Any, letter: str) -> None:
            for index in range(EDITS_PER_WRITER):
                await client.edit(lambda text: text.insert(0, letter), ack=False)
                if index % 10 == 0:
                    await client.call("chat:send", {"text": f"{letter} {index}"})  # text frames

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
    assert observer.binary_events >= 2 * EDITS_PER_WRITER
    assert observer.text_events > 0  # chat and presence frames were interleaved with the updates


async def test_a_recipient_that_is_gone_does_not_stop_the_others(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    await grace.wait_text(STUB)
    room = registry_of(live.app).get(interview.id)
    assert room is not None
    gone_first = ["no-such-sid", *room.connected_sids]
    await room.emitter.emit("chat:message", {"text": "still here"}, gone_first)
    for client in (ada, grace):
        await client.wait_for("chat:message", lambda m: m.get("text") == "still here")
