"""Which server process owns a live room, enforced by the database rather than assumed.

haproxy sends every socket of an interview to one process (consistent hashing on the
``interview`` query parameter), but a proxy can be reloaded, two proxies can disagree for a
moment and a process can die: routing alone cannot promise that a room lives in one process.
So a process opens a room only while it holds the room's PostgreSQL advisory lock.

All of a process's locks live on ONE dedicated connection (``PgLink``), not one per room: a
few hundred rooms per process would otherwise need a few hundred PostgreSQL connections. A
session-level advisory lock is freed by PostgreSQL the moment its session ends, so a process
killed with ``kill -9`` (its socket closed by the kernel) frees every room it had at once, and
another process can take them over. If the link itself drops while the process lives, the
process has lost its locks: ``on_lost`` makes it let go of every room straight away.

The same connection carries the cross-process messages (``LISTEN``/``NOTIFY`` on one channel
per installation, see ``server/rooms/cluster.py``), so a process that cannot hear the others
cannot hold rooms either.

SQLite means one process: ``LocalOwnership`` owns everything and costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import make_url

from server.settings import Settings

log = logging.getLogger(__name__)

APPLICATION_PREFIX = "onsite-rooms "
"""``application_name`` of a process's ownership connection: the prefix, then its node id, so
``pg_stat_activity`` (and ``owner_of``) tell which process holds a room."""

LINK_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)
HEARTBEAT_ERRORS: tuple[type[BaseException], ...] = (TimeoutError, *LINK_ERRORS)
Listener = Callable[[str], None]
LostCallback = Callable[[], Coroutine[Any, Any, None]]


def new_node_id() -> str:
    """This process, in messages and in ``pg_stat_activity``: host, pid and a random tail (a
    restarted process with a reused pid is a new node)."""
    return f"{socket.gethostname()[:24]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def namespace_of(settings: Settings) -> str:
    """Installations sharing a database (one schema each) must not share locks or messages."""
    return settings.database_schema or "public"


def lock_key(namespace: str, room_id: str) -> int:
    """The room's advisory lock key: 64 bits of a hash of the namespace and the interview id
    (signed, as ``pg_try_advisory_lock(bigint)`` takes it)."""
    digest = hashlib.sha256(f"{namespace}:room:{room_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_ids(key: int) -> tuple[int, int]:
    """How ``pg_locks`` shows a bigint advisory key: (classid, objid) = (high, low) 32 bits."""
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    return unsigned >> 32, unsigned & 0xFFFFFFFF


def channel_of(namespace: str) -> str:
    """The installation's NOTIFY channel (an identifier: short, lower case, no quoting)."""
    return "onsite_rooms_" + hashlib.sha256(namespace.encode()).hexdigest()[:16]


def asyncpg_dsn(settings: Settings) -> str:
    """The database URL as asyncpg takes it (``postgresql://``, no SQLAlchemy driver name)."""
    url = make_url(settings.sqlalchemy_url()).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


OWNER_QUERY = """
SELECT a.application_name
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2
  AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


class Ownership(Protocol):
    """What the registry and the gateway need to know about owning rooms."""

    node_id: str

    @property
    def enforced(self) -> bool:
        """False for the single process: everything is owned, nobody is asked anything."""
        ...

    async def claim(self, room_id: str) -> bool:
        """Takes the room if nobody holds it; True if this process holds it now."""
        ...

    async def release(self, room_id: str) -> None: ...

    def holds(self, room_id: str) -> bool: ...

    def held_for(self, room_id: str) -> float:
        """Seconds since this process took the room (0 if it does not hold it)."""
        ...

    async def owner_of(self, room_id: str) -> str | None:
        """The node id of the process holding the room, or None when no process does."""
        ...

    async def publish(self, message: str) -> None: ...

    def subscribe(self, listener: Listener) -> None: ...

    def on_lost(self, callback: LostCallback) -> None:
        """Called when every lock was lost at once (the connection dropped)."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class LocalOwnership:
    """One process (SQLite, or a single PostgreSQL process by choice): owns every room."""

    def __init__(self, node_id: str | None = None) -> None:
        self.node_id = node_id or new_node_id()
        self._since: dict[str, float] = {}
        self._listeners: list[Listener] = []

    @property
    def enforced(self) -> bool:
        return False

    async def claim(self, room_id: str) -> bool:
        self._since.setdefault(room_id, time.monotonic())
        return True

    async def release(self, room_id: str) -> None:
        self._since.pop(room_id, None)

    def holds(self, room_id: str) -> bool:
        return True

    def held_for(self, room_id: str) -> float:
        since = self._since.get(room_id)
        return 0.0 if since is None else time.monotonic() - since

    async def owner_of(self, room_id: str) -> str | None:
        return self.node_id if room_id in self._since else None

    async def publish(self, message: str) -> None:
        """Nobody else to tell; delivered to our own listeners, as NOTIFY would be."""
        for listener in self._listeners:
            listener(message)

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def on_lost(self, callback: LostCallback) -> None:
        pass

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        self._since.clear()


@dataclass
class _Held:
    key: int
    since: float


class PgLink:
    """The process's dedicated PostgreSQL connection: advisory locks, LISTEN and NOTIFY.

    asyncpg runs one statement at a time per connection, so every use goes through one lock;
    each statement is a single round trip (about 0.1 ms on loopback), and rooms open rarely.
    """

    RECONNECT_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 5.0)
    HEARTBEAT_S = 5.0
    """This process checks its link this often (and gives each check as long): a link that
    does not answer is dropped, and every room with it."""
    SERVER_KEEPALIVE: ClassVar[dict[str, str]] = {
        "tcp_keepalives_idle": "10",
        "tcp_keepalives_interval": "5",
        "tcp_keepalives_count": "3",
    }
    """PostgreSQL's side: a peer gone silent (a frozen VM, a cut cable: no FIN ever comes) ends
    the session after about 25 s, freeing its rooms for other processes. That is later than
    the heartbeat lets this process notice (at most 10 s), so the process has let go of a
    room before anyone else can take it."""

    def __init__(self, settings: Settings, node_id: str | None = None) -> None:
        self.node_id = node_id or new_node_id()
        self._dsn = asyncpg_dsn(settings)
        self._namespace = namespace_of(settings)
        self._channel = channel_of(self._namespace)
        self._conn: asyncpg.Connection[Any] | None = None
        self._use = asyncio.Lock()
        self._held: dict[str, _Held] = {}
        self._listeners: list[Listener] = []
        self._lost: list[LostCallback] = []
        self._closing = False
        self._reconnecting: asyncio.Task[None] | None = None
        self._lost_tasks: set[asyncio.Task[None]] = set()
        self._heartbeat: asyncio.Task[None] | None = None

    @property
    def enforced(self) -> bool:
        return True

    @property
    def channel(self) -> str:
        return self._channel

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        await self._connect()
        self._heartbeat = asyncio.get_running_loop().create_task(self._beat())

    async def _beat(self) -> None:
        while not self._closing:
            await asyncio.sleep(self.HEARTBEAT_S)
            checked = self._conn
            if checked is None:
                continue  # reconnecting
            try:
                async with asyncio.timeout(self.HEARTBEAT_S):
                    await self._fetchval("SELECT 1")
            except HEARTBEAT_ERRORS:
                if checked is self._conn:
                    log.error("room ownership: PostgreSQL does not answer; dropping the link")
                    self._drop(checked)

    def _drop(self, conn: Any) -> None:
        conn.terminate()
        self._on_terminated(conn)

    async def _connect(self) -> None:
        conn: asyncpg.Connection[Any] = await asyncpg.connect(
            self._dsn,
            server_settings={
                "application_name": (APPLICATION_PREFIX + self.node_id)[:63],
                **self.SERVER_KEEPALIVE,
            },
        )
        await conn.add_listener(self._channel, self._on_notify)
        conn.add_termination_listener(self._on_terminated)
        self._conn = conn
        log.info("room ownership: node %s on channel %s", self.node_id, self._channel)

    async def close(self) -> None:
        self._closing = True
        for task in (self._reconnecting, self._heartbeat):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        conn, self._conn = self._conn, None
        self._held.clear()
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)  # ends the session: every lock goes with it

    def _on_terminated(self, conn: object) -> None:
        if self._closing or (self._conn is not None and self._conn is not conn):
            return  # shutting down, or an old link's late notice
        if self._conn is None and not self._held:
            return  # already handled (the heartbeat dropped it, then asyncpg said so too)
        log.error("room ownership: the PostgreSQL link dropped; every room is let go")
        self._conn = None
        self._held.clear()
        for callback in self._lost:
            task = asyncio.get_running_loop().create_task(callback())
            self._lost_tasks.add(task)
            task.add_done_callback(self._lost_tasks.discard)
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        attempt = 0
        while not self._closing:
            delay = self.RECONNECT_DELAYS_S[min(attempt, len(self.RECONNECT_DELAYS_S) - 1)]
            await asyncio.sleep(delay)
            try:
                await self._connect()
                return
            except (OSError, asyncpg.PostgresError) as exc:
                attempt += 1
                log.warning("room ownership: reconnecting failed (%s); retrying", exc)

    def on_lost(self, callback: LostCallback) -> None:
        self._lost.append(callback)

    # ---- locks -----------------------------------------------------------------------------

    async def _fetchval(self, query: str, *args: Any) -> Any:
        async with self._use:
            conn = self._conn
            if conn is None:
                raise ConnectionError("the room ownership link to PostgreSQL is down")
            return await conn.fetchval(query, *args)

    async def claim(self, room_id: str) -> bool:
        if room_id in self._held:
            return True  # session locks stack: never take ours twice (one unlock must free it)
        key = lock_key(self._namespace, room_id)
        try:
            taken = bool(await self._fetchval("SELECT pg_try_advisory_lock($1)", key))
        except LINK_ERRORS:
            log.warning("room ownership: could not claim %s (link down)", room_id)
            return False
        if taken:
            self._held[room_id] = _Held(key, time.monotonic())
        return taken

    async def release(self, room_id: str) -> None:
        held = self._held.pop(room_id, None)
        if held is None:
            return
        # If the link is down the session is gone, and the lock with it.
        with contextlib.suppress(*LINK_ERRORS):
            await self._fetchval("SELECT pg_advisory_unlock($1)", held.key)

    def holds(self, room_id: str) -> bool:
        return room_id in self._held

    def held_for(self, room_id: str) -> float:
        held = self._held.get(room_id)
        return 0.0 if held is None else time.monotonic() - held.since

    def held_rooms(self) -> list[str]:
        return list(self._held)

    async def owner_of(self, room_id: str) -> str | None:
        if room_id in self._held:
            return self.node_id
        classid, objid = lock_ids(lock_key(self._namespace, room_id))
        name = await self._fetchval(OWNER_QUERY, classid, objid)
        if not isinstance(name, str) or not name.startswith(APPLICATION_PREFIX):
            return None
        return name.removeprefix(APPLICATION_PREFIX)

    # ---- messages --------------------------------------------------------------------------

    async def publish(self, message: str) -> None:
        await self._fetchval("SELECT pg_notify($1, $2)", self._channel, message)

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        for listener in self._listeners:
            try:
                listener(payload)
            except Exception:
                log.exception("room ownership: a message listener failed")


def ownership_for(settings: Settings) -> Ownership:
    """Advisory locks on PostgreSQL; the single process owns everything on SQLite."""
    if make_url(settings.sqlalchemy_url()).get_backend_name() == "postgresql":
        return PgLink(settings)
    return LocalOwnership()
