"""POST /api/interviews/<id>/end: REST ends the interview as the room's End button does (on the
process that owns the room; tests/server/cluster covers the forwarding between processes)."""

from __future__ import annotations

from server.interviews import service as interviews
from server.kit.db import unit_of_work
from server.kit.security import create_access_token
from server.kit.state import get_state
from tests.server.rooms.conftest import STUB, ClientFactory, interviewer_and_candidate
from tests.server.rooms.live import LiveServer


async def test_ending_over_rest_ends_the_live_room(
    live: LiveServer, connect: ClientFactory
) -> None:
    interview, ada, grace = await interviewer_and_candidate(live, connect)
    await ada.edit(lambda t: t.insert(0, "# final\n"))
    owner_id = interview.owner_id
    _, access = await live.interviewer("Bob Stranger")
    status, body, _ = await live.http("POST", f"/api/interviews/{interview.id}/end", token=access)
    assert status == 404 and body["error"]["code"] == "interview_not_found"
    token = create_access_token(owner_id, live.settings)
    status, body, _ = await live.http("POST", f"/api/interviews/{interview.id}/end", token=token)
    assert status == 200 and body == {"status": "completed", "live": True}
    ended = await grace.wait_for("room:ended")
    assert ended["final_code"] == "# final\n" + STUB
    await ada.wait_for("room:ended")
    status, body, _ = await live.http("POST", f"/api/interviews/{interview.id}/end", token=token)
    assert status == 409 and body["error"]["code"] == "interview_ended"
    async with unit_of_work(get_state(live.app).sessions) as session:
        record = await interviews.get_interview_for_room(session, interview.id)
        assert record is not None and record.status == "completed"
        assert record.final_code == "# final\n" + STUB


async def test_ending_with_no_live_room_completes_the_record(live: LiveServer) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    status, body, _ = await live.http("POST", f"/api/interviews/{interview.id}/end", token=access)
    assert status == 200 and body == {"status": "completed", "live": False}
    async with unit_of_work(get_state(live.app).sessions) as session:
        record = await interviews.get_interview_for_room(session, interview.id)
        assert record is not None and record.status == "completed" and record.ended_at
