"""The PyPI ``ultra-piston`` client (1.0.1), unmodified, against a live Onsite: runtimes and
execute, sync (in a thread) and async, with the API key in ``Authorization`` as it sends it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from ultra_piston import File, PistonClient
from ultra_piston.errors import BadRequestError, UnexpectedStatusError

from server.settings import Settings
from tests.server.piston.conftest import CATALOGUE
from tests.support.live_api import LiveApi, make_engine, serve_api


@pytest.fixture
async def live(settings: Settings, engine_kind: str) -> AsyncIterator[LiveApi]:
    async with serve_api(settings, make_engine(engine_kind, CATALOGUE)) as api:
        yield api


def piston(live: LiveApi, api_key: str | None = None) -> PistonClient:
    return PistonClient(
        base_url=f"{live.url}/piston/api/v2/",
        api_key=api_key if api_key is not None else live.api_key,
        rate_limit=0,
    )


async def test_runtimes(live: LiveApi) -> None:
    runtimes = await asyncio.to_thread(piston(live).get_runtimes)
    python = next(rt for rt in runtimes if rt.language == "python")
    assert python.version.startswith("3.") and "py" in python.aliases


async def test_execute_sync_and_async(live: LiveApi) -> None:
    client = piston(live)
    program = File(name="main.py", content="import sys\nprint(input(), *sys.argv[1:])\n")
    out = await asyncio.to_thread(
        client.post_execute, "python", "*", program, stdin="echo\n", args=["a", "b"]
    )
    assert out.language == "python" and out.run.code == 0
    assert out.run.stdout.startswith("echo")
    out = await client.post_execute_async("py", "3", program, stdin="again\n")
    assert out.run.stdout.startswith("again") and out.compile is None


async def test_client_errors(live: LiveApi) -> None:
    client = piston(live)
    program = File(content="print(1)")
    with pytest.raises(BadRequestError):
        await asyncio.to_thread(client.post_execute, "cobol", "*", program)
    with pytest.raises(BadRequestError):
        await asyncio.to_thread(client.post_execute, "python", "*", program, run_timeout=10**9)
    with pytest.raises(UnexpectedStatusError) as raised:
        await asyncio.to_thread(piston(live, "onsk_wrong").post_execute, "python", "*", program)
    assert raised.value.status_code == 401
