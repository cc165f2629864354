"""One person, one participant: a candidate who closes the tab and opens the link again is the
same participant on both sides, and the others are told they went and came back (issue 11,
"ghost participants")."""

from __future__ import annotations

import asyncio

from tests.server.rooms.conftest import STUB, ClientFactory
from tests.server.rooms.live import LiveServer


async def _join(live: LiveServer, code: str, name: str, previous: str | None = None) -> dict:  # type: ignore[type-arg]
    body = {"name": name} if previous is None else {"name": name, "previous_token": previous}
    status, grant, _ = await live.http("POST", f"/api/join/{code}", json=body)
    assert status == 200, grant
    assert isinstance(grant, dict)
    return grant


async def test_the_same_name_through_the_same_link_is_one_participant(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    first = await _join(live, interview.join_code, "Ivy Candidate")
    ivy = await connect({"token": first["token"]})
    await ivy.wait_text(STUB)
    await ivy.close()  # the tab is closed
    await ada.wait_for("presence:away")

    # The link opened again in another browser, the name typed again (other spacing and case).
    again = await _join(live, interview.join_code, "  ivy   candidate ")
    assert again["participant_id"] == first["participant_id"]
    ivy2 = await connect({"token": again["token"]})
    welcome = ivy2.events["room:welcome"][0]
    candidates = [p for p in welcome["participants"] if p["role"] == "candidate"]
    assert [p["participant_id"] for p in candidates] == [first["participant_id"]]
    assert candidates[0]["connected"] is True
    await ada.wait_for("presence:joined", lambda _: len(ada.events["presence:joined"]) == 2)
    joins = [e["participant"]["participant_id"] for e in ada.events["presence:joined"]]
    assert joins == [first["participant_id"]] * 2  # the same person twice, never a second one

    # Someone else's name is someone else.
    other = await _join(live, interview.join_code, "Ivan")
    assert other["participant_id"] != first["participant_id"]


async def test_the_same_browser_is_the_same_participant_under_another_name(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, _ = await live.interviewer()
    interview = await live.interview(owner)
    first = await _join(live, interview.join_code, "Ivy")
    again = await _join(live, interview.join_code, "Ivy Chen", previous=first["token"])
    assert again["participant_id"] == first["participant_id"]
    # A token of another interview (or a forged one) is ignored: the name decides.
    elsewhere = await live.interview(owner)
    foreign = await _join(live, elsewhere.join_code, "Mallory")
    mine = await _join(live, interview.join_code, "Mallory", previous=foreign["token"])
    assert mine["participant_id"] != foreign["participant_id"]
    forged = await _join(live, interview.join_code, "Eve", previous="not.a.token")
    by_name = await _join(live, interview.join_code, "eve")
    assert forged["participant_id"] == by_name["participant_id"]


async def test_a_rejoin_drops_the_old_tabs_cursor(live: LiveServer, connect: ClientFactory) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    grant = await _join(live, interview.join_code, "Ivy")
    ivy = await connect({"token": grant["token"]})
    await ivy.set_awareness(1, {"user": {"name": "Ivy", "color": "#123456"}})
    old_client = ivy.doc.client_id
    await ada.wait_for("sync:message", lambda _: old_client in ada.awareness)
    await ivy.close()
    tab2 = await connect({"token": (await _join(live, interview.join_code, "Ivy"))["token"]})
    await tab2.set_awareness(1, {"user": {"name": "Ivy", "color": "#123456"}})

    async def cursors_of_ivy() -> set[int]:
        while True:
            present = {cid for cid, state in ada.awareness.items() if state is not None}
            if old_client not in present and tab2.doc.client_id in present:
                return present
            await asyncio.sleep(0.02)

    present = await asyncio.wait_for(cursors_of_ivy(), 10)
    assert old_client not in present  # one cursor per person: the closed tab's is gone
