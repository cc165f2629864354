"""Interactive sessions (the room's terminal) over the queue: the program runs on a runner host,
its input and output stream through Redis, and a dead host ends the session with an honest
verdict instead of a terminal that hangs."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from runners.contract import InvalidRunRequestError, RunRequest, TestCase, Verdict
from runners.interactive import InteractiveEngine, InteractiveSession, SessionMode
from runners.redis_engine import RedisEngine
from runners.remote_session import RemoteSession, session_ttl_s
from runners.wire import Keys
from tests.runners.queue.conftest import PREFIX, Hosts

pytestmark = pytest.mark.docker

KEYS = Keys(PREFIX)
GREETER = RunRequest("python", "name = input('name? ')\nprint('hi', name)\n")


async def read_until(session: InteractiveSession, text: str, timeout_s: float = 20) -> str:
    seen = ""

    async def read() -> str:
        nonlocal seen
        async for chunk in session:
            seen += chunk.data.decode()
            if text in seen:
                return seen
        return seen

    return await asyncio.wait_for(read(), timeout_s)


async def test_a_session_streams_both_ways(queue_engine: RedisEngine, hosts: Hosts) -> None:
    assert isinstance(queue_engine, InteractiveEngine)  # what the room's terminal checks
    session = await queue_engine.interactive(GREETER)
    assert isinstance(session, RemoteSession)
    assert "name? " in await read_until(session, "name? ")
    await session.write(b"bob\n")
    assert "hi bob" in await read_until(session, "hi bob")
    result = await asyncio.wait_for(session.result(), 20)
    assert result.status is Verdict.OK, result
    assert result.run is not None and "hi bob" in result.run.stdout
    client = aioredis.Redis.from_url(hosts.redis.url)
    try:  # both streams go away by themselves
        for key in (KEYS.session_in(session.session_id), KEYS.session_out(session.session_id)):
            assert 0 < await client.ttl(key) <= session_ttl_s(session.limits)
    finally:
        await client.aclose()


async def test_sessions_are_refused_as_the_local_engine_refuses_them(
    queue_engine: RedisEngine,
) -> None:
    with pytest.raises(InvalidRunRequestError, match="no test cases"):
        await queue_engine.interactive(RunRequest("python", "", tests=(TestCase("1"),)))
    no_repl = [lang.id for lang in queue_engine.catalogue if lang.repl is None]
    if no_repl:
        with pytest.raises(InvalidRunRequestError, match="has no REPL"):
            await queue_engine.interactive(RunRequest(no_repl[0], ""), SessionMode.REPL)


async def test_a_dead_runner_host_ends_its_session_honestly(
    queue_engine: RedisEngine, hosts: Hosts
) -> None:
    session = await queue_engine.interactive(GREETER)
    assert isinstance(session, RemoteSession)
    await read_until(session, "name? ")
    host = session.worker_id.partition(":")[0]
    try:
        hosts.workers[host].kill()
        result = await asyncio.wait_for(session.result(), 20)
        assert result.status is Verdict.INTERNAL_ERROR
        assert result.message == "the runner host running the session stopped"
    finally:
        hosts.restart(host)
