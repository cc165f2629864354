"""Rooms across server processes: real haproxy, real PostgreSQL, real server processes.

Every room stays on one process (PostgreSQL's ``pg_locks`` names its one holder, and each
room's clients see each other's keystrokes live); a client sent straight to a process that
does not own its room is told to retry and never moves or splits it; REST that acts on a live
room reaches its owner; adding a fourth process moves about a quarter of the rooms, all of them
to the new process; and ``kill -9`` of a process mid-typing loses nothing acknowledged: the
clients converge through the new owners and the update log holds every acknowledged keystroke.

The module's processes start once (``cluster``, tests/server/cluster/conftest.py); the tests run
in file order and the kill comes last.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import socketio
from pycrdt import Doc, Text

from server.accounts.models import User
from server.interviews import service as interviews
from server.interviews.models import Interview
from server.interviews.schemas import InterviewCreate
from server.kit.security import create_access_token
from server.rooms import repository
from server.rooms.tokens import create_candidate_token
from server.rooms.wire import SYNC_UPDATE, encode_sync
from tests.server.rooms.live import YClient
from tests.support.cluster import Cluster

pytestmark = pytest.mark.postgres

STUB_WAIT_S = 15.0


class FollowingClient(YClient):
    """A browser tab as socket.ts behaves: on ``room_moved`` (a refusal, or the owner handing
    the room over) and on a lost connection it connects again by itself, through the same URL,
    and the Yjs sync steps resend whatever the old connection had not delivered."""

    closing: bool = False
    reconnects: int = 0
    _task: asyncio.Task[None] | None = None
    history: list[tuple[str, Any]] | None = None
    """Every event of every connection (``events`` is emptied at each new connection)."""

    def _record(self, event: str, data: Any) -> None:
        if self.history is None:
            self.history = []
        self.history.append((event, data))
        super()._record(event, data)

    async def seen(self, event: str, within: float = 10) -> Any:
        async def scan() -> Any:
            while True:
                for name, data in self.history or []:
                    if name == event:
                        return data
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), within)

    async def _on_disconnect(self, *_reason: Any) -> None:
        self._record("disconnect", None)
        if not self.closing and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._come_back())

    async def _come_back(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        await asyncio.sleep(0.05)
        while not self.closing and loop.time() < deadline:
            await self.fresh_socket()
            try:
                await self.connect_following_moves(within=10)
                self.reconnects += 1
                return
            except (socketio.exceptions.ConnectionError, TimeoutError):
                refusal = (self.events.get("connect_error") or [None])[-1]
                if isinstance(refusal, dict) and isinstance(refusal.get("data"), dict):
                    return  # refused for good (the interview ended, the link was rotated)
                await asyncio.sleep(0.2)

    async def typed(self, marker: str) -> bool:
        """Types ``marker`` at the end; True once the server acknowledged it (durable). Offline,
        or on a connection that dies before the ack, it stays in the replica: the next
        connection's sync step 2 carries it (and it does not count as acknowledged)."""
        self.text.insert(len(self.text), marker)
        if not self.sio.connected:
            return False
        updates, self._outgoing = self._outgoing, []
        try:
            for update in updates:
                message = encode_sync(SYNC_UPDATE, update)
                if await self.sio.call("sync:message", message, timeout=3) != {"ok": True}:
                    return False
        except (socketio.exceptions.SocketIOError, TimeoutError):
            return False
        return True

    async def reconnect_through_proxy(self) -> None:
        """Hangs up and connects again (a reload of the tab), following ``room_moved``."""
        self.closing = True
        await self.sio.disconnect()
        self.closing = False
        await self.fresh_socket()
        await self.connect_following_moves(within=STUB_WAIT_S)

    async def wait_text_contains(self, needle: str, within: float = 10) -> None:
        async def scan() -> None:
            while needle not in str(self.text):
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(scan(), within)
        except TimeoutError:
            raise AssertionError(f"{needle!r} never arrived: {str(self.text)!r}") from None

    async def close(self) -> None:
        self.closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        await super().close()


@dataclass
class RoomUnderTest:
    interview: Interview
    clients: list[FollowingClient] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.interview.id


async def make_rooms(cluster: Cluster, count: int) -> tuple[User, list[Interview]]:
    async with cluster.sessions().begin() as session:
        owner = User(email=f"ada-{uuid.uuid4().hex}@example.com", name="Ada Interviewer")
        session.add(owner)
        await session.flush()
        made = [
            await interviews.create_interview(
                session, owner.id, InterviewCreate(title=f"Room {i}", candidate_name="Grace")
            )
            for i in range(count)
        ]
    return owner, made


def room_url(base: str, interview_id: str) -> str:
    return f"{base}/?interview={interview_id}"


async def open_rooms(
    cluster: Cluster, count: int, *, candidates: int, base: str | None = None
) -> list[RoomUnderTest]:
    """``count`` rooms through the proxy (or ``base``), each with its interviewer and
    ``candidates`` candidates connected and synced."""
    owner, made = await make_rooms(cluster, count)
    access = create_access_token(owner.id, cluster.settings)
    rooms = [RoomUnderTest(interview) for interview in made]
    url_base = base or cluster.url

    async def fill(room: RoomUnderTest) -> None:
        url = room_url(url_base, room.id)
        ada = FollowingClient(url, {"interview_id": room.id, "access_token": access})
        room.clients.append(ada)
        await ada.connect_following_moves(within=STUB_WAIT_S)
        for n in range(candidates):
            name = f"Candidate {n}"
            token = create_candidate_token(
                room.id,
                f"c{uuid.uuid4().hex[:30]}",
                name,
                room.interview.join_code,
                cluster.settings,
            )
            guest = FollowingClient(url, {"token": token})
            room.clients.append(guest)
            await guest.connect_following_moves(within=STUB_WAIT_S)

    await asyncio.gather(*(fill(room) for room in rooms))
    return rooms


async def close_rooms(rooms: Sequence[RoomUnderTest]) -> None:
    await asyncio.gather(*(c.close() for room in rooms for c in room.clients))


async def converged(room: RoomUnderTest, within: float = 15) -> str:
    """Waits until every client of the room holds the same text; returns it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        texts = {str(c.text) for c in room.clients}
        if len(texts) == 1:
            return texts.pop()
        if loop.time() > deadline:
            raise AssertionError(f"room {room.id} did not converge: {texts}")
        await asyncio.sleep(0.05)


async def each_sees_the_others(rooms: Sequence[RoomUnderTest], tag: str) -> None:
    """Every client types a marker; every other client of its room sees it live. Clients of one
    room on two processes would not: nothing relays between processes."""

    async def check(room: RoomUnderTest) -> None:
        for i, client in enumerate(room.clients):
            assert await client.typed(f"<{tag}{i}>"), f"{room.id}: keystroke not acknowledged"
        for client in room.clients:
            for i in range(len(room.clients)):
                await client.wait_text_contains(f"<{tag}{i}>")

    await asyncio.gather(*(check(room) for room in rooms))


async def single_owners(cluster: Cluster, rooms: Sequence[RoomUnderTest]) -> dict[str, str]:
    """Room id → the one process holding it (fails on a room held by none or several)."""
    owners = await cluster.owners([room.id for room in rooms])
    for room_id, holders in owners.items():
        assert len(holders) == 1, f"room {room_id} is held by {holders}"
    return {room_id: holders[0] for room_id, holders in owners.items()}


# ---- the tests, in order -----------------------------------------------------------------------


async def test_fifty_rooms_of_three_each_stay_on_one_process(cluster: Cluster) -> None:
    rooms = await open_rooms(cluster, 50, candidates=2)
    try:
        owners = await single_owners(cluster, rooms)
        spread = {name: list(owners.values()).count(name) for name in ("node1", "node2", "node3")}
        assert all(count >= 3 for count in spread.values()), spread  # the hash spreads them
        await each_sees_the_others(rooms, "a")
        for room in rooms:
            await converged(room)
        assert all(c.reconnects == 0 for room in rooms for c in room.clients)
    finally:
        await close_rooms(rooms)


async def test_a_misrouted_client_is_told_to_retry_and_never_splits_the_room(
    cluster: Cluster,
) -> None:
    [room] = await open_rooms(cluster, 1, candidates=1)
    try:
        owner = (await single_owners(cluster, [room]))[room.id]
        stray = next(n for n in cluster.live_nodes() if n.name != owner)
        token = create_candidate_token(
            room.id,
            f"c{uuid.uuid4().hex[:30]}",
            "Stray",
            room.interview.join_code,
            cluster.settings,
        )
        for _ in range(5):
            misrouted = YClient(room_url(stray.url, room.id), {"token": token})
            refusal = await misrouted.connect_refused()
            await misrouted.close()
            assert refusal["code"] == "room_moved"
            assert refusal["retry_after_ms"] == 100
            await asyncio.sleep(0.3)  # past handover_min_seconds by the end: still not moved
        assert (await single_owners(cluster, [room]))[room.id] == owner
        await each_sees_the_others([room], "m")
        assert all(c.reconnects == 0 for c in room.clients)
    finally:
        await close_rooms([room])


async def test_rest_that_acts_on_a_live_room_reaches_its_owner(cluster: Cluster) -> None:
    rooms = await open_rooms(cluster, 6, candidates=1)
    try:
        owners = await single_owners(cluster, rooms)
        async with cluster.sessions().begin() as session:
            owner_id = (await interviews.get_interview_for_room(session, rooms[0].id)).owner_id  # type: ignore[union-attr]
        access = create_access_token(owner_id, cluster.settings)
        headers = {"Authorization": f"Bearer {access}"}
        async with aiohttp.ClientSession() as http:
            for room in rooms:
                # Straight to a process that does not own the room: it must forward.
                other = next(n for n in cluster.live_nodes() if n.name != owners[room.id])
                async with http.post(
                    f"{other.url}/api/interviews/{room.id}/end", headers=headers
                ) as response:
                    assert response.status == 200, await response.text()
                    assert await response.json() == {"status": "completed", "live": True}
            for room in rooms:
                for client in room.clients:
                    await client.seen("room:ended")
            async with http.post(
                f"{cluster.url}/api/interviews/{rooms[0].id}/end", headers=headers
            ) as again:
                assert again.status == 409
        async with cluster.sessions().begin() as session:
            for room in rooms:
                record = await interviews.get_interview_for_room(session, room.id)
                assert record is not None and record.status == "completed"
    finally:
        await close_rooms(rooms)


async def test_rotating_the_join_link_sends_candidates_away_on_the_owner(
    cluster: Cluster,
) -> None:
    [room] = await open_rooms(cluster, 1, candidates=1)
    try:
        owner = (await single_owners(cluster, [room]))[room.id]
        other = next(n for n in cluster.live_nodes() if n.name != owner)
        async with cluster.sessions().begin() as session:
            owner_id = (await interviews.get_interview_for_room(session, room.id)).owner_id  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {create_access_token(owner_id, cluster.settings)}"}
        candidate = room.clients[1]
        candidate.closing = True  # its token is dead now: no coming back
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{other.url}/api/interviews/{room.id}/join-link/rotate", headers=headers
            ) as response,
        ):
            assert response.status == 200, await response.text()
        sent_away = await candidate.seen("error")
        assert sent_away["code"] == "link_rotated"
    finally:
        await close_rooms([room])


async def test_a_fourth_process_takes_about_a_quarter_of_the_rooms_and_no_more(
    cluster: Cluster,
) -> None:
    rooms = await open_rooms(cluster, 40, candidates=1)
    try:
        before = await single_owners(cluster, rooms)
        await asyncio.sleep(1.1)  # past handover_min_seconds: the owners will let go when asked
        [node4] = cluster.start_nodes(["node4"])
        assert cluster.proxy is not None
        cluster.proxy.reload([n.node for n in cluster.live_nodes()])
        # Each room gets a new connection (a reload, a new tab): the proxy now sends the rooms
        # that hash to node4 there, node4 asks their owner to let go, the owner hands over.
        await asyncio.gather(*(room.clients[0].reconnect_through_proxy() for room in rooms))
        for room in rooms:
            await converged(room)
        await each_sees_the_others(rooms, "b")
        after = await single_owners(cluster, rooms)
        moved = [room_id for room_id in after if after[room_id] != before[room_id]]
        assert all(after[room_id] == node4.name for room_id in moved), (before, after)
        assert 3 <= len(moved) <= 20, f"{len(moved)} of {len(rooms)} rooms moved"
    finally:
        await close_rooms(rooms)


async def test_kill_9_mid_typing_loses_nothing_acknowledged(cluster: Cluster) -> None:
    rooms = await open_rooms(cluster, 12, candidates=1)
    acked: dict[str, list[str]] = {room.id: [] for room in rooms}
    stop = asyncio.Event()
    try:
        owners = await single_owners(cluster, rooms)
        victim = max(set(owners.values()), key=list(owners.values()).count)

        async def type_into(room: RoomUnderTest, who: int) -> None:
            client = room.clients[who]
            n = 0
            while not stop.is_set():
                marker = f"[{who}.{n}]"
                n += 1
                if await client.typed(marker):
                    acked[room.id].append(marker)
                await asyncio.sleep(0.02)

        typists = [asyncio.create_task(type_into(room, who)) for room in rooms for who in (0, 1)]
        await asyncio.sleep(1.0)
        cluster.kill(victim)
        await asyncio.sleep(3.0)  # typing goes on: reconnects, new owners, offline edits
        stop.set()
        await asyncio.gather(*typists)
        hit = [room for room in rooms if owners[room.id] == victim]
        assert hit, "no room was on the killed process"
        for room in rooms:
            await converged(room, within=20)
        after = await single_owners(cluster, rooms)
        assert all(after[room.id] != victim for room in rooms)
        assert all(c.reconnects >= 1 for room in hit for c in room.clients)
        for room in rooms:
            text = await converged(room)
            logged = await log_text(cluster, room.id)
            assert acked[room.id], f"{room.id}: nothing was acknowledged"
            for marker in acked[room.id]:
                assert marker in logged, f"{room.id}: acknowledged {marker} is not in the log"
                assert marker in text
    finally:
        stop.set()
        await close_rooms(rooms)


async def log_text(cluster: Cluster, interview_id: str) -> str:
    """The code document rebuilt from the update log alone, as a new owner rebuilds it."""
    async with cluster.sessions().begin() as session:
        updates = await repository.update_bytes(session, interview_id, "code")
    doc: Doc[Any] = Doc()
    for update in updates:
        doc.apply_update(update)
    return str(doc.get("code", type=Text))
