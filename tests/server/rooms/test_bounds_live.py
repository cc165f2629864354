"""A join-link holder cannot grow a room without bound, and old candidate tokens stay dead.

Each test reproduces the attack through the real server: minting tokens from one link, opening
more sockets or bringing more people than a room takes, growing a document or the update log,
and coming back with a token of a finished interview after the record was set in progress again
or the interviewer rotated the link.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from server.rooms.events import registry_of
from server.rooms.wire import SYNC_UPDATE, encode_sync
from tests.server.rooms.conftest import STUB, ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer, YClient


async def join(live: LiveServer, code: str, name: str = "Grace") -> tuple[int, Any]:
    status, body, _ = await live.http("POST", f"/api/join/{code}", json={"name": name})
    return status, body


# ---- candidate tokens --------------------------------------------------------------------------


@pytest.mark.parametrize("settings_overrides", [{"rooms": {"max_candidate_tokens": 3}}])
async def test_a_join_link_issues_a_bounded_number_of_tokens_until_it_is_rotated(
    live: LiveServer,
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    for n in range(3):
        status, body = await join(live, interview.join_code, f"Guest {n}")
        assert status == 200, body
    status, body = await join(live, interview.join_code, "One too many")
    assert status == 429 and body["error"]["code"] == "join_limit_reached"
    assert "new link" in body["error"]["message"]

    status, rotated, _ = await live.http(
        "POST", f"/api/interviews/{interview.id}/join-link/rotate", token=access
    )
    assert status == 200, rotated
    new_code = rotated["join_url"].rsplit("/", 1)[1]
    assert new_code != interview.join_code
    assert (await join(live, interview.join_code))[0] == 404  # the old link is gone
    status, body = await join(live, new_code, "Grace")
    assert status == 200, body


async def test_rotating_the_link_ends_old_tokens_and_sends_candidates_away(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    access = ada.auth["access_token"]
    other_owner, other_access = await live.interviewer("Mallory Other")
    status, _, _ = await live.http(
        "POST", f"/api/interviews/{interview.id}/join-link/rotate", token=other_access
    )
    assert status == 404  # someone else's interview
    assert (await live.http("POST", f"/api/interviews/{interview.id}/join-link/rotate"))[0] == 401

    status, rotated, _ = await live.http(
        "POST", f"/api/interviews/{interview.id}/join-link/rotate", token=access
    )
    assert status == 200, rotated
    error = await grace.wait_for("error", lambda e: e["code"] == "link_rotated")
    assert "new one" in error["message"]
    await grace.wait_for("disconnect")
    again = YClient(live.url, grace.auth)
    refusal = await again.connect_refused()
    assert refusal["code"] == "link_rotated"
    # the interviewer stays, and a token from the new link gets in
    assert (await ada.edit(lambda t: t.insert(0, "# on\n")))["ok"] is True
    new_code = rotated["join_url"].rsplit("/", 1)[1]
    status, body = await join(live, new_code, "Grace Again")
    back = await connect({"token": body["token"]})
    await back.wait_text("# on\n" + STUB)
    assert other_owner.id != interview.owner_id


async def test_setting_a_record_back_to_in_progress_does_not_revive_old_tokens(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    access = ada.auth["access_token"]
    assert await ada.call("room:end") == {"ok": True}
    await grace.wait_for("disconnect")
    await ada.close()
    registry = registry_of(live.app)
    for _ in range(60):  # the ended room is evicted after the grace period (1 s here)
        if registry.get(interview.id) is None:
            break
        await asyncio.sleep(0.1)
    status, record, _ = await live.http(
        "PATCH", f"/api/interviews/{interview.id}", token=access, json={"status": "in_progress"}
    )
    assert status == 200, record
    assert record["join_code"] != interview.join_code  # reopened: a fresh link
    old = YClient(live.url, grace.auth)
    refusal = await old.connect_refused()
    assert refusal["code"] == "link_rotated"
    status, body = await join(live, record["join_code"], "Grace")
    assert status == 200, body
    await connect(ada.auth)  # the interviewer is in: the candidate is not kept in the lobby
    fresh = await connect({"token": body["token"]})
    assert fresh.events["room:welcome"][0]["read_only"] is False


# ---- people and sockets ------------------------------------------------------------------------


@pytest.mark.parametrize("settings_overrides", [{"rooms": {"max_participants": 2}}])
async def test_a_room_takes_a_bounded_number_of_people(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    third = YClient(live.url, {"token": await live.candidate_token(interview, "Third")})
    try:
        await third.sio.connect(live.url, auth=third.auth, transports=["websocket"])
        error = await third.wait_for("error", lambda e: e["code"] == "room_full")
        assert "2 people" in error["message"]
        await third.wait_for("disconnect")
    finally:
        await third.close()
    # the same people may still come back (a reload), and the room is unharmed
    await grace.reconnect()
    assert (await grace.edit(lambda t: t.insert(0, "# hi\n")))["ok"] is True
    await ada.wait_text("# hi\n" + STUB)


@pytest.mark.parametrize("settings_overrides", [{"rooms": {"max_sockets": 3}}])
async def test_a_room_takes_a_bounded_number_of_sockets(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    token = await live.candidate_token(interview, "Tabs")
    third = await connect({"token": token})
    fourth = YClient(live.url, {"token": token})
    refusal = await fourth.connect_refused()
    assert refusal["code"] == "room_full" and "3 open connections" in refusal["message"]
    await third.close()
    registry = registry_of(live.app)
    room = registry.get(interview.id)
    assert room is not None
    for _ in range(50):  # the server sees the tab close
        if len(room.connected_sids) == 2:
            break
        await asyncio.sleep(0.1)
    fifth = await connect({"token": token})  # a closed tab frees its place
    assert fifth.events["room:welcome"]
    assert ada.sio.connected and grace.sio.connected


# ---- documents and the log ---------------------------------------------------------------------


@pytest.mark.parametrize("settings_overrides", [{"rooms": {"max_doc_bytes": 65536}}])
async def test_the_code_cannot_grow_past_its_bound(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    chunk = "x" * 30_000
    assert (await grace.edit(lambda t: t.insert(0, chunk)))["ok"] is True
    answer = await grace.edit(lambda t: t.insert(0, chunk + chunk))
    assert answer["ok"] is False and answer["error"]["code"] == "document_too_large"
    await ada.wait_text(chunk + STUB)


@pytest.mark.parametrize(
    "settings_overrides", [{"rooms": {"max_log_bytes": 65536, "max_doc_bytes": 1 << 20}}]
)
async def test_the_update_log_of_an_interview_is_bounded(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    for n in range(40):  # many small changes, each well under the document bound
        chunk = f"{n:04d}" * 500
        answer = await grace.edit(lambda t: t.insert(0, chunk))  # noqa: B023 (awaited here)
        if not answer["ok"]:
            break
    assert answer["ok"] is False and answer["error"]["code"] == "room_log_full"
    room = registry_of(live.app).get(interview.id)
    assert room is not None and room.log_bytes <= 65536
    # refused, not broken: chat and runs still work
    assert await grace.call("chat:send", {"text": "still here"}) == {"ok": True}
    await ada.wait_for("chat:message")
    raw = encode_sync(SYNC_UPDATE, b"\x00" * 70_000)
    refused = await ada.call("sync:message", raw)  # the interviewer is bound by it too
    assert refused["ok"] is False and refused["error"]["code"] == "room_log_full"


# ---- playback ----------------------------------------------------------------------------------


@pytest.mark.parametrize("settings_overrides", [{"rooms": {"playback_page_bytes": 4096}}])
async def test_playback_comes_in_pages_bounded_in_bytes(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    for n in range(6):
        chunk = f"{n}" * 3000
        assert (await grace.edit(lambda t: t.insert(0, chunk)))["ok"] is True  # noqa: B023
    access = ada.auth["access_token"]
    seqs: list[int] = []
    pages = 0
    after: int | None = 0
    while after is not None:
        path = f"/api/interviews/{interview.id}/playback?doc=code&after={after}&limit=1000"
        status, page, _ = await live.http("GET", path, token=access)
        assert status == 200, page
        sizes = [len(base64.b64decode(u["update"])) for u in page["updates"]]
        assert len(sizes) == 1 or sum(sizes) <= 4096, sizes  # one big row still comes alone
        seqs += [u["seq"] for u in page["updates"]]
        after = page["next_after"]
        pages += 1
    assert pages >= 6 and len(seqs) == len(set(seqs)) and seqs == sorted(seqs)
    assert len(seqs) >= 7  # the seed and the six edits, none lost between pages
