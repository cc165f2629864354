"""The Redis the multi-node tests rely on: real, reachable, emptied per test, ACLs enforced."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis.asyncio as aioredis
import redis.exceptions

from tests.support.redis_server import RedisServer


async def test_each_test_starts_with_an_empty_redis(redis_server: RedisServer) -> None:
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        assert await client.dbsize() == 0
        await client.set("onsite:probe", "1")
        assert await client.get("onsite:probe") == b"1"
    finally:
        await client.aclose()


async def test_an_acl_user_is_fenced_into_its_keys(tmp_path: Path) -> None:
    server = RedisServer.start(tmp_path, users={"runner": "on >runner-pw ~onsite:q:* +@all"})
    client = aioredis.Redis.from_url(server.url_for("runner", "runner-pw"))
    try:
        await client.set("onsite:q:x", "1")
        with pytest.raises(redis.exceptions.NoPermissionError):
            await client.get("onsite:secrets")
    finally:
        await client.aclose()
        server.stop()
