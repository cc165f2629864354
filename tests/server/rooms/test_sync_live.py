"""Code sync through the real server: joiners, relays, awareness, notes privacy, the update log."""

from __future__ import annotations

import asyncio
import base64

from pycrdt import Doc, Map, Text

from server.app import create_app
from server.rooms.events import registry_of
from server.rooms.wire import SYNC_UPDATE, encode_sync
from tests.server.rooms.conftest import STUB, ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer, YClient, live_server
from tests.support.fake_engine import FakeEngine


async def test_late_joiner_gets_current_code_and_edits_relay(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner, language="python")
    ada = await connect({"interview_id": interview.id, "access_token": access})
    await ada.wait_text(STUB)  # the language's starter stub, seeded by the server
    await ada.edit(lambda t: t.insert(0, "# hi\n"))

    grace = await connect({"token": await live.candidate_token(interview)})
    await grace.wait_text("# hi\n" + STUB)
    await grace.edit(lambda t: t.insert(len(t), "x = 1\n"))
    await ada.wait_text("# hi\n" + STUB + "x = 1\n")


async def test_candidate_first_then_interviewer_sees_the_same(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    grace = YClient(live.url, {"token": await live.candidate_token(interview)})
    try:
        await grace.connect(lobby=True)  # early: the lobby, not the room
        ada = await connect({"interview_id": interview.id, "access_token": access})
        await grace.admitted()
        await grace.wait_text(STUB)
        await grace.edit(lambda t: t.insert(0, "candidate was here\n"))
        await ada.wait_text("candidate was here\n" + STUB)
        room = registry_of(live.app).get(interview.id)
        assert room is not None and room.code.content() == "candidate was here\n" + STUB
    finally:
        await grace.close()


async def test_concurrent_edits_at_the_same_place_converge(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    await asyncio.gather(
        ada.edit(lambda t: t.insert(0, "AAA")), grace.edit(lambda t: t.insert(0, "BBB"))
    )
    room = registry_of(live.app).get(interview.id)
    assert room is not None
    final = room.code.content()
    assert sorted([final[:3], final[3:6]]) == ["AAA", "BBB"]
    await ada.wait_text(final)
    await grace.wait_text(final)


async def test_language_change_goes_through_the_document(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner, language="python")
    ada = await connect({"interview_id": interview.id, "access_token": access})
    grace = await connect({"token": await live.candidate_token(interview)})
    await grace.wait_text(STUB)
    ada_meta = ada.doc.get("meta", type=Map)
    grace_meta = grace.doc.get("meta", type=Map)
    assert grace_meta.get("language") == "python"
    ada_meta["language"] = "c"
    updates, ada._outgoing = ada._outgoing, []
    for update in updates:
        await ada.call("sync:message", encode_sync(SYNC_UPDATE, update))
    await grace.wait_for("sync:message", lambda _: grace_meta.get("language") == "c")
    room = registry_of(live.app).get(interview.id)
    assert room is not None and room.language() == "c"
    # Everyone is told who changed it to what (issue 11: "language changes go unannounced").
    for client in (ada, grace):
        changed = await client.wait_for("language:changed")
        assert changed["language"] == "c" and changed["previous"] == "python"
        assert changed["changed_by"]["name"] == "Ada Interviewer"
        assert changed["changed_by"]["role"] == "interviewer"
    # An edit that leaves the language alone announces nothing.
    await grace.edit(lambda t: t.insert(0, "// hi\n"))
    await ada.wait_text("// hi\n" + STUB)
    assert len(ada.events["language:changed"]) == 1


async def test_awareness_is_relayed_and_sent_whole_to_newcomers(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    # (as the browser sends it: the name is the one the room knows, colours are plain colours;
    # anything else is rewritten by the server, see test_room's awareness test)
    user = {"name": "Ada Interviewer", "color": "#e6194b", "colorLight": "rgba(230, 25, 75, 0.25)"}
    state = {"user": user, "cursor": {"anchor": 3, "head": 5}}
    await ada.set_awareness(1, state)
    await grace.wait_for("sync:message", lambda _: grace.awareness.get(ada.doc.client_id) == state)
    late = await connect({"token": await live.candidate_token(interview, "Late Larry")})
    await late.wait_for("sync:message", lambda _: late.awareness.get(ada.doc.client_id) == state)
    late.awareness.clear()  # y-websocket's awareness query (type 3) sends them all again
    await late.call("sync:message", b"\x03")
    await late.wait_for("sync:message", lambda _: late.awareness.get(ada.doc.client_id) == state)
    # The awareness of someone who leaves for good (grace period 1 s) is removed for everyone.
    await ada.close()
    await grace.wait_for(
        "sync:message", lambda _: grace.awareness.get(ada.doc.client_id, 0) is None, within=5
    )
    left = await grace.wait_for("presence:left", within=5)
    assert left["participant_id"].startswith("i")


async def test_notes_never_reach_a_candidate(live: LiveServer, connect: ClientFactory) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    grace = await connect({"token": await live.candidate_token(interview)})
    await ada.wait_for("notes:message")  # the server's notes step 1, interviewers only
    ada.notes_text.insert(0, "SECRET: weak on recursion")
    await ada.call("notes:message", encode_sync(SYNC_UPDATE, ada.notes.get_update()))
    room = registry_of(live.app).get(interview.id)
    assert room is not None and room.notes.content() == "SECRET: weak on recursion"

    # Every way a candidate might ask: the notes event itself, its sync step 1, a full resync.
    reply = await grace.call("notes:message", encode_sync(0, Doc().get_state()))
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden"
    reply = await grace.call("notes:message", encode_sync(SYNC_UPDATE, b"\x00\x00"))
    assert reply["error"]["code"] == "forbidden"
    await grace.call("sync:message", encode_sync(0, Doc().get_state()))
    await grace.call("chat:send", {"text": "ping"})
    await grace.wait_for("chat:message")
    assert "notes:message" not in grace.events
    seen = b"".join(m for m in grace.events["sync:message"] if isinstance(m, bytes))
    assert b"SECRET" not in seen
    assert not any(b"SECRET" in str(e).encode() for e in grace.events.values())


async def test_update_log_plays_back_for_the_owner_only(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    grace = await connect({"token": await live.candidate_token(interview)})
    await ada.edit(lambda t: t.insert(0, "a"))
    await grace.edit(lambda t: t.insert(1, "b"))
    ack = await ada.edit(lambda t: t.insert(2, "c"))
    assert ack == {"ok": True}

    status, body, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/playback", token=access
    )
    assert status == 200, body
    authors = [u["author_role"] for u in body["updates"]]
    assert authors == ["server", "interviewer", "candidate", "interviewer"]
    replay: Doc[Text] = Doc()
    text = replay.get("code", type=Text)
    snapshots = []
    for item in body["updates"]:
        replay.apply_update(base64.b64decode(item["update"]))
        snapshots.append(str(text))
    assert snapshots[-3:] == ["a" + STUB, "ab" + STUB, "abc" + STUB]

    page = await live.http(
        "GET", f"/api/interviews/{interview.id}/playback?limit=2&after=0", token=access
    )
    assert page[0] == 200 and len(page[1]["updates"]) == 2 and page[1]["next_after"] is not None

    _stranger, stranger_access = await live.interviewer("Eve Stranger")
    for path, token in [
        (f"/api/interviews/{interview.id}/playback", stranger_access),
        ("/api/interviews/not-an-id/playback", access),
        (f"/api/interviews/{'0' * 32}/playback", access),
    ]:
        status, body, _ = await live.http("GET", path, token=token)
        assert status == 404 and body["error"]["code"], body
    status, body, _ = await live.http("GET", f"/api/interviews/{interview.id}/playback")
    assert status == 401 and body["error"]["code"]
    status, body, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/playback?limit=0", token=access
    )
    assert status == 400 and body["error"]["code"]
    candidate_token = await live.candidate_token(interview)
    status, body, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/playback", token=candidate_token
    )
    assert status == 401


async def test_a_restart_loses_nothing_acknowledged(live: LiveServer) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    auth = {"interview_id": interview.id, "access_token": access}
    first = YClient(live.url, auth)
    await first.connect()
    await first.wait_text(STUB)
    ack = await first.edit(lambda t: t.insert(0, "# kept across restarts\n"))
    assert ack == {"ok": True}
    assert await first.call("chat:send", {"text": "before the restart"}) == {"ok": True}
    await first.close()
    settings = live.settings
    # A second process (a fresh app) on the same database: a replica that never saw the first
    # server still gets the acknowledged edit, exactly once. On PostgreSQL the first process
    # owns the room until its grace period ends, so the second sends the client to retry
    # (room_moved) until then: the two never serve the room at once.
    async with live_server(create_app(settings, FakeEngine()), settings) as second:
        again = YClient(second.url, auth)
        try:
            await again.connect_following_moves()
            await again.wait_text("# kept across restarts\n" + STUB)
            chat = again.events["room:welcome"][0]["chat"]
            assert [(m["author_name"], m["text"]) for m in chat] == [
                ("Ada Interviewer", "before the restart")
            ]
        finally:
            await again.close()


async def test_a_reconnect_within_the_grace_period_keeps_identity_and_offline_edits(
    live: LiveServer, connect: ClientFactory
) -> None:
    _interview, ada, grace = await interviewer_and_candidate(live, connect)
    welcome = grace.events["room:welcome"][0]
    await grace.drop()
    away = await ada.wait_for("presence:away")
    assert away["participant_id"] == welcome["self"]["participant_id"]
    await grace.edit(lambda t: t.insert(0, "offline "))
    await grace.reconnect()
    again = grace.events["room:welcome"][0]
    assert again["self"] == welcome["self"]
    await ada.wait_text("offline " + STUB)
    await asyncio.sleep(1.3)  # past the grace period: still present, never "left"
    assert "presence:left" not in ada.events
