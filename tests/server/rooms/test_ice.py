"""ICE servers reach each participant on join: the installation's own STUN/TURN, with a TURN
credential of the participant's own that expires, never a static one or the shared secret."""

from __future__ import annotations

import time
from typing import Any

import pytest

from server.rooms.ice import turn_credential
from tests.server.rooms.conftest import ClientFactory
from tests.server.rooms.live import LiveServer

SECRET = "a-test-turn-secret-that-is-long-enough-0123456789"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "rooms": {
            "reconnect_grace_seconds": 1,
            "stun_urls": ["stun:stun.example.org:3478"],
            "turn_urls": ["turn:turn2.example.org:3478?transport=udp"],
        },
        "turn": {"host": "turn.example.org", "secret": SECRET, "credential_ttl_seconds": 900},
    }


async def test_each_participant_gets_its_own_expiring_turn_credential(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    interviewer = await connect({"interview_id": interview.id, "access_token": access})
    candidate = await connect({"token": await live.candidate_token(interview)})
    welcomes = [c.events["room:welcome"][0] for c in (candidate, interviewer)]
    usernames = []
    for welcome in welcomes:
        stun, turn = welcome["ice_servers"]
        assert stun == {"urls": ["stun:turn.example.org:3478", "stun:stun.example.org:3478"]}
        assert turn["urls"] == [
            "turn:turn.example.org:3478?transport=udp",
            "turn:turn.example.org:3478?transport=tcp",
            "turn:turn2.example.org:3478?transport=udp",
        ]
        expiry, _, participant = turn["username"].partition(":")
        assert participant == welcome["self"]["participant_id"]
        assert 0 < int(expiry) - time.time() <= 900
        assert turn["credential"] == turn_credential(SECRET, turn["username"])
        assert SECRET not in str(welcome)
        assert welcome["ice_transport_policy"] == "all"
        usernames.append(turn["username"])
    assert usernames[0] != usernames[1]
