"""`onsite serve` for real: a subprocess with the real Docker engine wiring, answering HTTP and
Socket.IO on one port. (The engine's warm pool is turned off to keep the test light.)"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.support.net import free_port
from tests.support.serve_process import collect_lines, stop

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
async def test_onsite_serve_answers_http_and_socketio(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "ONSITE_DATA_DIR": str(tmp_path / "data"),
        "ONSITE_SERVER_PORT": str(port),
        "ONSITE_ENGINE_POOL_ENABLED": "false",
        "ONSITE_SERVER_CLIENT_DIST": str(tmp_path / "no-dist"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "serve",
        cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    drain: asyncio.Task[None] | None = None
    try:
        assert process.stdout is not None
        output: list[str] = []
        drain = asyncio.create_task(collect_lines(process.stdout, output))
        for _ in range(300):
            if any(f"http://127.0.0.1:{port}/" in line for line in output):
                break
            assert process.returncode is None, "".join(output)
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("no URL printed: " + "".join(output))
        async with aiohttp.ClientSession() as http:
            for _ in range(150):
                try:
                    async with http.get(f"{base}/api/languages") as response:
                        if response.status == 200:
                            languages = await response.json()
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("onsite serve did not answer")
            assert any(lang["id"] == "python" for lang in languages)
            async with http.get(f"{base}/") as page:
                assert "make client" in await page.text()
            async with http.get(f"{base}/socket.io/?EIO=4&transport=polling") as sio:
                assert sio.status == 200
                assert (await sio.text()).startswith("0{")  # Engine.IO "open" packet
            # migrations ran on start: registering works against the fresh SQLite file (the
            # first account, the admin; with the defaults it confirms its address by mail)
            async with http.post(
                f"{base}/api/auth/register",
                json={"email": "serve@example.com", "password": "long enough pw", "name": "S"},
            ) as created:
                assert created.status == 202, await created.text()
        assert (tmp_path / "data" / "onsite.sqlite3").exists()
        assert (tmp_path / "data" / "secrets" / "jwt_secret").exists()
        assert "Traceback" not in "".join(output), "".join(output)
    finally:
        await stop(process, drain)




@pytest.mark.slow
async def test_onsite_serve_names_an_unreachable_database(tmp_path: Path) -> None:
    dead_port = free_port()
    env = {
        **os.environ,
        "ONSITE_DATA_DIR": str(tmp_path / "data"),
        "ONSITE_SERVER_PORT": str(free_port()),
        "ONSITE_DATABASE_URL": f"postgresql+asyncpg://onsite:s3cret@127.0.0.1:{dead_port}/x",
        "ONSITE_SERVER_DATABASE_CONNECT_ATTEMPTS": "2",
        "ONSITE_SERVER_DATABASE_CONNECT_BACKOFF_SECONDS": "0.1",
        "ONSITE_ENGINE_POOL_ENABLED": "false",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "serve",
        cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    text = output.decode(errors="replace")
    assert process.returncode == 1, text
    assert (
        f"could not reach the database at postgresql+asyncpg://onsite:***@127.0.0.1:{dead_port}/x"
        in text
    )
    assert "after 2 attempts" in text
    assert "s3cret" not in text
