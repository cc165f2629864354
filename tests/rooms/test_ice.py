"""STUN and TURN servers from ``[rooms]`` reach the clients on join."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rooms.conftest import ClientFactory
from tests.rooms.live import LiveServer


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "rooms": {
            "reconnect_grace_seconds": 1,
            "stun_urls": ["stun:stun.example.org:3478"],
            "turn_urls": ["turn:turn.example.org:3478?transport=udp"],
            "turn_username": "onsite",
            "turn_credential": "s3cret",
        }
    }


async def test_ice_servers_come_from_settings(live: LiveServer, connect: ClientFactory) -> None:
    owner, _access = await live.interviewer()
    interview = await live.interview(owner)
    grace = await connect({"token": await live.candidate_token(interview)})
    assert grace.events["room:welcome"][0]["ice_servers"] == [
        {"urls": ["stun:stun.example.org:3478"]},
        {
            "urls": ["turn:turn.example.org:3478?transport=udp"],
            "username": "onsite",
            "credential": "s3cret",
        },
    ]
