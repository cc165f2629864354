"""The official judge0 SDK (PyPI ``judge0`` 0.0.8), unmodified, against a live Onsite: its
constructor (``/languages`` and a strict ``/config_info``), ``run`` (create with base64, then
poll ``?base64_encoded=true&fields=*``), batches and test cases.

The SDK is synchronous, so it runs in a thread while the server runs in this event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import judge0
import pytest
from judge0 import LanguageAlias, Status, Submission

from server.settings import Settings
from tests.server.judge0.conftest import CATALOGUE
from tests.support.live_api import LiveApi, make_engine, serve_api

ECHO = "print(input())\n"


@pytest.fixture
async def live(settings: Settings, engine_kind: str) -> AsyncIterator[LiveApi]:
    async with serve_api(settings, make_engine(engine_kind, CATALOGUE)) as api:
        yield api


def sdk_client(live: LiveApi) -> judge0.Client:
    return judge0.Client(f"{live.url}/api/judge0", headers={"X-Auth-Token": live.api_key})


async def test_the_sdk_starts_and_sees_our_languages(live: LiveApi) -> None:
    client = await asyncio.to_thread(sdk_client, live)
    ids = {lang.id for lang in client.languages}
    assert {71, 50} <= ids
    assert client.config.max_number_of_runs == 1 and not client.config.enable_network
    # Both ask the server (GET /about): never from the event loop the server runs in.
    assert await asyncio.to_thread(lambda: client.version) == "1.13.1"
    assert await asyncio.to_thread(client.is_language_supported, LanguageAlias.PYTHON)
    python = await asyncio.to_thread(client.get_language, 71)
    assert python.name.startswith("Python (3.")


async def test_the_sdk_refuses_to_start_without_a_key(live: LiveApi) -> None:
    def start() -> None:
        judge0.Client(f"{live.url}/api/judge0", headers={"X-Auth-Token": "onsk_wrong"})

    with pytest.raises(RuntimeError, match="Authentication failed"):
        await asyncio.to_thread(start)


async def test_sdk_run(live: LiveApi) -> None:
    client = await asyncio.to_thread(sdk_client, live)
    result = await asyncio.to_thread(
        judge0.run,
        client=client,
        source_code=ECHO,
        language=LanguageAlias.PYTHON,
        stdin="héllo, judge0",
    )
    assert isinstance(result, Submission)
    assert result.status == Status.ACCEPTED
    assert result.stdout in ("héllo, judge0", "héllo, judge0\n")  # the fake echoes stdin as is
    assert result.time is not None and result.memory is not None


async def test_sdk_test_cases(live: LiveApi) -> None:
    client = await asyncio.to_thread(sdk_client, live)
    results = await asyncio.to_thread(
        judge0.run,
        client=client,
        source_code=ECHO,
        language=LanguageAlias.PYTHON,
        test_cases=[("1\n", "1"), ("2\n", "3"), judge0.TestCase(input="x \n", expected_output="x")],
    )
    assert isinstance(results, list)
    assert [r.status for r in results] == [Status.ACCEPTED, Status.WRONG_ANSWER, Status.ACCEPTED]


async def test_sdk_batch(live: LiveApi) -> None:
    client = await asyncio.to_thread(sdk_client, live)
    submissions = [
        Submission(source_code=ECHO, language=LanguageAlias.PYTHON, stdin=f"batch {n}")
        for n in range(3)
    ]
    results = await asyncio.to_thread(judge0.run, client=client, submissions=submissions)
    assert isinstance(results, list) and len(results) == 3
    for n, result in enumerate(results):
        assert result.status == Status.ACCEPTED
        assert (result.stdout or "").startswith(f"batch {n}")
    tokens = {str(r.token) for r in results}
    assert len(tokens) == 3


async def test_sdk_async_run_then_wait(live: LiveApi) -> None:
    client = await asyncio.to_thread(sdk_client, live)
    pending = await asyncio.to_thread(
        judge0.async_run, client=client, source_code=ECHO, language=71, stdin="later"
    )
    assert isinstance(pending, Submission) and pending.token is not None
    done = await asyncio.to_thread(judge0.wait, client=client, submissions=pending)
    assert isinstance(done, Submission) and done.status == Status.ACCEPTED
