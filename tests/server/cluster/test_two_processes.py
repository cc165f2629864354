"""Two real ``onsite serve`` processes on one PostgreSQL database and one Redis, configured by
environment alone as the systemd units do: a session opened on one is accepted by the other
(one signing secret), failed sign-ins on either count for both, and with Redis stopped sign-in
answers a JSON 503 while ``/api/health`` still answers and ``/api/ready`` names Redis. Without
the shared secrets, ``onsite serve`` refuses to start and says which variables to set."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import postgres_url
from tests.support.net import free_port
from tests.support.redis_server import RedisServer
from tests.support.serve_process import collect_lines, stop

REPO = Path(__file__).resolve().parents[3]
SECRET = "one-secret-for-every-node-of-this-test-cluster-0123456789"

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(postgres_url(), poolclass=NullPool)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield name
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        await admin.dispose()


def node_env(tmp_path: Path, port: int, redis_url: str, schema: str) -> dict[str, str]:
    return {
        **os.environ,
        "ONSITE_DATA_DIR": str(tmp_path / f"serve-{port}"),
        "ONSITE_SERVER_PORT": str(port),
        "ONSITE_SERVER_CLIENT_DIST": str(tmp_path / "no-dist"),
        "ONSITE_ENGINE_POOL_ENABLED": "false",
        "ONSITE_DATABASE_URL": postgres_url(),
        "ONSITE_DATABASE_SCHEMA": schema,
        "ONSITE_REDIS_URL": redis_url,
        "ONSITE_AUTH_JWT_SECRET": SECRET,
        "ONSITE_TURN_SECRET": SECRET,
        "ONSITE_AUTH_BCRYPT_ROUNDS": "4",
        "ONSITE_AUTH_REQUIRE_EMAIL_VERIFICATION": "false",
        "ONSITE_AUTH_LOGIN_ATTEMPTS_PER_ACCOUNT": "3",
    }


@asynccontextmanager
async def onsite_serve(env: dict[str, str]) -> AsyncIterator[str]:
    """A running ``onsite serve``; its base URL once ``/api/health`` answers."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "serve",
        cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    output: list[str] = []
    drain = asyncio.create_task(collect_lines(process.stdout, output))
    base = f"http://127.0.0.1:{env['ONSITE_SERVER_PORT']}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                assert process.returncode is None, "".join(output)
                try:
                    async with http.get(f"{base}/api/health") as answer:
                        if answer.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("onsite serve did not answer: " + "".join(output))
        yield base
        assert "Traceback" not in "".join(output), "".join(output)
    finally:
        await stop(process, drain)




async def post(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with http.post(url, json=body) as answer:
        return answer.status, await answer.json()


async def test_two_processes_share_secret_and_limits(tmp_path: Path, schema: str) -> None:
    redis = RedisServer.start(tmp_path / "redis")
    first_env = node_env(tmp_path, free_port(), redis.url, schema)
    second_env = node_env(tmp_path, free_port(), redis.url, schema)
    email, password = f"node-{uuid.uuid4().hex[:8]}@example.com", "long enough pw"
    try:
        async with onsite_serve(first_env) as first, onsite_serve(second_env) as second:
            # unsafe: keep the cookies a server on an IP address (127.0.0.1) sets
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                status, body = await post(
                    http,
                    f"{first}/api/auth/register",
                    {"email": email, "password": password, "name": "N"},
                )
                assert status == 201, body
                access = next(c.value for c in http.cookie_jar if c.key == "onsite_access")
            headers = {"Authorization": f"Bearer {access}"}
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{second}/api/auth/me", headers=headers) as me:
                    assert me.status == 200, await me.text()  # signed by the first node
                for node in (first, second, first):
                    wrong = {"email": email, "password": "wrong guess"}
                    assert (await post(http, f"{node}/api/auth/login", wrong))[0] == 401
                status, body = await post(
                    http, f"{second}/api/auth/login", {"email": email, "password": password}
                )
                assert status == 429, body

                redis.stop()
                status, body = await post(
                    http, f"{first}/api/auth/login", {"email": email, "password": password}
                )
                assert (status, body["error"]["code"]) == (503, "rate_limit_unavailable")
                async with http.get(f"{second}/api/ready") as ready:
                    report = await ready.json()
                    assert ready.status == 503, report
                assert report["checks"]["redis"]["ok"] is False
                assert report["checks"]["database"]["ok"] is True
                async with http.get(f"{second}/api/health") as health:
                    assert health.status == 200
    finally:
        redis.stop()
    assert not (tmp_path / f"serve-{first_env['ONSITE_SERVER_PORT']}" / "secrets").exists()


async def test_serve_refuses_a_multi_node_start_without_the_secrets(
    tmp_path: Path, schema: str
) -> None:
    env = node_env(tmp_path, free_port(), "redis://127.0.0.1:1/0", schema)
    del env["ONSITE_AUTH_JWT_SECRET"], env["ONSITE_TURN_SECRET"]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "serve",
        cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    message = output.decode(errors="replace")
    assert process.returncode == 2, message
    assert "multi-node configuration (redis.url is set)" in message
    assert "ONSITE_AUTH_JWT_SECRET" in message and "ONSITE_TURN_SECRET" in message
