"""The room's shared terminal with the redis backend: the program runs on a runner host (an
``onsite runner`` worker on a real Docker engine), its prompt and the candidate's answer stream
through Redis, and Ctrl+C reaches it — the same room code as with the local engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from runners.redis_engine import RedisEngine
from server.app import create_app
from server.settings import Settings
from tests.runners.queue.conftest import PREFIX, Hosts, hosts, queue_redis, queue_settings
from tests.server.rooms.conftest import ClientFactory
from tests.server.rooms.live import LiveServer, live_server
from tests.server.rooms.test_terminal_live import answer_a_prompt

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
    await answer_a_prompt(ada, grace)
