"""The waiting room through the real server: a candidate who comes early waits in the lobby, the
interview starts when the interviewer arrives, and an interviewer who prefers to admit candidates
lets them in (issue 11, "No waiting room")."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.server.rooms.conftest import STUB, ClientFactory
from tests.server.rooms.live import LiveServer, YClient
from tests.server.rooms.test_events_live import record_of


@pytest.fixture
async def lobby_clients() -> AsyncIterator[list[YClient]]:
    clients: list[YClient] = []
    yield clients
    for client in clients:
        await client.close()


async def test_an_early_candidate_waits_and_the_interview_starts_with_the_interviewer(
    live: LiveServer, connect: ClientFactory, lobby_clients: list[YClient]
) -> None:
    owner, access = await live.interviewer("Ada Lovelace")
    interview = await live.interview(owner)
    ivy = YClient(live.url, {"token": await live.candidate_token(interview, "Ivy")})
    lobby_clients.append(ivy)
    await ivy.connect(lobby=True)
    lobby = ivy.events["room:lobby"][0]
    assert lobby["reason"] == "no_interviewer" and lobby["interviewer_name"] == "Ada Lovelace"
    assert "starts when Ada Lovelace joins" in lobby["message"]
    assert "room:welcome" not in ivy.events and "sync:message" not in ivy.events
    # Nothing can be done from the lobby, and the interview has not started.
    reply = await ivy.call("chat:send", {"text": "anyone?"})
    assert reply["ok"] is False and reply["error"]["code"] == "in_lobby"
    reply = await ivy.call("run:start", {})
    assert reply["error"]["code"] == "in_lobby"
    assert (await record_of(live, interview.id)).interview.status == "scheduled"

    ada = await connect({"interview_id": interview.id, "access_token": access})
    await ivy.admitted()
    await ivy.wait_text(STUB)
    for _ in range(100):  # written in the background, not in the join's way
        record = (await record_of(live, interview.id)).interview
        if record.status == "in_progress":
            break
        await asyncio.sleep(0.05)
    assert record.status == "in_progress" and record.started_at is not None
    names = {p["name"] for p in ivy.events["room:welcome"][0]["participants"]}
    assert names == {"Ada Lovelace", "Ivy"}
    await ada.wait_for("presence:joined", lambda e: e["participant"]["name"] == "Ivy")


async def test_an_interviewer_who_admits_candidates_lets_them_in(
    live: LiveServer, connect: ClientFactory, lobby_clients: list[YClient]
) -> None:
    owner, access = await live.interviewer()
    status, me, _ = await live.http(
        "PATCH", "/api/auth/me", token=access, json={"admit_candidates": "manual"}
    )
    assert status == 200 and me["admit_candidates"] == "manual", me
    status, body, _ = await live.http(
        "PATCH", "/api/auth/me", token=access, json={"admit_candidates": "whenever"}
    )
    assert status == 400 and body["error"]["code"], body
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    ivy = YClient(live.url, {"token": await live.candidate_token(interview, "Ivy")})
    lobby_clients.append(ivy)
    await ivy.connect(lobby=True)
    assert ivy.events["room:lobby"][0]["reason"] == "not_admitted"
    waiting = await ada.wait_for("lobby:waiting", lambda e: bool(e["waiting"]))
    [knock] = waiting["waiting"]
    assert knock["name"] == "Ivy"

    # A candidate cannot let anyone in; a bad id is refused; the interviewer can.
    reply = await ivy.call("lobby:admit", {"participant_id": knock["participant_id"]})
    assert reply["error"]["code"] == "forbidden"
    reply = await ada.call("lobby:admit", {"participant_id": "cnobody"})
    assert reply["error"]["code"] == "not_waiting"
    assert await ada.call("lobby:admit", {"participant_id": knock["participant_id"]}) == {
        "ok": True
    }
    await ivy.admitted()
    await ivy.wait_text(STUB)
    await ada.wait_for("lobby:waiting", lambda e: e["waiting"] == [])
