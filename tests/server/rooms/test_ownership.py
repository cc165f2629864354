"""Room ownership on real PostgreSQL: one holder per room, freed when its session ends, the
owner found from pg_locks, messages over NOTIFY, and everything let go when the link drops.
Two ``PgLink``s in one test stand for two server processes (each its own connection)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from server.rooms.cluster import NoOwnerError, RoomCommands
from server.rooms.ownership import (
    LocalOwnership,
    PgLink,
    asyncpg_dsn,
    channel_of,
    lock_ids,
    lock_key,
    ownership_for,
)
from server.settings import Settings
from tests.conftest import postgres_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_settings(tmp_path: Path) -> Settings:
    return Settings.for_tests(
        tmp_path, database_url=postgres_url(), database_schema=f"o_{uuid.uuid4().hex[:12]}"
    )


@pytest.fixture
async def links(pg_settings: Settings) -> AsyncIterator[tuple[PgLink, PgLink]]:
    first, second = PgLink(pg_settings), PgLink(pg_settings)
    await first.start()
    await second.start()
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


def test_keys_are_stable_64_bit_and_apart_per_installation() -> None:
    key = lock_key("public", "abc")
    assert key == lock_key("public", "abc") and -(2**63) <= key < 2**63
    assert key != lock_key("tenant2", "abc") and key != lock_key("public", "abd")
    classid, objid = lock_ids(-1)
    assert (classid, objid) == (0xFFFFFFFF, 0xFFFFFFFF)
    assert channel_of("public") != channel_of("tenant2")


def test_sqlite_owns_everything_without_a_database(tmp_path: Path) -> None:
    assert isinstance(ownership_for(Settings.for_tests(tmp_path)), LocalOwnership)


async def test_a_room_has_one_owner_until_it_lets_go(links: tuple[PgLink, PgLink]) -> None:
    first, second = links
    assert await first.claim("room-a")
    assert await first.claim("room-a")  # again: still ours, not stacked
    assert not await second.claim("room-a")
    assert await second.owner_of("room-a") == first.node_id
    await first.release("room-a")  # one release frees it, however often it was claimed
    assert await second.owner_of("room-a") is None
    assert await second.claim("room-a")
    assert not await first.claim("room-a")


async def test_a_dead_session_frees_its_rooms(pg_settings: Settings) -> None:
    """What kill -9 does: PostgreSQL ends the session, and its locks with it."""
    doomed, survivor = PgLink(pg_settings), PgLink(pg_settings)
    await doomed.start()
    await survivor.start()
    lost = asyncio.Event()

    async def on_lost() -> None:
        lost.set()

    doomed.on_lost(on_lost)
    try:
        assert await doomed.claim("room-b")
        assert not await survivor.claim("room-b")
        admin = await asyncpg.connect(asyncpg_dsn(pg_settings))
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = $1",
                "onsite-rooms " + doomed.node_id,
            )
        finally:
            await admin.close()
        await asyncio.wait_for(lost.wait(), 5)  # the process learns it lost everything
        assert not doomed.holds("room-b")
        for _ in range(50):
            if await survivor.claim("room-b"):
                break
            await asyncio.sleep(0.05)
        assert survivor.holds("room-b")
    finally:
        await doomed.close()
        await survivor.close()


async def test_commands_reach_the_owner_and_its_answer_comes_back(
    links: tuple[PgLink, PgLink],
) -> None:
    owner_link, other_link = links
    owner, other = RoomCommands(owner_link), RoomCommands(other_link)
    seen: list[tuple[str | None, dict[str, object]]] = []

    async def end(room_id: str | None, args: dict[str, object]) -> dict[str, object]:
        seen.append((room_id, args))
        return {"ended": True, "by": owner.node_id}

    owner.register("end", end)
    try:
        assert await owner_link.claim("room-c")
        answer = await other.on_owner("room-c", "end", {"why": "test"})
        assert answer == {"ended": True, "by": owner_link.node_id}
        assert seen == [("room-c", {"why": "test"})]
        with pytest.raises(NoOwnerError):
            await other.on_owner("room-nobody-has", "end", {})
        with pytest.raises(RuntimeError, match="unknown command"):
            await other.on_owner("room-c", "no-such-op", {})
    finally:
        await owner.close()
        await other.close()


async def test_a_broadcast_reaches_every_other_process(links: tuple[PgLink, PgLink]) -> None:
    first_link, second_link = links
    first, second = RoomCommands(first_link), RoomCommands(second_link)
    heard = asyncio.Event()
    told: list[str | None] = []

    async def on_first(_room: str | None, _args: dict[str, object]) -> None:
        told.append("first")  # never: a broadcast is for the others

    async def on_second(_room: str | None, args: dict[str, object]) -> None:
        told.append(str(args["user_id"]))
        heard.set()

    first.register("disconnect_user", on_first)
    second.register("disconnect_user", on_second)
    try:
        await first.broadcast("disconnect_user", {"user_id": "u1"})
        await asyncio.wait_for(heard.wait(), 5)
        await asyncio.sleep(0.1)
        assert told == ["u1"]
    finally:
        await first.close()
        await second.close()


async def test_a_link_that_stops_answering_is_dropped_with_its_rooms(
    pg_settings: Settings,
) -> None:
    """A link that hangs (here: a statement that never returns, as a frozen network would
    look) is given up by the heartbeat: the rooms are let go before PostgreSQL's keepalive
    would hand them to anyone else."""
    link = PgLink(pg_settings)
    link.HEARTBEAT_S = 0.2
    lost = asyncio.Event()

    async def on_lost() -> None:
        lost.set()

    link.on_lost(on_lost)
    await link.start()
    try:
        assert await link.claim("room-d")
        stuck = asyncio.create_task(link._fetchval("SELECT pg_sleep(30)"))
        await asyncio.wait_for(lost.wait(), 5)
        assert not link.holds("room-d")
        with contextlib.suppress(BaseException):
            await stuck
        # It reconnects by itself and may take rooms again. (room-d itself stays locked by
        # the old session until PostgreSQL notices it is gone: here, when pg_sleep ends.)
        for _ in range(50):
            if await link.claim("room-e"):
                break
            await asyncio.sleep(0.1)
        assert link.holds("room-e")
    finally:
        await link.close()
