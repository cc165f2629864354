"""The room's shared terminal with the redis backend: the program runs on a runner host (an
``onsite runner`` worker on a real Docker engine), its prompt and the candidate's answer stream
through Redis, and Ctrl+C reaches it — the same room code as with the local engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pycrdt import Text

from runners.redis_engine import RedisEngine
from server.app import create_app
from server.settings import Settings
from tests.runners.queue.conftest import PREFIX, Hosts, hosts, queue_redis, queue_settings
from tests.server.rooms.conftest import ClientFactory
from tests.server.rooms.live import LiveServer, live_server
from tests.server.rooms.test_terminal_live import PROGRAM, shown

pytestmark = pytest.mark.docker

__all__ = ["hosts", "queue_redis"]  # the runner hosts' fixtures, used here


@pytest.fixture
async def live(settings: Settings, hosts: Hosts) -> AsyncIterator[LiveServer]:
    engine = RedisEngine(hosts.redis.url, PREFIX, queue_settings())
    async with live_server(create_app(settings, engine), settings) as server:
        yield server


async def test_a_candidate_answers_a_prompt_on_a_runner_host(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    grace = await connect({"token": await live.candidate_token(interview)})

    def rewrite(text: Text) -> None:
        text.clear()
        text.insert(0, PROGRAM)

    await ada.edit(rewrite)
    await grace.wait_text(PROGRAM)
    assert (await grace.call("terminal:start", {"mode": "program"}))["ok"] is True
    await ada.wait_for("terminal:output", lambda _: b"Name: " in shown(ada), within=60)
    await grace.call("terminal:input", {"data": "Grace\r"})
    await ada.wait_for("terminal:output", lambda _: b"Hello, Grace!" in shown(ada), within=30)
    await grace.call("terminal:input", {"data": "\x03"})
    finished = await ada.wait_for("terminal:finished", within=30)
    assert finished["result"]["status"] == "runtime_error"
    assert finished["result"]["message"] == "stopped with Ctrl+C"
