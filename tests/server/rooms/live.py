"""A real server on a loopback port and real Socket.IO clients that speak y-protocols with pycrdt.

``LiveServer`` runs the whole ASGI app (Quart + Socket.IO) under uvicorn (as ``onsite serve``
does) in this event loop on a free port. ``YClient`` is what a browser tab does: a
``socketio.AsyncClient`` with its own pycrdt document, answering sync step 1, applying step 2 and
updates, and sending its own edits.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import socketio
import uvicorn
from pycrdt import Doc, Map, Text, TransactionEvent
from quart import Quart

from server.accounts.models import User
from server.asgi import attach_socket_server
from server.interviews import service as interviews
from server.interviews.models import Interview
from server.interviews.schemas import InterviewCreate
from server.kit.db import unit_of_work
from server.kit.runtime import uvicorn_config
from server.kit.security import create_access_token
from server.kit.state import get_state
from server.rooms.protocol import get_protocol
from server.rooms.wire import (
    SYNC_STEP1,
    SYNC_STEP2,
    SYNC_UPDATE,
    AwarenessEntry,
    AwarenessMessage,
    SyncMessage,
    encode_awareness,
    encode_sync,
    parse_message,
)
from server.settings import Settings
from tests.support.net import free_port


@dataclass
class LiveServer:
    app: Quart
    settings: Settings
    url: str

    async def interviewer(self, name: str = "Ada Interviewer") -> tuple[User, str]:
        async with unit_of_work(get_state(self.app).sessions) as session:
            # A uuid, not a free port: ports are reused, and two examples of a property test
            # drawing the same one failed on the unique e-mail (the convergence flake).
            email = f"{name.split()[0].lower()}-{uuid.uuid4().hex}@example.com"
            user = User(email=email, name=name)
            session.add(user)
            await session.flush()
        return user, create_access_token(user.id, self.settings)

    async def interview(self, owner: User, **fields: Any) -> Interview:
        data = InterviewCreate(
            title=fields.pop("title", "Pairing"),
            candidate_name=fields.pop("candidate_name", "Grace"),
            **fields,
        )
        async with unit_of_work(get_state(self.app).sessions) as session:
            interview = await interviews.create_interview(session, owner.id, data)
        return interview

    async def http(
        self, method: str, path: str, *, token: str | None = None, json: Any = None
    ) -> tuple[int, Any, bytes]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, self.url + path, json=json, headers=headers) as response,
        ):
            body = await response.read()
            parsed: Any = None
            if response.content_type == "application/json":
                parsed = await response.json()
            return response.status, parsed, body

    async def candidate_token(self, interview: Interview, name: str = "Grace Candidate") -> str:
        status, body, _ = await self.http(
            "POST", f"/api/join/{interview.join_code}", json={"name": name}
        )
        assert status == 200, body
        token: str = body["token"]
        return token


@contextlib.asynccontextmanager
async def live_server(app: Quart, settings: Settings) -> AsyncIterator[LiveServer]:
    asgi = attach_socket_server(app)
    port = free_port()
    config = uvicorn_config(asgi, "127.0.0.1", port)  # as `onsite serve` runs
    config.timeout_graceful_shutdown = 1
    uv_server = uvicorn.Server(config)
    task = asyncio.create_task(uv_server.serve())
    url = f"http://127.0.0.1:{port}"
    server = LiveServer(app, settings, url)
    try:
        for _ in range(200):
            if uv_server.started:
                break
            if task.done():
                task.result()
                raise RuntimeError("the live server stopped before it started")
            await asyncio.sleep(0.05)
        yield server
    finally:
        uv_server.should_exit = True
        await asyncio.wait_for(task, 15)


def room_client() -> socketio.AsyncClient:
    """A python-socketio client speaking the room's packet encoding (config/protocol.json)."""
    return socketio.AsyncClient(reconnection=False, serializer=get_protocol().serializer)


@dataclass
class YClient:
    """One browser tab: a Socket.IO connection and a pycrdt replica of the code document."""

    url: str
    auth: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    sio: socketio.AsyncClient = field(default_factory=room_client)
    doc: Doc[Any] = field(default_factory=Doc)
    notes: Doc[Any] = field(default_factory=Doc)
    board: Doc[Any] = field(default_factory=Doc)
    events: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    awareness: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _outgoing: list[bytes] = field(default_factory=list)
    _applying: bool = False

    def __post_init__(self) -> None:
        self.text: Text = self.doc.get("code", type=Text)
        self.notes_text: Text = self.notes.get("notes", type=Text)
        self.elements: Map[Any] = self.board.get("elements", type=Map)
        self.doc.observe(self._on_local)
        self._bind()

    def _bind(self) -> None:
        self.sio.on("*", self._on_any)
        self.sio.on("sync:message", self._on_sync)
        self.sio.on("notes:message", self._on_notes)
        self.sio.on("board:message", self._on_board)
        self.sio.on("connect_error", self._on_connect_error)
        self.sio.on("disconnect", self._on_disconnect)

    def _on_local(self, event: TransactionEvent) -> None:
        if not self._applying:
            self._outgoing.append(event.update)

    async def _on_connect_error(self, data: Any) -> None:
        self._record("connect_error", data)

    async def _on_disconnect(self, *_reason: Any) -> None:
        self._record("disconnect", None)

    async def _on_any(self, event: str, *args: Any) -> None:
        self._record(event, args[0] if args else None)

    def _record(self, event: str, data: Any) -> None:
        self.events[event].append(data)
        self._changed.set()

    async def _on_sync(self, data: bytes) -> None:
        await self._handle(data, self.doc, "sync:message")

    async def _on_notes(self, data: bytes) -> None:
        await self._handle(data, self.notes, "notes:message")

    async def _on_board(self, data: bytes) -> None:
        await self._handle(data, self.board, "board:message")

    async def _handle(self, data: bytes, doc: Doc[Any], event: str) -> None:
        message = parse_message(data)
        if isinstance(message, AwarenessMessage):
            for entry in message.entries:
                self.awareness[entry.client_id] = entry.state
        elif not isinstance(message, SyncMessage):
            raise AssertionError("the server never sends an awareness query")
        elif message.kind == SYNC_STEP1:
            await self.sio.emit(event, encode_sync(SYNC_STEP2, doc.get_update(message.payload)))
        else:
            self._applying = True
            try:
                doc.apply_update(message.payload)
            finally:
                self._applying = False
        self._record(event, data)

    async def connect(self, *, lobby: bool = False) -> None:
        """Connects and syncs; with ``lobby``, returns once the room has put us in its lobby
        (then ``admitted()`` waits to be let in)."""
        await self.sio.connect(
            self.url,
            auth=self.auth,
            headers=self.headers,
            transports=["websocket"],
            wait_timeout=10,
        )
        if lobby:
            await self.wait_for("room:lobby")
            return
        await self.admitted()

    async def connect_following_moves(self, within: float = 10) -> None:
        """Connects, and while the server answers ``room_moved`` (another process still owns
        the room) waits the delay it names and tries again, as the browser does."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            try:
                await self.connect()
                return
            except socketio.exceptions.ConnectionError:
                refusals = self.events.get("connect_error") or [None]
                last: dict[str, Any] = refusals[-1] if isinstance(refusals[-1], dict) else {}
                data: dict[str, Any] = last["data"] if isinstance(last.get("data"), dict) else {}
                if data.get("code") != "room_moved" or loop.time() > deadline:
                    raise
                await asyncio.sleep(int(data.get("retry_after_ms", 400)) / 1000)
                await self.fresh_socket()

    async def fresh_socket(self) -> None:
        """A new Socket.IO client for the next attempt; the old one's HTTP session closed."""
        with contextlib.suppress(Exception):
            await self.sio.eio.disconnect(abort=True)
        self.sio = room_client()
        self._bind()
        self.events.clear()
        self._outgoing.clear()

    async def admitted(self, within: float = 10) -> None:
        """Waits for the welcome (we are in the room), then asks for the document."""
        await self.wait_for("room:welcome", within=within)
        await self.sio.emit("sync:message", encode_sync(SYNC_STEP1, self.doc.get_state()))
        await self.sio.emit("board:message", encode_sync(SYNC_STEP1, self.board.get_state()))

    async def drop(self) -> None:
        """The connection goes away; the replica (and any edits made meanwhile) stays."""
        await self.sio.disconnect()

    async def reconnect(self) -> None:
        """A new connection for the same tab: offline edits travel in the sync step 2."""
        self.sio = room_client()
        self._bind()
        self.events.clear()
        self._outgoing.clear()
        await self.connect()

    async def connect_refused(self) -> Any:
        """The refusal's ``data`` (``{code, message}``; its ``message`` is what JS shows)."""
        with contextlib.suppress(socketio.exceptions.ConnectionError):
            await self.sio.connect(
                self.url,
                auth=self.auth,
                headers=self.headers,
                transports=["websocket"],
                wait_timeout=10,
            )
        refusal = await self.wait_for("connect_error")
        assert isinstance(refusal, dict) and refusal["message"] == refusal["data"]["message"]
        return refusal["data"]

    async def edit(self, change: Callable[[Text], None], *, ack: bool = True) -> Any:
        """Edits the local replica and sends the update (with an ack: once it is durable)."""
        change(self.text)
        if not self.sio.connected:
            return None  # offline: the next connection's sync step 2 carries it
        updates, self._outgoing = self._outgoing, []
        result = None
        for update in updates:
            message = encode_sync(SYNC_UPDATE, update)
            if ack:
                result = await self.sio.call("sync:message", message, timeout=10)
            else:
                await self.sio.emit("sync:message", message)
        return result

    async def draw(self, element_id: str, element: str, *, ack: bool = True) -> Any:
        """Puts one whiteboard element (its JSON) into the local board and sends the update."""
        before = self.board.get_state()
        self._applying = True  # board updates are sent here, not through the code's outbox
        try:
            self.elements[element_id] = element
        finally:
            self._applying = False
        message = encode_sync(SYNC_UPDATE, self.board.get_update(before))
        if ack:
            return await self.sio.call("board:message", message, timeout=10)
        await self.sio.emit("board:message", message)
        return None

    async def reset_board(self) -> None:
        """What the browser does when the room refuses a whiteboard change: drop the local
        replica (it holds the refused change) and take the room's scene afresh."""
        self.board = Doc()
        self.elements = self.board.get("elements", type=Map)
        await self.sio.emit("board:message", encode_sync(SYNC_STEP1, self.board.get_state()))

    async def wait_board(self, element_id: str, within: float = 10) -> Any:
        async def scan() -> Any:
            while element_id not in self.elements:
                self._changed.clear()
                await self._changed.wait()
            return self.elements[element_id]

        try:
            return await asyncio.wait_for(scan(), within)
        except TimeoutError:
            raise AssertionError(f"element {element_id} never arrived") from None

    async def set_awareness(self, clock: int, state: dict[str, Any] | None) -> None:
        entry = AwarenessEntry(self.doc.client_id, clock, state)
        await self.sio.emit("sync:message", encode_awareness([entry]))

    async def call(self, event: str, data: Any = None) -> Any:
        return await self.sio.call(event, data, timeout=10)

    async def wait_for(
        self, event: str, predicate: Callable[[Any], bool] = lambda _: True, within: float = 10
    ) -> Any:
        async def scan() -> Any:
            while True:
                for item in self.events.get(event, []):
                    if predicate(item):
                        return item
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), within)

    async def wait_text(self, expected: str, within: float = 10) -> None:
        async def scan() -> None:
            while str(self.text) != expected:
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(scan(), within)
        except TimeoutError:
            raise AssertionError(f"text is {str(self.text)!r}, expected {expected!r}") from None

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sio.disconnect()
