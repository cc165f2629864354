"""The shared terminal with the real Docker engine behind the room: a Python ``input()``
prompt answered by the candidate, seen by the interviewer, then Ctrl+C."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest
from pycrdt import Text

from runners.contract import LanguageInfo
from runners.engine import DockerEngine
from runners.settings import EngineSettings
from server.app import create_app
from server.kit.state import get_state
from server.settings import Settings
from tests.server.rooms.conftest import ClientFactory
from tests.server.rooms.live import LiveServer, YClient, live_server

pytestmark = pytest.mark.docker

PROGRAM = 'while True:\n    name = input("Name: ")\n    print(f"Hello, {name}!")\n'


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    engine = DockerEngine(EngineSettings.load(pool_sizes={"python": 1}))
    async with live_server(create_app(settings, engine), settings) as server:
        yield server


def live_languages(live: LiveServer) -> Sequence[LanguageInfo]:
    return get_state(live.app).run_engine.languages()


def shown(client: YClient) -> bytes:
    return b"".join(bytes(item["data"]) for item in client.events.get("terminal:output", []))


async def answer_a_prompt(ada: YClient, grace: YClient) -> None:
    """Ada writes PROGRAM; Grace runs it in the terminal, answers its prompt and stops it with
    Ctrl+C; both see it all. Whichever engine the room has (this host's or a runner host)."""

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


async def test_a_candidate_answers_a_python_prompt_through_the_room(
    live: LiveServer, connect: ClientFactory
) -> None:
    owner, access = await live.interviewer()
    interview = await live.interview(owner)
    ada = await connect({"interview_id": interview.id, "access_token": access})
    grace = await connect({"token": await live.candidate_token(interview)})
    stub = next(lang.stub for lang in live_languages(live) if lang.id == "python")
    await ada.wait_text(stub)
    await answer_a_prompt(ada, grace)
