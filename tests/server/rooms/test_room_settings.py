"""The interviewer's room switches, on ``Room`` directly: the whiteboard lock and relay-only
video (which needs a TURN server to relay through, and never loosens the installation's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from server.rooms.errors import RoomError
from server.rooms.ice import IceConfig
from server.rooms.room import Room, RoomSettings
from server.rooms.wire import SYNC_UPDATE, encode_sync
from tests.server.rooms.test_room import (
    ADA,
    EVENTS,
    GRACE,
    PROTOCOL,
    FakeEmitter,
    MemoryStore,
    seed,
)
from tests.support.fake_engine import FakeEngine


def turn_ice(participant_id: str, *, relay_only: bool = False) -> IceConfig:
    """An installation with a TURN server that does not force relaying."""
    server = {"urls": ["turn:127.0.0.1:3478"], "username": f"1:{participant_id}", "credential": "x"}
    return IceConfig((server,), "relay" if relay_only else "all", 1)


def relay_everywhere(participant_id: str, *, relay_only: bool = False) -> IceConfig:
    return turn_ice(participant_id, relay_only=True)


async def open_room(**settings: Any) -> tuple[Room, FakeEmitter]:
    emitter = FakeEmitter()
    room = Room(
        seed(),
        store=MemoryStore(),
        engine=FakeEngine(),
        emitter=emitter,
        protocol=PROTOCOL,
        settings=RoomSettings(grace_seconds=0.01, log_flush_interval_s=0.001, **settings),
    )
    await room.start()
    return room, emitter


@pytest.fixture
async def turn_room() -> AsyncIterator[tuple[Room, FakeEmitter]]:
    room, emitter = await open_room(ice=turn_ice)
    yield room, emitter
    await room.close()


async def test_relay_only_is_the_interviewers_to_switch_and_reaches_everyone(
    turn_room: tuple[Room, FakeEmitter],
) -> None:
    room, emitter = turn_room
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    assert emitter.to("s-grace", EVENTS.welcome)[0]["ice_transport_policy"] == "all"
    with pytest.raises(RoomError) as info:
        await room.set_relay_only("s-grace", True)
    assert info.value.code == "forbidden"
    await room.set_relay_only("s-ada", True)
    assert emitter.to("s-grace", EVENTS.settings)[-1]["relay_only"] is True
    await room.join(GRACE, "s-grace-2")  # a reload gets the room's choice in its welcome
    welcome = emitter.to("s-grace-2", EVENTS.welcome)[0]
    assert welcome["ice_transport_policy"] == "relay" and welcome["settings"]["relay_only"]
    await room.set_relay_only("s-ada", False)
    assert emitter.to("s-grace-2", EVENTS.settings)[-1]["relay_only"] is False


async def test_relay_only_needs_a_turn_server_and_cannot_loosen_the_installation() -> None:
    room, _ = await open_room()  # no ICE servers at all
    try:
        await room.join(ADA, "s-ada")
        with pytest.raises(RoomError) as info:
            await room.set_relay_only("s-ada", True)
        assert info.value.code == "relay_unavailable" and not room.relay_only
    finally:
        await room.close()
    room, _ = await open_room(ice=relay_everywhere)
    try:
        await room.join(ADA, "s-ada")
        with pytest.raises(RoomError) as info:
            await room.set_relay_only("s-ada", False)
        assert info.value.code == "relay_required"
    finally:
        await room.close()


async def test_a_locked_board_refuses_candidates_but_still_answers_their_sync(
    turn_room: tuple[Room, FakeEmitter],
) -> None:
    from pycrdt import Doc, Map

    room, emitter = turn_room
    await room.join(ADA, "s-ada")
    await room.join(GRACE, "s-grace")
    with pytest.raises(RoomError):
        await room.set_board_locked("s-grace", True)
    await room.set_board_locked("s-ada", True)
    assert emitter.to("s-grace", EVENTS.settings)[-1]["board_locked"] is True
    client: Doc[Any] = Doc()
    elements: Map[str] = Map()
    client["elements"] = elements
    elements["x"] = '{"id":"x","type":"rectangle","version":1}'
    with pytest.raises(RoomError) as info:
        await room.handle_board("s-grace", encode_sync(SYNC_UPDATE, client.get_update()))
    assert info.value.code == "board_locked" and room.board.entries() == {}
    seq = await room.handle_board("s-ada", encode_sync(SYNC_UPDATE, client.get_update()))
    await room.log.wait_flushed(seq)
    assert set(room.board.entries()) == {"x"}
