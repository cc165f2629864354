"""Chat, runs, signalling, ending and every kind of bad input, through the real server."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
import qrcode
from pycrdt import Doc, Text

from server.accounts import repository as accounts
from server.interviews import service as interviews
from server.kit.db import unit_of_work
from server.kit.security import ACCESS_COOKIE
from server.kit.state import get_state
from server.rooms.events import registry_of
from server.rooms.wire import SYNC_UPDATE, encode_sync
from tests.server.rooms.conftest import STUB, ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer, YClient
from tests.support.fake_engine import FakeEngine


async def record_of(live: LiveServer, interview_id: str) -> Any:
    async with unit_of_work(get_state(live.app).sessions) as session:
        interview = await interviews.get_interview_for_room(session, interview_id)
        record = await interviews.get_interview(session, interview.owner_id, interview_id)  # type: ignore[union-attr]
    return record


def error_matching(code: str, event: str) -> Callable[[Any], bool]:
    return lambda error: bool(error["code"] == code and error["event"] == event)


def engine_of(live: LiveServer) -> FakeEngine:
    engine = get_state(live.app).engine
    assert isinstance(engine, FakeEngine)
    return engine


# ---- presence ----------------------------------------------------------------------------------


async def test_presence_lists_roles_names_and_colours(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    welcome = grace.events["room:welcome"][0]
    roles = {p["role"]: p for p in welcome["participants"]}
    assert roles["interviewer"]["name"] == "Ada Interviewer"
    assert roles["candidate"]["name"] == "Grace Candidate"
    assert roles["interviewer"]["colour"] != roles["candidate"]["colour"]
    # the installation's own STUN/TURN (no third party), with a TURN credential of its own
    stun, turn = welcome["ice_servers"]
    assert stun == {"urls": ["stun:127.0.0.1:3478"]}
    assert turn["username"].endswith(":" + welcome["self"]["participant_id"])
    joined = await ada.wait_for("presence:joined")
    assert joined["participant"]["role"] == "candidate"


# ---- chat --------------------------------------------------------------------------------------


async def test_chat_reaches_everyone_is_persisted_and_replayed(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    assert await grace.call("chat:send", {"text": "  Hello 👋  "}) == {"ok": True}
    message = await ada.wait_for("chat:message")
    assert message["text"] == "Hello 👋" and message["author_role"] == "candidate"
    assert message["author_name"] == "Grace Candidate" and message["sent_at"]
    await grace.wait_for("chat:message")

    record = await record_of(live, interview.id)
    assert [(m.author_name, m.text) for m in record.chat] == [("Grace Candidate", "Hello 👋")]
    newcomer = YClient(live.url, {"token": await live.candidate_token(interview, "Late Larry")})
    try:
        await newcomer.connect()
        assert [m["text"] for m in newcomer.events["room:welcome"][0]["chat"]] == ["Hello 👋"]
    finally:
        await newcomer.close()


async def test_chat_limits_and_rate_limit(live: LiveServer, connect: ClientFactory) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    too_long = await grace.call("chat:send", {"text": "x" * 2001})
    assert too_long["error"]["code"] == "payload_too_large"
    blank = await grace.call("chat:send", {"text": "   "})
    assert blank["error"]["code"] == "invalid_payload"
    replies = [await grace.call("chat:send", {"text": f"spam {i}"}) for i in range(8)]
    codes = [r.get("error", {}).get("code") for r in replies]
    assert codes[:5] == [None] * 5 and "rate_limited" in codes[5:]
    error = await grace.wait_for("error", lambda e: e["code"] == "rate_limited")
    assert error["event"] == "chat:send" and error["message"]
    # The interviewer has a bucket of their own, and the candidate's connection still works.
    assert await ada.call("chat:send", {"text": "calm down"}) == {"ok": True}
    await grace.wait_for("chat:message", lambda m: m["text"] == "calm down")


# ---- runs --------------------------------------------------------------------------------------


async def test_a_run_reaches_everyone_and_is_recorded(
    live: LiveServer, connect: ClientFactory
) -> None:
    engine_of(live).delay_s = 0.3
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    reply = await grace.call("run:start", {"stdin": "42\n"})
    assert reply["ok"] is True and reply["run_id"]
    started = await ada.wait_for("run:started")
    assert started["started_by"]["name"] == "Grace Candidate" and started["language"] == "python"
    second = await ada.call("run:start", {"stdin": "again"})
    assert second["error"]["code"] == "run_in_progress"
    finished = [await c.wait_for("run:finished") for c in (ada, grace)]
    assert finished[0] == finished[1]
    assert finished[0]["result"]["run"]["stdout"] == "42\n" and finished[0]["error"] is None
    assert engine_of(live).requests[0].source == STUB
    record = await record_of(live, interview.id)
    assert [(r.started_by, r.stdin, r.result["status"]) for r in record.runs] == [
        ("Grace Candidate", "42\n", "ok")
    ]
    # The record keeps the exact code the run ran, even once the editor has moved on.
    await ada.edit(lambda t: t.insert(0, "# later\n"))
    token = ada.auth["access_token"]
    status, detail, _ = await live.http("GET", f"/api/interviews/{interview.id}", token=token)
    assert status == 200, detail
    [run] = detail["runs"]
    assert run["source"] == STUB and run["stdin"] == "42\n" and run["language"] == "python"
    assert finished[0]["stdin"] == "42\n"


async def test_busy_engine_is_an_error_and_the_room_recovers(
    live: LiveServer, connect: ClientFactory
) -> None:
    engine_of(live).busy = True
    _, ada, grace = await interviewer_and_candidate(live, connect)
    await grace.call("run:start", {})
    error = await grace.wait_for("error", lambda e: e["code"] == "busy")
    assert error["event"] == "run:start"
    finished = await ada.wait_for("run:finished")
    assert finished["result"] is None and finished["error"]["code"] == "busy"
    engine_of(live).busy = False
    assert (await ada.call("run:start", {}))["ok"] is True
    await ada.wait_for("run:finished", lambda f: f["result"] is not None)


async def test_the_interviewer_can_disable_runs_for_the_candidate(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    denied = await grace.call("run:permission", {"candidate_can_run": True})
    assert denied["error"]["code"] == "forbidden"
    assert await ada.call("run:permission", {"candidate_can_run": False}) == {"ok": True}
    await grace.wait_for("room:settings", lambda s: s["candidate_can_run"] is False)
    refused = await grace.call("run:start", {})
    assert refused["error"]["code"] == "run_disabled"
    assert (await ada.call("run:start", {}))["ok"] is True


# ---- signalling --------------------------------------------------------------------------------


async def test_signals_go_to_one_peer_in_the_same_room_only(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    _, eve, mallory = await interviewer_and_candidate(live, connect)
    grace_id = grace.events["room:welcome"][0]["self"]["participant_id"]
    ada_id = ada.events["room:welcome"][0]["self"]["participant_id"]
    offer = {"type": "offer", "sdp": "v=0\r\n"}
    assert await ada.call("signal:send", {"to": grace_id, "kind": "offer", "data": offer}) == {
        "ok": True
    }
    received = await grace.wait_for("signal:message")
    assert received == {"from": ada_id, "kind": "offer", "data": offer}
    assert "signal:message" not in ada.events
    # Another room's participant is not addressable, nor is oneself, nor a made-up id.
    for target in (grace_id, mallory.events["room:welcome"][0]["self"]["participant_id"], "nobody"):
        if target == grace_id:
            reply = await eve.call("signal:send", {"to": target, "kind": "offer", "data": offer})
        else:
            reply = await ada.call("signal:send", {"to": target, "kind": "answer", "data": {}})
        assert reply["error"]["code"] == "unknown_peer"
    reply = await ada.call("signal:send", {"to": ada_id, "kind": "candidate", "data": {}})
    assert reply["error"]["code"] == "unknown_peer"
    await asyncio.sleep(0.1)
    assert len(grace.events["signal:message"]) == 1 and "signal:message" not in mallory.events


# ---- ending ------------------------------------------------------------------------------------


async def test_ending_completes_the_record_and_locks_the_room(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    await grace.edit(lambda t: t.insert(len(t), "answer = 42\n"))
    await grace.call("chat:send", {"text": "done!"})
    await ada.call("run:start", {"stdin": "x"})
    await ada.wait_for("run:finished")
    token = grace.auth["token"]

    assert (await grace.call("room:end", {}))["error"]["code"] == "forbidden"
    assert await ada.call("room:end", {}) == {"ok": True}
    ended = await ada.wait_for("room:ended")
    assert ended["final_code"] == STUB + "answer = 42\n" and ended["language"] == "python"

    record = await record_of(live, interview.id)
    assert record.interview.status == "completed"
    assert record.interview.final_code == STUB + "answer = 42\n"
    assert [m.text for m in record.chat] == ["done!"] and len(record.runs) == 1

    # Documents are read-only; the candidate's token no longer opens the room.
    ada.text.insert(0, "late edit")
    updates, ada._outgoing = ada._outgoing, []
    reply = await ada.call("sync:message", encode_sync(SYNC_UPDATE, updates[0]))
    assert reply["error"]["code"] == "room_ended"
    assert (await ada.call("chat:send", {"text": "hi"}))["error"]["code"] == "room_ended"
    assert (await ada.call("run:start", {}))["error"]["code"] == "room_ended"
    refused = await YClient(live.url, {"token": token}).connect_refused()
    assert refused["code"] == "interview_ended" and refused["message"]
    status, body, _ = await live.http(
        "POST", f"/api/join/{interview.join_code}", json={"name": "Grace"}
    )
    assert status == 409 and body["error"]["code"] == "interview_ended"
    status, body, _ = await live.http("GET", f"/api/join/{interview.join_code}")
    assert status == 200 and body["can_join"] is False and body["status"] == "completed"


# ---- joining and refusals ----------------------------------------------------------------------


async def test_join_api_and_qr_codes(live: LiveServer) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner, title="Backend pairing")
    status, body, _ = await live.http("GET", f"/api/join/{interview.join_code}")
    assert status == 200
    assert body == {
        "interview_id": interview.id,
        "title": "Backend pairing",
        "interviewer_name": "Ada Interviewer",
        "status": "scheduled",
        "can_join": True,
    }
    for bad in (
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 41},
        {},
        {"name": "a\x00b"},
        {"name": 3},
    ):
        status, body, _ = await live.http("POST", f"/api/join/{interview.join_code}", json=bad)
        assert status == 400 and body["error"]["code"], bad
    for code in ("nope", "x" * 300):
        status, body, _ = await live.http("GET", f"/api/join/{code}")
        assert status == 404 and body["error"]["code"] == "join_code_not_found"

    status, _, png = await live.http("GET", f"/api/interviews/{interview.id}/qr.png", token=access)
    assert status == 200 and png.startswith(b"\x89PNG\r\n\x1a\n")
    status, _, svg = await live.http("GET", f"/api/interviews/{interview.id}/qr.svg", token=access)
    assert status == 200 and b"<svg" in svg and b"<path" in svg
    _, stranger = await live.interviewer("Eve Stranger")
    status, body, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/qr.png", token=stranger
    )
    assert status == 404 and body["error"]["code"]
    status, body, _ = await live.http("GET", f"/api/interviews/{interview.id}/qr.svg")
    assert status == 401


async def test_qr_encodes_the_join_url(live: LiveServer) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    status, _, png = await live.http("GET", f"/api/interviews/{interview.id}/qr.png", token=access)
    expected = qrcode.make(
        f"{live.settings.server.public_url}/join/{interview.join_code}", box_size=8, border=2
    )
    buffer = io.BytesIO()
    expected.save(buffer)
    assert status == 200 and png == buffer.getvalue()


async def test_bad_connects_are_refused_with_a_reason(live: LiveServer) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    other_owner, other_access = await live.interviewer("Eve Stranger")
    other = await live.interview(other_owner)
    good_token = await live.candidate_token(interview)
    cases = [
        ({}, "unauthorized"),
        ({"token": "garbage"}, "invalid_token"),
        ({"token": good_token[:-3] + "abc"}, "invalid_token"),
        ({"token": access}, "invalid_token"),  # an access token is not a room token
        ({"interview_id": interview.id}, "unauthorized"),
        ({"interview_id": interview.id, "access_token": good_token}, "invalid_token"),
        ({"interview_id": interview.id, "access_token": other_access}, "room_not_found"),
        ({"interview_id": other.id, "access_token": access}, "room_not_found"),
        ({"interview_id": "not-an-id", "access_token": access}, "room_not_found"),
    ]
    for auth, code in cases:
        refused = await YClient(live.url, auth).connect_refused()
        assert refused.get("code") == code, (auth, refused)
        assert refused["message"]


async def test_the_first_join_marks_the_interview_in_progress(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, _, _ = await interviewer_and_candidate(live, connect)
    record = await record_of(live, interview.id)
    assert record.interview.status == "in_progress"


# ---- bad input ---------------------------------------------------------------------------------


async def test_bad_events_are_refused_and_the_connection_survives(
    live: LiveServer, connect: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    cases: list[tuple[str, Any, str]] = [
        ("sync:message", b"\xff\xff", "invalid_sync_message"),
        ("sync:message", b"\x00\x02\x03abc", "invalid_update"),
        ("sync:message", b"\x02\x00", "invalid_sync_message"),
        ("sync:message", {"update": "text"}, "invalid_payload"),
        ("sync:message", b"\x00" * 300_000, "payload_too_large"),
        ("sync:message", encode_sync(0, b"\xff\xff\xff"), "invalid_sync_message"),
        ("chat:send", "just a string", "invalid_payload"),
        ("chat:send", {"text": "hi", "room": "someone-else"}, "invalid_payload"),
        ("chat:send", {"text": "y" * 100_000}, "payload_too_large"),
        ("signal:send", {"to": "x", "kind": "offer"}, "invalid_payload"),
        ("run:start", {"stdin": 12}, "invalid_payload"),
        ("room:end", {}, "forbidden"),
        ("run:permission", {"candidate_can_run": True}, "forbidden"),
        ("notes:message", encode_sync(0, b"\x00"), "forbidden"),
        ("admin:drop_tables", {}, "unknown_event"),
        ("run:finished", {}, "unknown_event"),
    ]
    for event, payload, code in cases:
        reply = await grace.call(event, payload)
        assert reply["ok"] is False and reply["error"]["code"] == code, (event, reply)
        error = await grace.wait_for("error", error_matching(code, event))
        assert error["message"]
    # An update whose dependencies are missing (a gap in the client's clock) is refused, not
    # silently held back and relayed.
    other: Doc[Text] = Doc()
    other_text = other.get("code", type=Text)
    other_text.insert(0, "ab")
    seen_by_client_only = other.get_state()
    other_text.insert(2, "c")
    gap = other.get_update(seen_by_client_only)  # "c" needs "ab", which the server never got
    steps_before = len(grace.events["sync:message"])
    reply = await grace.call("sync:message", encode_sync(SYNC_UPDATE, gap))
    assert reply["error"]["code"] == "update_not_applied"
    # The server also asked for what it lacks (a sync step 1 to the sender).
    await grace.wait_for("sync:message", lambda _: len(grace.events["sync:message"]) > steps_before)

    refusals = [r for r in caplog.records if r.name == "server.rooms.events"]
    assert any("admin:drop_tables" in r.getMessage() for r in refusals)  # a log line each
    assert len(refusals) >= len(cases)

    # Two payload arguments.
    reply = await grace.sio.call("chat:send", ({"text": "a"}, {"text": "b"}), timeout=10)
    assert reply["error"]["code"] == "invalid_payload"

    # Still connected, still in sync, the room unharmed.
    assert grace.sio.connected and ada.sio.connected
    await grace.edit(lambda t: t.insert(0, "still fine\n"))
    await ada.wait_text("still fine\n" + STUB)
    room = registry_of(live.app).get(grace.events["room:welcome"][0]["interview_id"])
    assert room is not None and room.code.content() == "still fine\n" + STUB


async def test_a_flood_is_refused_without_dropping_the_connection(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    for _ in range(400):
        await grace.sio.emit("signal:send", {"to": "nobody", "kind": "bye", "data": None})
    await grace.wait_for("error", lambda e: e["code"] == "rate_limited", within=10)
    await asyncio.sleep(1.0)  # the bucket refills
    assert grace.sio.connected
    assert await grace.call("chat:send", {"text": "back"}) == {"ok": True}
    await ada.wait_for("chat:message", lambda m: m["text"] == "back")


async def test_the_interviewer_can_join_with_the_session_cookie(live: LiveServer) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = YClient(
        live.url, {"interview_id": interview.id}, headers={"Cookie": f"onsite_access={access}"}
    )
    try:
        await ada.connect()
        assert ada.events["room:welcome"][0]["self"]["role"] == "interviewer"
        await ada.wait_for("notes:message")
    finally:
        await ada.close()
    forged = YClient(
        live.url, {"interview_id": interview.id}, headers={"Cookie": "onsite_access=forged"}
    )
    assert (await forged.connect_refused())["code"] == "invalid_token"


async def test_signing_out_over_rest_refuses_new_sockets_with_the_old_token(
    live: LiveServer, connect: ClientFactory
) -> None:
    """A real session (registered over REST, so its access token carries a ``sid``) joins; after
    ``POST /api/auth/logout`` the same token, as bearer or as cookie, is refused."""
    credentials = {"email": "leaver@example.com", "password": "correct horse 42", "name": "Lee"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(live.url + "/api/auth/register", json=credentials) as response,
    ):
        assert response.status == 201, await response.text()
        user_id = (await response.json())["user"]["id"]
        access = response.cookies[ACCESS_COOKIE].value
    async with unit_of_work(get_state(live.app).sessions) as session:
        owner = await accounts.get_user(session, user_id)
    assert owner is not None
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    assert ada.events["room:welcome"][0]["self"]["role"] == "interviewer"
    status, _, _ = await live.http("POST", "/api/auth/logout", token=access)
    assert status == 204
    by_token = YClient(live.url, {"interview_id": interview.id, "access_token": access})
    assert (await by_token.connect_refused())["code"] == "session_revoked"
    by_cookie = YClient(
        live.url, {"interview_id": interview.id}, headers={"Cookie": f"{ACCESS_COOKIE}={access}"}
    )
    assert (await by_cookie.connect_refused())["code"] == "session_revoked"


async def test_an_empty_room_is_saved_then_evicted_and_reloads_from_the_log(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    await grace.edit(lambda t: t.insert(0, "# draft\n"))
    await ada.close()
    await grace.close()
    await asyncio.sleep(0.3)
    record = await record_of(live, interview.id)
    assert record.interview.final_code == "# draft\n" + STUB  # saved on the last leave
    registry = registry_of(live.app)
    assert registry.get(interview.id) is not None
    await asyncio.sleep(1.2)  # the grace period (1 s in these tests)
    assert registry.get(interview.id) is None
    back = YClient(live.url, ada.auth)
    try:
        await back.connect()
        await back.wait_text("# draft\n" + STUB)
    finally:
        await back.close()


async def test_the_welcome_carries_the_last_run_across_reloads_and_evictions(
    live: LiveServer, connect: ClientFactory
) -> None:
    """A reloaded tab sees the last result (from memory), and so does a tab that joins after the
    room was evicted (from the recorded runs)."""
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    assert ada.events["room:welcome"][0]["last_run"] is None
    await grace.call("run:start", {"stdin": "first\n"})
    await ada.wait_for("run:finished")
    await ada.call("run:start", {"stdin": "second\n"})
    finished = await grace.wait_for(
        "run:finished", lambda f: f["started_by"]["role"] == "interviewer"
    )
    reloaded = await connect({"token": await live.candidate_token(interview)})
    assert reloaded.events["room:welcome"][0]["last_run"] == finished
    for client in (ada, grace, reloaded):
        await client.close()
    registry = registry_of(live.app)
    for _ in range(60):
        if registry.get(interview.id) is None:
            break
        await asyncio.sleep(0.1)
    assert registry.get(interview.id) is None
    back = YClient(live.url, ada.auth)
    try:
        await back.connect()
        last_run = back.events["room:welcome"][0]["last_run"]
    finally:
        await back.close()
    assert last_run["result"] == finished["result"] and last_run["error"] is None
    assert last_run["result"]["run"]["stdout"] == "second\n"
    assert last_run["started_by"]["name"] == "Ada Interviewer"
    assert last_run["language"] == finished["language"]
