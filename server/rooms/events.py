"""Socket.IO handlers: authenticate at connect, validate every event, call the room, emit.

``RoomGateway`` is the room's side of Socket.IO, one per app. It is entered in the app's
``while_serving`` hook, which Quart runs after ``before_serving`` (the database is open) and
leaves before ``after_serving`` (the database is disposed), so rooms flush their logs and save
their code while they still can.

Handlers stay thin. Every client event goes through one wrapper that rate-limits the socket,
validates the payload against ``config/protocol.json``, refuses interviewer-only events from
candidates, and turns any refusal into an ``error`` event ``{code, message, event}`` plus a log
line, so a bad event never takes the connection or the room down. An event with an ack also gets
``{"ok": false, "error": {...}}`` back, or ``{"ok": true, ...}`` once it is done (for document
updates: once the update is in the durable log). The handlers are listed once, in
``RoomGateway._handlers``, keyed by the protocol's client event names.

With several server processes (PostgreSQL) the gateway opens a room only while it holds the
room's ownership lock (``server/rooms/ownership.py``). A socket for a room another process owns
is refused at connect with ``room_moved`` and a retry delay; if the proxy sent it here (the
``X-Onsite-Node`` header haproxy adds, and the ``interview`` query naming this very room), the
owner is asked to let go, so after a process is added its rooms follow the new routing. A
socket that came some other way (straight to a process's port) is only told to retry: it can
never pull a room away from the process the proxy uses. REST calls that act on a live room go
to its owner through ``server/rooms/cluster.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from http.cookies import CookieError, SimpleCookie
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs

import socketio
from quart import Quart

from server.kit.db import unit_of_work
from server.kit.errors import AppError
from server.kit.ratelimit import TokenBucket
from server.kit.security import cookie_names, decode_access_claims
from server.kit.state import AppState, get_state
from server.rooms.cluster import NoOwnerError, OwnerUnreachableError, RoomCommands
from server.rooms.errors import PayloadError, RoomAuthError, RoomError, RoomMovedError
from server.rooms.fanout import SocketEmitter
from server.rooms.ice import ice_config
from server.rooms.ownership import ownership_for
from server.rooms.packets import MALFORMED_EVENT, NAMESPACE, RoomPacket
from server.rooms.payloads import (
    ActivityReport,
    BoardLock,
    ChatSend,
    LobbyAdmit,
    QuestionLoad,
    RunPermission,
    RunStart,
    SignalSend,
    VideoRelay,
)
from server.rooms.protocol import Protocol, get_protocol
from server.rooms.registry import RoomRegistry
from server.rooms.room import Identity, Room, RoomSettings
from server.rooms.service import (
    ROOM_CANDIDATES_KEY,
    ROOM_CLOSER_KEY,
    ROOM_ENDER_KEY,
    USER_SOCKETS_KEY,
    SqlRoomStore,
    authorise_socket,
    load_seed,
)
from server.rooms.terminal import TerminalHub, terminal_handlers

log = logging.getLogger(__name__)

JOIN_TIMEOUT_S = 10.0
ENGINEIO_MAX_BYTES = 4 * 1024 * 1024
"""Bigger than any event we accept, so an oversized event gets a clean error, not a dropped link."""

GATEWAY_KEY = "room_gateway"
PACKET_CLASSES = {"msgpack": RoomPacket}
"""protocol.json's ``serializer`` → the python-socketio packet class that speaks it."""
SOCKET_EVENTS = frozenset({"connect", "disconnect", "*", MALFORMED_EVENT})
"""Socket.IO's own events, registered besides the protocol's."""
ROUTED_HEADER = "HTTP_X_ONSITE_NODE"
"""haproxy's ``http-send-name-header X-Onsite-Node``: the proxy chose this process."""
ASK_OWNER_EVERY_S = 1.0
"""At most one "let go of this room" a second per room from one process."""
MOVED_MESSAGE = "this room is open on another server; reconnecting"


@dataclass(slots=True)
class Connection:
    room_id: str
    identity: Identity
    bucket: TokenBucket
    joined: asyncio.Event = field(default_factory=asyncio.Event)
    user_id: str | None = None
    """The interviewer's account (None for a candidate), so revoking it ends this socket."""
    session_id: str | None = None
    """The sign-in session the socket was authorised with (signing out ends the socket)."""


Handler = Callable[[Room, str, Any], Awaitable[dict[str, Any] | None]]


class _ConnectedManager(socketio.AsyncManager):  # type: ignore[misc]
    """Tells the gateway the moment a socket is fully connected.

    python-socketio runs the ``connect`` handler, then sends the CONNECT packet, then calls
    ``manager.connect``: from this call on, a welcome can no longer overtake the CONNECT packet,
    so the join starts here instead of polling ``is_connected``.
    """

    def __init__(self, on_connected: Callable[[str], None]) -> None:
        super().__init__()
        self._on_connected = on_connected

    async def connect(self, sid: str, namespace: str) -> Any:
        result = await super().connect(sid, namespace)
        if namespace == NAMESPACE:
            self._on_connected(sid)
        return result


class RoomGateway:
    """The room's Socket.IO server, sharing the app's lifecycle, database and engine."""

    def __init__(self, state: AppState, protocol: Protocol) -> None:
        self.state = state
        self.protocol = protocol
        self.sio = socketio.AsyncServer(
            async_mode="asgi",
            serializer=PACKET_CLASSES[protocol.serializer],
            client_manager=_ConnectedManager(self._connected),
            max_http_buffer_size=ENGINEIO_MAX_BYTES,
            logger=False,
            engineio_logger=False,
        )
        self.emitter = SocketEmitter(self.sio, max_queue=state.settings.rooms.max_send_queue)
        self.store = SqlRoomStore(lambda: unit_of_work(state.sessions))
        self.ownership = ownership_for(state.settings)
        self.commands = RoomCommands(self.ownership)
        self.registry = RoomRegistry(
            self._build_room,
            evict_after_s=state.settings.rooms.reconnect_grace_seconds,
            ownership=self.ownership,
            retry_after_ms=state.settings.rooms.moved_retry_ms,
        )
        self.connections: dict[str, Connection] = {}
        self.terminals = TerminalHub(lambda: state.run_engine)
        self._joins: set[asyncio.Task[None]] = set()
        self._asked: dict[str, float] = {}
        self._register()
        self._register_commands()

    # ---- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.ownership.start()
        self.ownership.on_lost(self._ownership_lost)
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        """Closes every room (log flushed, state saved); joins still in flight are dropped."""
        for task in self._joins:
            task.cancel()
        await asyncio.gather(*self._joins, return_exceptions=True)
        await self.terminals.close_all()
        await self.registry.close()
        await self.commands.close()
        await self.ownership.close()  # after the rooms are written: the locks go last

    async def serving(self) -> AsyncGenerator[None, None]:
        """For ``app.while_serving``: the gateway is open while the app serves."""
        async with self:
            yield

    async def _build_room(self, room_id: str) -> Room:
        state = self.state
        bounds = state.settings.rooms
        async with unit_of_work(state.sessions) as session:
            seed = await load_seed(session, room_id, state.run_engine.languages())
        if seed is None:
            raise RoomAuthError("room_not_found", "no such interview")
        return Room(
            seed,
            store=self.store,
            engine=state.run_engine,
            emitter=self.emitter,
            protocol=self.protocol,
            settings=RoomSettings(
                grace_seconds=state.settings.rooms.reconnect_grace_seconds,
                ice=partial(ice_config, state.settings),
                max_participants=bounds.max_participants,
                max_doc_bytes=bounds.max_doc_bytes,
                max_log_bytes=bounds.max_log_bytes,
            ),
        )

    # ---- connecting ------------------------------------------------------------------------

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        if not isinstance(auth, dict):
            auth = {}
        try:
            async with unit_of_work(self.state.sessions) as session:
                room_id, identity = await authorise_socket(
                    session,
                    auth,
                    _cookie(environ, cookie_names(self.state.settings).access),
                    self.state.settings,
                )
        except RoomAuthError as exc:
            log.info("room connect refused (%s): %s", exc.code, exc.message)
            raise socketio.exceptions.ConnectionRefusedError(
                exc.message, {"code": exc.code, "message": exc.message}
            ) from None
        except Exception as exc:
            log.exception("room connect failed")
            message = "the room could not be opened"
            raise socketio.exceptions.ConnectionRefusedError(
                message, {"code": "internal_error", "message": message}
            ) from exc
        bound = self.state.settings.rooms.max_sockets
        if sum(1 for c in self.connections.values() if c.room_id == room_id) >= bound:
            message = f"this room already has {bound} open connections; close a tab and retry"
            log.info("room connect refused (room_full): %s", message)
            raise socketio.exceptions.ConnectionRefusedError(
                message, {"code": "room_full", "message": message}
            )
        if not await self.registry.claim(room_id):
            await self._ask_owner(room_id, environ)
            retry = self.registry.retry_after_ms
            log.info("room connect refused (room_moved): %s is owned elsewhere", room_id)
            raise socketio.exceptions.ConnectionRefusedError(
                MOVED_MESSAGE,
                {"code": "room_moved", "message": MOVED_MESSAGE, "retry_after_ms": retry},
            )
        limits = self.protocol.limits
        user_id, session_id = self._account_of(identity, auth, environ)
        self.connections[sid] = Connection(
            room_id,
            identity,
            TokenBucket(limits.events_per_second, limits.events_burst),
            user_id=user_id,
            session_id=session_id,
        )
        return True

    def _account_of(
        self, identity: Identity, auth: dict[str, Any], environ: dict[str, Any]
    ) -> tuple[str | None, str | None]:
        """The interviewer's account and session (already checked by ``authorise_socket``)."""
        if identity.role != "interviewer":
            return None, None
        access = auth.get("access_token") or _cookie(
            environ, cookie_names(self.state.settings).access
        )
        try:
            claims = decode_access_claims(str(access), self.state.settings)
        except AppError:
            return identity.participant_id[1:], None
        return claims.user_id, claims.session_id

    def _connected(self, sid: str) -> None:
        """The CONNECT packet is out (see ``_ConnectedManager``): join the room now."""
        connection = self.connections.get(sid)
        if connection is None:
            return
        task = asyncio.create_task(self._join(sid, connection), name=f"join-{sid}")
        self._joins.add(task)
        task.add_done_callback(self._joins.discard)

    async def _join(self, sid: str, connection: Connection) -> None:
        error = self.protocol.emits.error
        try:
            room = await self.registry.acquire(connection.room_id)
            await room.join(connection.identity, sid)
        except RoomError as exc:
            refusal: dict[str, Any] = {"code": exc.code, "message": exc.message, "event": None}
            if isinstance(exc, RoomMovedError):
                refusal["retry_after_ms"] = exc.retry_after_ms
            await self.sio.emit(error, refusal, to=sid)
            await self.sio.disconnect(sid)
            return
        except Exception:
            log.exception("joining room %s failed", connection.room_id)
            await self.sio.emit(
                error,
                {"code": "internal_error", "message": "joining the room failed", "event": None},
                to=sid,
            )
            await self.sio.disconnect(sid)
            return
        if sid not in self.connections:  # the socket left while it was joining
            await room.disconnect(sid)
            self.registry.release_if_empty(connection.room_id)
            return
        connection.joined.set()
        await self.terminals.joined(room, sid)

    async def _disconnect(self, sid: str, *_reason: Any) -> None:
        connection = self.connections.pop(sid, None)
        if connection is None:
            return
        room = self.registry.get(connection.room_id)
        if room is None:
            if not self._has_connections(connection.room_id):
                await self.registry.release_unused(connection.room_id)
            return
        try:
            await room.disconnect(sid)
        except Exception:
            log.exception("leaving room %s failed", connection.room_id)
        self.registry.release_if_empty(connection.room_id)

    # ---- events ----------------------------------------------------------------------------

    def _handlers(self) -> dict[str, Handler]:
        """Every client event the server handles, once; the protocol checked at load time
        that no client event lacks one."""
        names = self.protocol.handles
        return {
            names.code: self._on_code,
            names.notes: self._on_notes,
            names.chat: self._on_chat,
            names.run: self._on_run,
            names.permission: self._on_permission,
            names.board: self._on_board,
            names.board_lock: self._on_board_lock,
            names.relay: self._on_relay,
            names.signal: self._on_signal,
            names.end: self._on_end,
            **terminal_handlers(names, self.terminals),
            names.question: self._on_question,
            names.tests: self._on_tests,
            names.activity: self._on_activity,
            names.admit: self._on_admit,
        }

    def handled_events(self) -> frozenset[str]:
        """The protocol events with a handler registered on the Socket.IO server."""
        return frozenset(self.sio.handlers.get(NAMESPACE, {})) - SOCKET_EVENTS

    def _register(self) -> None:
        self.sio.on("connect", self._connect)
        self.sio.on(MALFORMED_EVENT, self._malformed)
        self.sio.on("disconnect", self._disconnect)
        self.sio.on("*", self._unknown)
        for name, handler in self._handlers().items():
            self.sio.on(name, partial(self._on_event, name, handler))

    async def _on_event(self, name: str, handler: Handler, sid: str, *args: Any) -> dict[str, Any]:
        spec = self.protocol.client_event(name)
        try:
            connection = self.connections.get(sid)
            if connection is None:
                raise RoomError("not_in_room", "this connection is not in a room")
            if not connection.bucket.take():
                raise RoomError("rate_limited", "too many events; slow down")
            if len(args) > 1:
                raise PayloadError("invalid_payload", f"{name} takes one payload argument")
            payload = self.protocol.validate(name, args[0] if args else None)
            if spec.interviewer_only and connection.identity.role != "interviewer":
                raise RoomError("forbidden", f"only the interviewer may send {name}")
            if not connection.joined.is_set():
                # No await before the room sees a joined socket's event: python-socketio
                # runs each event in its own task, and a suspension here could let a
                # later update overtake an earlier one.
                try:
                    async with asyncio.timeout(JOIN_TIMEOUT_S):
                        await connection.joined.wait()
                except TimeoutError:
                    raise RoomError("not_in_room", "the room is not joined yet") from None
            room = self.registry.get(connection.room_id)
            if room is None:
                raise RoomError("not_in_room", "the room is closed")
            result = await handler(room, sid, payload)
            return {"ok": True, **(result or {})}
        except RoomError as exc:
            return await self._refuse(sid, name, exc.code, exc.message)
        except Exception:
            log.exception("room event %s from %s failed", name, sid)
            return await self._refuse(sid, name, "internal_error", "the server could not do that")

    async def _refuse(self, sid: str, event: str | None, code: str, message: str) -> dict[str, Any]:
        log.warning("refused %s from %s: %s (%s)", event, sid, code, message)
        error = {"code": code, "message": message, "event": event}
        await self.sio.emit(self.protocol.emits.error, error, to=sid)
        return {"ok": False, "error": error}

    async def _unknown(self, event: str, sid: str, *_args: Any) -> dict[str, Any]:
        return await self._refuse(
            sid, str(event), "unknown_event", f"{event!r} is not an event of this room"
        )

    async def _malformed(self, sid: str, reason: Any = None) -> None:
        message = f"not a Socket.IO packet of this room: {reason}"
        await self._refuse(sid, None, "malformed_packet", message)

    # ---- the handlers ----------------------------------------------------------------------

    async def _on_code(self, room: Room, sid: str, data: bytes) -> dict[str, Any]:
        seq = await room.handle_code(sid, data)
        await room.log.wait_flushed(seq)
        return {}

    async def _on_notes(self, room: Room, sid: str, data: bytes) -> dict[str, Any]:
        seq = await room.handle_notes(sid, data)
        await room.log.wait_flushed(seq)
        return {}

    async def _on_board(self, room: Room, sid: str, data: bytes) -> dict[str, Any]:
        seq = await room.handle_board(sid, data)
        await room.log.wait_flushed(seq)
        return {}

    async def _on_board_lock(self, room: Room, sid: str, data: dict[str, Any]) -> None:
        await room.set_board_locked(sid, BoardLock.of(data).locked)

    async def _on_relay(self, room: Room, sid: str, data: dict[str, Any]) -> None:
        await room.set_relay_only(sid, VideoRelay.of(data).relay_only)

    async def _on_chat(self, room: Room, sid: str, data: dict[str, Any]) -> None:
        await room.send_chat(sid, ChatSend.of(data).text)

    async def _on_run(self, room: Room, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        run_id = await room.start_run(sid, RunStart.of(data).stdin)
        return {"run_id": run_id}

    async def _on_permission(self, room: Room, sid: str, data: dict[str, Any]) -> None:
        await room.set_candidate_can_run(sid, RunPermission.of(data).candidate_can_run)

    async def _on_signal(self, room: Room, sid: str, data: dict[str, Any]) -> None:
        signal = SignalSend.of(data)
        await room.relay_signal(sid, signal.to, signal.kind, signal.data)

    async def _on_end(self, room: Room, sid: str, _data: dict[str, Any]) -> None:
        await room.end(sid)
        await self.terminals.close(room.id)

    async def _on_question(self, room: Room, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        spec = await room.load_question(sid, QuestionLoad.of(data).question_id)
        return {"question_id": spec.question_id, "revision": spec.revision}

    async def _on_tests(self, room: Room, sid: str, _data: dict[str, Any]) -> dict[str, Any]:
        return {"run_id": await room.run_tests(sid)}

    async def _on_activity(self, room: Room, sid: str, data: dict[str, Any]) -> None:
        report = ActivityReport.of(data)
        await room.report_activity(sid, report.kind, report.chars)

    async def send_candidates_away(self, room_id: str, code: str, message: str) -> None:
        await self._on_owner(room_id, "candidates_away", {"code": code, "message": message})

    async def _on_admit(self, room: Room, sid: str, data: dict[str, Any]) -> None:
        await room.admit(sid, LobbyAdmit.of(data).participant_id)

    async def close_rooms(self, room_ids: Collection[str], code: str, message: str) -> None:
        for room_id in room_ids:
            await self._on_owner(room_id, "close", {"code": code, "message": message})

    async def end_room(self, room_id: str) -> bool:
        """Ends the live room's interview where the room is; False if no room is live."""
        answer = await self._on_owner(room_id, "end", {})
        return bool(isinstance(answer, dict) and answer.get("ended"))

    async def disconnect_user(
        self, user_id: str, session_id: str | None, code: str, message: str
    ) -> int:
        """Ends the open sockets of an account (of one of its sessions, if given), here and
        on every other process: signing out, a password reset, a deactivation or a deletion
        must not leave a socket that was authorised before it. How many were ended here."""
        args = {"user_id": user_id, "session_id": session_id, "code": code, "message": message}
        try:
            await self.commands.broadcast("disconnect_user", args)
        except Exception:
            log.exception("could not tell the other processes to end %s's sockets", user_id)
        return await self._disconnect_user_here(user_id, session_id, code, message)

    async def _disconnect_user_here(
        self, user_id: str, session_id: str | None, code: str, message: str
    ) -> int:
        sids = [
            sid
            for sid, connection in self.connections.items()
            if connection.user_id == user_id
            and (session_id is None or connection.session_id == session_id)
        ]
        error = {"code": code, "message": message, "event": None}
        for sid in sids:
            with contextlib.suppress(Exception):
                await self.sio.emit(self.protocol.emits.error, error, to=sid)
            with contextlib.suppress(Exception):
                await self.sio.disconnect(sid)
        return len(sids)

    # ---- several processes ----------------------------------------------------------------

    def _has_connections(self, room_id: str) -> bool:
        return any(c.room_id == room_id for c in self.connections.values())

    async def _ask_owner(self, room_id: str, environ: dict[str, Any]) -> None:
        """The proxy sent this room here but another process has it: ask that one to let go
        (it does once it has had the room ``handover_min_seconds``)."""
        if not self.ownership.enforced or not routed_here(environ, room_id):
            return
        now = time.monotonic()
        if now - self._asked.get(room_id, -ASK_OWNER_EVERY_S) < ASK_OWNER_EVERY_S:
            return
        self._asked[room_id] = now
        if len(self._asked) > 10_000:
            self._asked = {k: t for k, t in self._asked.items() if now - t < ASK_OWNER_EVERY_S}
        try:
            owner = await self.ownership.owner_of(room_id)
            if owner is not None and owner != self.ownership.node_id:
                await self.commands.tell(owner, "release", room_id, {})
        except Exception:
            log.exception("could not ask the owner of %s to let go", room_id)

    async def _on_owner(self, room_id: str, op: str, args: dict[str, Any]) -> Any:
        """Runs a command where the live room is: here, on its owner, or nowhere (None)."""
        if self.registry.get(room_id) is not None:
            return await self.commands.run_here(op, room_id, args)
        try:
            return await self.commands.on_owner(room_id, op, args)
        except NoOwnerError:
            return None
        except OwnerUnreachableError as exc:
            log.warning("room command %s not delivered: %s", op, exc)
            return None

    def _register_commands(self) -> None:
        self.commands.register("release", self._cmd_release)
        self.commands.register("close", self._cmd_close)
        self.commands.register("candidates_away", self._cmd_candidates_away)
        self.commands.register("end", self._cmd_end)
        self.commands.register("disconnect_user", self._cmd_disconnect_user)

    async def _cmd_release(self, room_id: str | None, _args: dict[str, Any]) -> dict[str, Any]:
        if room_id is None:
            return {"released": False}
        if self.registry.get(room_id) is None:
            if self.ownership.holds(room_id) and not self._has_connections(room_id):
                await self.registry.release_unused(room_id)
                return {"released": True}
            return {"released": False}
        tenure = self.ownership.held_for(room_id)
        if tenure < self.state.settings.rooms.handover_min_seconds:
            log.info("room %s: asked to let go after %.1f s; keeping it for now", room_id, tenure)
            return {"released": False}
        log.info("room %s: handing it over to the process the proxy now routes it to", room_id)
        await self.terminals.close(room_id)
        await self.registry.hand_over(room_id, "this room moved to another server; reconnecting")
        return {"released": True}

    async def _cmd_close(self, room_id: str | None, args: dict[str, Any]) -> None:
        if room_id is not None:
            await self.terminals.close(room_id)
            await self.registry.close_room(room_id, str(args["code"]), str(args["message"]))

    async def _cmd_candidates_away(self, room_id: str | None, args: dict[str, Any]) -> None:
        room = self.registry.get(room_id) if room_id is not None else None
        if room is not None:
            await room.send_candidates_away(str(args["code"]), str(args["message"]))

    async def _cmd_end(self, room_id: str | None, _args: dict[str, Any]) -> dict[str, Any]:
        room = self.registry.get(room_id) if room_id is not None else None
        if room is None:
            return {"ended": False}
        try:
            await room.end_now()
        except RoomError:  # already ended
            return {"ended": True}
        await self.terminals.close(room.id)
        return {"ended": True}

    async def _cmd_disconnect_user(self, _room_id: str | None, args: dict[str, Any]) -> int:
        session_id = args.get("session_id")
        return await self._disconnect_user_here(
            str(args["user_id"]),
            str(session_id) if session_id is not None else None,
            str(args["code"]),
            str(args["message"]),
        )

    async def _ownership_lost(self) -> None:
        await self.terminals.close_all()
        await self.registry.drop_all("the server lost touch with the database; reconnecting")


def routed_here(environ: dict[str, Any], room_id: str) -> bool:
    """haproxy chose this process for this very room (not a socket that came straight to our
    port, nor one whose query names another interview than its token)."""
    if not environ.get(ROUTED_HEADER):
        return False
    query = parse_qs(str(environ.get("QUERY_STRING", "")))
    return bool(query.get("interview", [""])[0] == room_id)


def create_socket_server(app: Quart) -> socketio.AsyncServer:
    """The room's Socket.IO server for ``app``; its gateway opens and closes with the app."""
    gateway = RoomGateway(get_state(app), get_protocol())
    app.while_serving(gateway.serving)
    get_state(app).extras[GATEWAY_KEY] = gateway
    get_state(app).extras[ROOM_CLOSER_KEY] = gateway.close_rooms
    get_state(app).extras[USER_SOCKETS_KEY] = gateway.disconnect_user
    get_state(app).extras[ROOM_CANDIDATES_KEY] = gateway.send_candidates_away
    get_state(app).extras[ROOM_ENDER_KEY] = gateway.end_room
    return gateway.sio


def gateway_of(app: Quart) -> RoomGateway:
    gateway: RoomGateway = get_state(app).extras[GATEWAY_KEY]
    return gateway


def registry_of(app: Quart) -> RoomRegistry:
    return gateway_of(app).registry


def _cookie(environ: dict[str, Any], name: str) -> str | None:
    raw = environ.get("HTTP_COOKIE")
    if not raw:
        return None
    try:
        morsel = SimpleCookie(raw).get(name)
    except CookieError:
        return None
    return morsel.value if morsel is not None else None
