"""Socket.IO handlers: authenticate at connect, validate every event, call the room, emit.

Handlers stay thin. Every client event goes through one wrapper that rate-limits the socket,
validates the payload against ``config/protocol.json``, refuses interviewer-only events from
candidates, and turns any refusal into an ``error`` event ``{code, message, event}`` plus a log
line, so a bad event never takes the connection or the room down. An event with an ack also gets
``{"ok": false, "error": {...}}`` back, or ``{"ok": true, ...}`` once it is done (for document
updates: once the update is in the durable log).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from http.cookies import CookieError, SimpleCookie
from typing import Any

import socketio
from quart import Quart

from server.kit.db import unit_of_work
from server.kit.ratelimit import TokenBucket
from server.kit.state import get_state
from server.rooms.errors import PayloadError, RoomAuthError, RoomError
from server.rooms.fanout import SocketEmitter
from server.rooms.ice import ice_config
from server.rooms.packets import MALFORMED_EVENT, RoomPacket
from server.rooms.protocol import Protocol, get_protocol
from server.rooms.registry import RoomRegistry
from server.rooms.room import Identity, Room, RoomSettings
from server.rooms.service import (
    SqlRoomStore,
    authorise_socket,
    load_seed,
    open_room_record,
)

log = logging.getLogger(__name__)

ACCESS_COOKIE = "onsite_access"
JOIN_TIMEOUT_S = 10.0
ENGINEIO_MAX_BYTES = 4 * 1024 * 1024
"""Bigger than any event we accept, so an oversized event gets a clean error, not a dropped link."""

REGISTRY_KEY = "room_registry"
PACKET_CLASSES = {"msgpack": RoomPacket}
"""protocol.json's ``serializer`` → the python-socketio packet class that speaks it."""


@dataclass(slots=True)
class Connection:
    room_id: str
    identity: Identity
    bucket: TokenBucket
    joined: asyncio.Event = field(default_factory=asyncio.Event)


Handler = Callable[[Room, str, Connection, Any], Awaitable[dict[str, Any] | None]]


def create_socket_server(app: Quart) -> socketio.AsyncServer:
    """The room's Socket.IO server, sharing ``app``'s lifecycle, database and engine."""
    protocol = get_protocol()
    state = get_state(app)
    sio = socketio.AsyncServer(
        async_mode="asgi",
        serializer=PACKET_CLASSES[protocol.serializer],
        max_http_buffer_size=ENGINEIO_MAX_BYTES,
        logger=False,
        engineio_logger=False,
    )
    emitter = SocketEmitter(sio)
    connections: dict[str, Connection] = {}

    store = SqlRoomStore(lambda: unit_of_work(state.sessions))

    async def build_room(room_id: str) -> Room:
        async with unit_of_work(state.sessions) as session:
            seed = await load_seed(session, room_id, state.run_engine.languages())
            if seed is not None:
                await open_room_record(session, room_id)  # the first join: in_progress
        if seed is None:
            raise RoomAuthError("room_not_found", "no such interview")
        return Room(
            seed,
            store=store,
            engine=state.run_engine,
            emitter=emitter,
            limits=protocol.limits,
            settings=RoomSettings(
                grace_seconds=state.settings.rooms.reconnect_grace_seconds,
                ice=partial(ice_config, state.settings),
            ),
        )

    registry = RoomRegistry(build_room, evict_after_s=state.settings.rooms.reconnect_grace_seconds)
    state.extras[REGISTRY_KEY] = registry

    async def close_rooms() -> None:
        await registry.close()

    # Close rooms (flush their logs, save their code) before the app disposes the database.
    app.after_serving_funcs.insert(0, close_rooms)

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        if not isinstance(auth, dict):
            auth = {}
        try:
            async with unit_of_work(state.sessions) as session:
                room_id, identity = await authorise_socket(
                    session, auth, _cookie(environ, ACCESS_COOKIE), state.settings
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
        limits = protocol.limits
        connection = Connection(
            room_id, identity, TokenBucket(limits.events_per_second, limits.events_burst)
        )
        connections[sid] = connection
        task = asyncio.create_task(join_when_connected(sid, connection), name=f"join-{sid}")
        pending_joins.add(task)
        task.add_done_callback(pending_joins.discard)
        return True

    pending_joins: set[asyncio.Task[None]] = set()

    async def join_when_connected(sid: str, connection: Connection) -> None:
        """Joins once the CONNECT packet is out, so the welcome can't overtake it."""
        for _ in range(2000):
            if sio.manager.is_connected(sid, "/") or sid not in connections:
                break
            await asyncio.sleep(0.001)
        if sid not in connections:
            return
        try:
            room = await registry.acquire(connection.room_id)
            await room.join(connection.identity, sid)
        except (RoomError, RoomAuthError) as exc:
            await sio.emit(
                "error", {"code": exc.code, "message": exc.message, "event": None}, to=sid
            )
            await sio.disconnect(sid)
            return
        except Exception:
            log.exception("joining room %s failed", connection.room_id)
            await sio.emit(
                "error",
                {"code": "internal_error", "message": "joining the room failed", "event": None},
                to=sid,
            )
            await sio.disconnect(sid)
            return
        if sid not in connections:  # the socket left while it was joining
            await room.disconnect(sid)
            registry.release_if_empty(connection.room_id)
            return
        connection.joined.set()

    async def disconnect(sid: str, *_reason: Any) -> None:
        connection = connections.pop(sid, None)
        if connection is None:
            return
        room = registry.get(connection.room_id)
        if room is None:
            return
        try:
            await room.disconnect(sid)
        except Exception:
            log.exception("leaving room %s failed", connection.room_id)
        registry.release_if_empty(connection.room_id)

    def register(name: str, handler: Handler) -> None:
        spec = protocol.client_event(name)

        async def on_event(sid: str, *args: Any) -> dict[str, Any]:
            try:
                connection = connections.get(sid)
                if connection is None:
                    raise RoomError("not_in_room", "this connection is not in a room")
                if not connection.bucket.take():
                    raise RoomError("rate_limited", "too many events; slow down")
                if len(args) > 1:
                    raise PayloadError("invalid_payload", f"{name} takes one payload argument")
                payload = protocol.validate(name, args[0] if args else None)
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
                room = registry.get(connection.room_id)
                if room is None:
                    raise RoomError("not_in_room", "the room is closed")
                result = await handler(room, sid, connection, payload)
                return {"ok": True, **(result or {})}
            except (PayloadError, RoomError) as exc:
                return await refuse(sid, name, exc.code, exc.message)
            except Exception:
                log.exception("room event %s from %s failed", name, sid)
                return await refuse(sid, name, "internal_error", "the server could not do that")

        sio.on(name, on_event)

    async def refuse(sid: str, event: str | None, code: str, message: str) -> dict[str, Any]:
        log.warning("refused %s from %s: %s (%s)", event, sid, code, message)
        error = {"code": code, "message": message, "event": event}
        await sio.emit("error", error, to=sid)
        return {"ok": False, "error": error}

    async def unknown(event: str, sid: str, *_args: Any) -> dict[str, Any]:
        return await refuse(
            sid, str(event), "unknown_event", f"{event!r} is not an event of this room"
        )

    async def malformed(sid: str, reason: Any = None) -> None:
        message = f"not a Socket.IO packet of this room: {reason}"
        await refuse(sid, None, "malformed_packet", message)

    sio.on("connect", connect)
    sio.on(MALFORMED_EVENT, malformed)
    sio.on("disconnect", disconnect)
    sio.on("*", unknown)
    _register_handlers(register, protocol)
    return sio


def _register_handlers(register: Callable[[str, Handler], None], protocol: Protocol) -> None:
    async def on_sync(room: Room, sid: str, _c: Connection, data: bytes) -> dict[str, Any]:
        seq = await room.handle_code(sid, data)
        await room.log.wait_flushed(seq)
        return {}

    async def on_notes(room: Room, sid: str, _c: Connection, data: bytes) -> dict[str, Any]:
        seq = await room.handle_notes(sid, data)
        await room.log.wait_flushed(seq)
        return {}

    async def on_chat(room: Room, sid: str, _c: Connection, data: dict[str, Any]) -> None:
        await room.send_chat(sid, data["text"])

    async def on_run(room: Room, sid: str, _c: Connection, data: dict[str, Any]) -> dict[str, Any]:
        run_id = await room.start_run(sid, data.get("stdin", ""))
        return {"run_id": run_id}

    async def on_permission(room: Room, sid: str, _c: Connection, data: dict[str, Any]) -> None:
        await room.set_candidate_can_run(sid, data["candidate_can_run"])

    async def on_signal(room: Room, sid: str, _c: Connection, data: dict[str, Any]) -> None:
        await room.relay_signal(sid, data["to"], data["kind"], data.get("data"))

    async def on_end(room: Room, sid: str, _c: Connection, _data: dict[str, Any]) -> None:
        await room.end(sid)

    register("sync:message", on_sync)
    register("notes:message", on_notes)
    register("chat:send", on_chat)
    register("run:start", on_run)
    register("run:permission", on_permission)
    register("signal:send", on_signal)
    register("room:end", on_end)
    missing = {n for n, s in protocol.events.items() if s.from_client} - {
        "sync:message",
        "notes:message",
        "chat:send",
        "run:start",
        "run:permission",
        "signal:send",
        "room:end",
    }
    if missing:
        raise RuntimeError(f"protocol.json has client events without a handler: {sorted(missing)}")


def _cookie(environ: dict[str, Any], name: str) -> str | None:
    raw = environ.get("HTTP_COOKIE")
    if not raw:
        return None
    try:
        morsel = SimpleCookie(raw).get(name)
    except CookieError:
        return None
    return morsel.value if morsel is not None else None


def registry_of(app: Quart) -> RoomRegistry:
    registry: RoomRegistry = get_state(app).extras[REGISTRY_KEY]
    return registry
