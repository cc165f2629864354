"""The whole app served on a loopback port, for tests that drive it with real third-party
clients (the judge0 SDK, ultra-piston), with an API key for a fresh account.

The engine is a fixture parameter: the FakeEngine everywhere, and the real Docker engine for
tests marked ``docker`` (its runs are real programs, so the tests' programs are real programs
whose output the fake's echo reproduces: they print their stdin).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from quart import Quart

from runners.contract import Engine, LanguageInfo
from server.accounts import service as accounts
from server.accounts.models import User
from server.app import create_app
from server.kit.db import unit_of_work
from server.kit.state import get_state
from server.settings import Settings
from tests.server.rooms.live import live_server
from tests.support.fake_engine import FakeEngine


@dataclass
class LiveApi:
    app: Quart
    url: str
    api_key: str
    engine: Engine


async def new_api_key(app: Quart, name: str = "Client Tester") -> str:
    async with unit_of_work(get_state(app).sessions) as session:
        user = User(email=f"client-{uuid.uuid4().hex}@example.com", name=name)
        session.add(user)
        await session.flush()
        _, secret = await accounts.create_api_key(session, user, "client")
    return secret


def make_engine(kind: str, fake_languages: Sequence[LanguageInfo]) -> Engine:
    if kind == "fake":
        return FakeEngine(languages=fake_languages)
    from runners.engine import DockerEngine
    from runners.settings import EngineSettings

    # A warm container only for the languages these tests use: filling every language's pool
    # cost each test about 13 s of setup on a loaded machine.
    warm = {language.id: 1 for language in fake_languages}
    return DockerEngine(EngineSettings.load(pool_size=0, pool_sizes=warm))


@contextlib.asynccontextmanager
async def serve_api(settings: Settings, engine: Engine) -> AsyncIterator[LiveApi]:
    app = create_app(settings, engine)
    async with live_server(app, settings) as server:
        wait_until_warm = getattr(engine, "wait_until_warm", None)
        if wait_until_warm is not None:
            await wait_until_warm(120.0)
        yield LiveApi(app, server.url, await new_api_key(app), engine)
