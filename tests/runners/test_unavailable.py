"""A language whose image is missing answers EngineUnavailableError, not a hang or a 500."""

from __future__ import annotations

import asyncio
import tomllib

import pytest

from runners.catalogue import parse_catalogue
from runners.contract import EngineUnavailableError, RunRequest
from runners.engine import DockerEngine
from runners.settings import REPO_ROOT, EngineSettings

pytestmark = pytest.mark.docker


def test_missing_image_is_engine_unavailable() -> None:
    with (REPO_ROOT / "config" / "languages.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    raw["languages"]["ruby"]["image"] = "onsite/does-not-exist:never"
    engine = DockerEngine(EngineSettings.load(pool_enabled=False), parse_catalogue(raw))

    async def attempt() -> None:
        await engine.start()
        try:
            await engine.run(RunRequest("ruby", "puts 1"))
        finally:
            await engine.close()

    with pytest.raises(EngineUnavailableError, match=r"does-not-exist.*images build"):
        asyncio.run(attempt())
