"""One tenant's trouble stays its own: every room's log rows share a transaction, so a record
that disappears while its room is live (purged, its owner's account deleted) must not keep
another interviewer's keystrokes from being committed and acknowledged."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from pycrdt import Text
from sqlalchemy import delete, func, select

from server.accounts import service as accounts_service
from server.interviews.models import Interview
from server.kit.db import unit_of_work
from server.kit.state import get_state
from server.rooms.events import registry_of
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


async def test_purging_a_record_closes_its_live_room_first(
    live: LiveServer, connect: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    ada, access = await live.interviewer("Ada")
    interview = await live.interview(ada)
    await connect({"interview_id": interview.id, "access_token": access})
    grace = await connect({"token": await live.candidate_token(interview)})
    await grace.wait_text(STUB)
    await grace.edit(partial(prepend, "# typed just before\n"))
    assert registry_of(live.app).get(interview.id) is not None
    status, _, _ = await live.http("DELETE", f"/api/interviews/{interview.id}", token=access)
    assert status == 204
    status, body, _ = await live.http(
        "DELETE", f"/api/interviews/{interview.id}/purge", token=access
    )
    assert status == 204, body
    error = await grace.wait_for("error", lambda e: e["code"] == "interview_deleted")
    assert error["message"]
    assert registry_of(live.app).get(interview.id) is None
    assert "no longer there" not in caplog.text  # nothing was left to write for it


async def test_deleting_an_account_closes_its_live_rooms(
    live: LiveServer, connect: ClientFactory
) -> None:
    ada, access = await live.interviewer("Ada")
    rooms = [await live.interview(ada, title=f"Room {i}") for i in range(2)]
    for room in rooms:
        await connect({"interview_id": room.id, "access_token": access})
    candidates = [await connect({"token": await live.candidate_token(r)}) for r in rooms]
    for candidate in candidates:
        await candidate.wait_text(STUB)
    async with unit_of_work(get_state(live.app).sessions) as session:
        user = await accounts_service.get_user(session, ada.id)
        assert user is not None
        token = await accounts_service.create_one_time_token(
            session, user, accounts_service.PURPOSE_ACCOUNT_DELETE, timedelta(minutes=5)
        )
    status, body, _ = await live.http(
        "POST", "/api/auth/account/delete/confirm", json={"token": token}
    )
    assert status == 204, body
    for candidate in candidates:
        await candidate.wait_for("error", lambda e: e["code"] == "interview_deleted")
    assert all(registry_of(live.app).get(r.id) is None for r in rooms)
