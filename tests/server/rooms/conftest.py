"""Room fixtures: the whole app served for real on a loopback port, with the fake engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from server.app import create_app
from server.interviews.models import Interview
from server.settings import Settings
from tests.server.rooms.live import LiveServer, YClient, live_server
from tests.support.fake_engine import FakeEngine


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"rooms": {"reconnect_grace_seconds": 1}}


@pytest.fixture
async def live(settings: Settings, fake_engine: FakeEngine) -> AsyncIterator[LiveServer]:
    async with live_server(create_app(settings, fake_engine), settings) as server:
        yield server


ClientFactory = Callable[[dict[str, Any]], Awaitable[YClient]]
STUB = 'print("Hello, World!")\n'
"""The code a new (Python) interview's room starts with."""


@pytest.fixture
async def connect(live: LiveServer) -> AsyncIterator[ClientFactory]:
    """Connects a YClient with the given auth (joined and synced); all closed at the end."""
    clients: list[YClient] = []

    async def make(auth: dict[str, Any]) -> YClient:
        client = YClient(live.url, auth)
        clients.append(client)
        await client.connect()
        return client

    yield make
    for client in clients:
        await client.close()


async def interviewer_and_candidate(
    live: LiveServer, connect: ClientFactory
) -> tuple[Interview, YClient, YClient]:
    """The usual opening of a room test: a new interview with its interviewer (``ada``) and a
    candidate (``grace``) joined and synced (both replicas hold the starter code)."""
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    grace = await connect({"token": await live.candidate_token(interview)})
    await ada.wait_text(STUB)
    await grace.wait_text(STUB)
    return interview, ada, grace
