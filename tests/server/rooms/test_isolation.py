"""One tenant's trouble stays its own: every room's log rows share a transaction, so a record
that disappears while its room is live (purged, its owner's account deleted) must not keep
another interviewer's keystrokes from being committed and acknowledged."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from pycrdt import Text
from sqlalchemy import delete, func, select

from server.interviews.models import Interview
from server.kit.db import unit_of_work
from server.kit.state import get_state
from server.rooms.models import RoomUpdate
from tests.server.rooms.conftest import STUB, ClientFactory
from tests.server.rooms.live import LiveServer


def prepend(line: str, text: Text) -> None:
    text.insert(0, line)


async def logged_updates(live: LiveServer, interview_id: str) -> int:
    async with unit_of_work(get_state(live.app).sessions) as session:
        count = await session.scalar(
            select(func.count())
            .select_from(RoomUpdate)
            .where(RoomUpdate.interview_id == interview_id)
        )
    return int(count or 0)


async def test_a_record_gone_under_a_live_room_does_not_stop_other_rooms(
    live: LiveServer, connect: ClientFactory
) -> None:
    ada, ada_access = await live.interviewer("Ada")
    bob, bob_access = await live.interviewer("Bob")
    doomed = await live.interview(ada, title="Doomed")
    healthy = await live.interview(bob, title="Healthy")
    in_doomed = await connect({"interview_id": doomed.id, "access_token": ada_access})
    in_healthy = await connect({"interview_id": healthy.id, "access_token": bob_access})
    await in_doomed.wait_text(STUB)
    await in_healthy.wait_text(STUB)
    before = await logged_updates(live, healthy.id)

    # The doomed record vanishes while its room is open (as a purge or an account deletion
    # that does not close the room first would leave it).
    async with unit_of_work(get_state(live.app).sessions) as session:
        await session.execute(delete(Interview).where(Interview.id == doomed.id))

    # Both rooms type at once, so their rows land in the same coalesced transaction.
    for round_ in range(3):
        outcomes: tuple[Any, ...] = await asyncio.gather(
            in_doomed.edit(partial(prepend, f"# doomed {round_}\n")),
            asyncio.wait_for(in_healthy.edit(partial(prepend, f"# healthy {round_}\n")), 10),
            return_exceptions=True,
        )
        healthy_ack = outcomes[1]
        assert not isinstance(healthy_ack, BaseException), healthy_ack
        assert healthy_ack["ok"] is True, healthy_ack
    assert await logged_updates(live, healthy.id) >= before + 3  # every ack was durable
    assert await logged_updates(live, doomed.id) == 0
