"""The shared whiteboard through the real server: drawing, late joiners, reloads, the lock, the
playback log, and oversized input refused with the room unharmed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.rooms.events import registry_of
from server.rooms.wire import SYNC_UPDATE, encode_sync
from tests.server.rooms.conftest import ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer, YClient


def element(element_id: str, version: int = 1, **extra: Any) -> str:
    """An Excalidraw element as the client stores it in the board's map (compact JSON)."""
    data = {"id": element_id, "type": "rectangle", "x": 10, "y": 20, "width": 100, "height": 50}
    return json.dumps({**data, "version": version, **extra}, separators=(",", ":"))


def refused(code: str) -> Any:
    return lambda error: error["code"] == code and error["event"] == "board:message"


async def test_a_drawing_reaches_everyone_and_late_joiners_and_survives_a_reload(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    assert await grace.draw("r1", element("r1")) == {"ok": True}
    assert json.loads(await ada.wait_board("r1"))["type"] == "rectangle"
    assert await ada.draw("r2", element("r2")) == {"ok": True}
    await grace.wait_board("r2")

    late = await connect({"token": await live.candidate_token(interview, "Late Larry")})
    assert await late.wait_board("r1") == element("r1")
    assert await late.wait_board("r2") == element("r2")

    for client in (ada, grace, late):
        await client.close()
    await registry_of(live.app).close()  # as at a server restart: everything flushed, rooms gone
    assert registry_of(live.app).get(interview.id) is None
    # The interviewer comes back first (a lone candidate would wait in the lobby).
    host = YClient(live.url, ada.auth)
    back = YClient(live.url, {"token": await live.candidate_token(interview, "Back Again")})
    try:
        await host.connect()
        await back.connect()
        assert await back.wait_board("r1") == element("r1")
        assert await back.wait_board("r2") == element("r2")
    finally:
        await back.close()
        await host.close()

    access = ada.auth["access_token"]
    status, page, _ = await live.http(
        "GET", f"/api/interviews/{interview.id}/playback?doc=board", token=access
    )
    assert status == 200, page
    assert page["doc"] == "board" and len(page["updates"]) == 2
    assert [u["author_role"] for u in page["updates"]] == ["candidate", "interviewer"]


async def test_a_locked_board_refuses_the_candidate_but_not_the_interviewer(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    forbidden = await grace.call("board:lock", {"locked": True})
    assert forbidden["ok"] is False and forbidden["error"]["code"] == "forbidden"

    assert await ada.call("board:lock", {"locked": True}) == {"ok": True}
    settings = await grace.wait_for("room:settings", lambda s: s["board_locked"] is True)
    assert settings["candidate_can_run"] is True
    answer = await grace.draw("sneaky", element("sneaky"))
    assert answer["ok"] is False and answer["error"]["code"] == "board_locked"
    await grace.wait_for("error", refused("board_locked"))
    await grace.reset_board()  # as the browser does after a refusal
    assert await ada.draw("mine", element("mine")) == {"ok": True}
    await grace.wait_board("mine")
    room = registry_of(live.app).get(ada.events["room:welcome"][0]["interview_id"])
    assert room is not None and "sneaky" not in room.board.entries()

    late = await connect({"token": await live.candidate_token(interview, "Late Larry")})
    assert late.events["room:welcome"][0]["settings"]["board_locked"] is True

    assert await ada.call("board:lock", {"locked": False}) == {"ok": True}
    await grace.wait_for("room:settings", lambda s: s["board_locked"] is False)
    assert await grace.draw("after", element("after")) == {"ok": True}
    await ada.wait_board("after")


async def test_an_oversized_whiteboard_update_is_refused_and_the_room_carries_on(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    huge = encode_sync(SYNC_UPDATE, b"\x00" * (300 * 1024))
    answer = await grace.call("board:message", huge)
    assert answer["ok"] is False and answer["error"]["code"] == "payload_too_large"
    garbage = await grace.call("board:message", b"\x07\x01\x02")
    assert garbage["ok"] is False and garbage["error"]["code"] == "invalid_sync_message"
    assert await grace.draw("ok", element("ok")) == {"ok": True}
    await ada.wait_board("ok")


@pytest.mark.parametrize("settings_overrides", [{"rooms": {"max_doc_bytes": 65536}}])
async def test_a_scene_past_the_size_bound_is_refused_with_a_message(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, ada, grace = await interviewer_and_candidate(live, connect)
    points = [[i, i] for i in range(2500)]  # a long freehand stroke: about 24 KB of JSON
    for n in range(2):
        stroke = element(f"s{n}", type="freedraw", points=points)
        assert await grace.draw(f"s{n}", stroke) == {"ok": True}
    answer = await grace.draw("s2", element("s2", type="freedraw", points=points))
    assert answer["ok"] is False and answer["error"]["code"] == "document_too_large"
    assert "KiB" in answer["error"]["message"]
    room = registry_of(live.app).get(ada.events["room:welcome"][0]["interview_id"])
    assert room is not None and set(room.board.entries()) == {"s0", "s1"}
    await grace.reset_board()
    # the room is unharmed: the code and small board changes still go through
    assert (await grace.edit(lambda t: t.insert(0, "# still here\n")))["ok"] is True
    await grace.wait_board("s1")
    assert await grace.draw("dot", element("dot")) == {"ok": True}
    await ada.wait_board("dot")
