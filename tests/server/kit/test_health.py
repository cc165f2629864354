"""``/api/health`` answers while the process serves; ``/api/ready`` names the dependency that
does not answer (database, Redis, engine), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from runners.engine import DockerEngine
from runners.settings import EngineSettings
from server.kit.ratelimit import LocalWindowLimiter
from server.kit.readiness import NotReadyError, add_readiness_check, docker_ping, engine_probe
from server.kit.state import get_state
from tests.conftest import DatabaseUnderTest
from tests.support.fake_engine import FakeEngine
from tests.support.net import free_port


class SickEngine(FakeEngine):
    """An engine that can say it is not ready (as a Redis backend with no live worker will)."""

    def __init__(self) -> None:
        super().__init__()
        self.problem: str | None = None

    async def ready(self) -> str | None:
        if self.problem:
            raise NotReadyError(self.problem)
        return "2 workers"


@pytest.fixture
def fake_engine() -> FakeEngine:
    return SickEngine()


async def test_health_asks_nothing(client: Client) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


async def test_ready_lists_every_check(client: Client, database: DatabaseUnderTest) -> None:
    response = await client.get("/api/ready")
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert list(body["checks"]) == ["database", "engine"]  # no Redis configured
    assert body["checks"]["database"]["ok"] and body["checks"]["engine"]["ok"]
    assert body["checks"]["database"]["detail"] == database.kind
    assert body["checks"]["engine"]["detail"] == "2 workers"


async def test_without_redis_the_limiters_stay_in_memory(app: Quart) -> None:
    state = get_state(app)
    assert state.redis is None
    assert isinstance(state.login_ip_limiter, LocalWindowLimiter)


def unreachable_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'no such directory' / 'x.sqlite3'}"
    return f"postgresql+asyncpg://onsite:onsite@127.0.0.1:{free_port()}/onsite"


async def test_ready_fails_when_the_database_does_not_answer(
    app: Quart, client: Client, database: DatabaseUnderTest, tmp_path: Path
) -> None:
    state = get_state(app)
    working = state.db_engine
    state.db_engine = create_async_engine(
        unreachable_url(database.kind, tmp_path), poolclass=NullPool
    )
    try:
        response = await client.get("/api/ready")
    finally:
        await state.db_engine.dispose()
        state.db_engine = working
    body = await response.get_json()
    assert response.status_code == 503, body
    assert body["error"]["code"] == "not_ready"
    assert body["error"]["message"].startswith("Not ready: database: ")
    assert body["checks"]["database"]["ok"] is False and body["checks"]["database"]["error"]
    assert body["checks"]["engine"]["ok"] is True
    assert (await client.get("/api/health")).status_code == 200
    assert (await client.get("/api/ready")).status_code == 200


async def test_ready_fails_when_the_engine_says_so(client: Client, fake_engine: SickEngine) -> None:
    fake_engine.problem = "no runner has sent a heartbeat for 30 s"
    response = await client.get("/api/ready")
    body = await response.get_json()
    assert response.status_code == 503
    assert body["checks"]["engine"] == {
        "ok": False,
        "ms": body["checks"]["engine"]["ms"],
        "detail": None,
        "error": "no runner has sent a heartbeat for 30 s",
    }
    assert "engine: no runner" in body["error"]["message"]


async def test_a_backend_adds_its_own_check(app: Quart, client: Client) -> None:
    async def hangs() -> str:
        await asyncio.Event().wait()
        return "never"

    add_readiness_check(get_state(app), "queue", hangs, timeout_s=0.05)
    body = await (await client.get("/api/ready")).get_json()
    assert body["checks"]["queue"]["ok"] is False
    assert "no answer within 0.05 s" in body["checks"]["queue"]["error"]
    assert body["checks"]["database"]["ok"] is True


async def test_probes_are_never_refused(client: Client) -> None:
    """A proxy probing often is never rate-limited into marking the node down; concurrent
    requests share one run of the checks."""
    answers = await asyncio.gather(*(client.get("/api/ready") for _ in range(40)))
    assert {a.status_code for a in answers} == {200}
    answers = await asyncio.gather(*(client.get("/api/health") for _ in range(40)))
    assert {a.status_code for a in answers} == {200}


async def test_both_are_documented_without_authentication(client: Client) -> None:
    spec = await (await client.get("/openapi.json")).get_json()
    health = spec["paths"]["/api/health"]["get"]
    ready = spec["paths"]["/api/ready"]["get"]
    assert set(health["responses"]) == {"200"}
    assert {"200", "503"} <= set(ready["responses"])
    schema = ready["responses"]["503"]["content"]["application/json"]["schema"]
    assert {"error", "checks"} <= set(schema["required"])
    assert not health.get("security") and not ready.get("security")


# ---- the Docker engine's probe: Docker's GET /_ping over its socket ------------------------------


@dataclass
class DockerLike:
    path: str
    status: bytes = b"200 OK"
    requests: list[bytes] = field(default_factory=list)


@pytest.fixture
async def docker_like(tmp_path: Path) -> AsyncIterator[DockerLike]:
    """A unix socket answering ``GET /_ping`` like dockerd (status chosen by the test)."""
    fake = DockerLike(str(tmp_path / "docker.sock"))

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        fake.requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 " + fake.status + b"\r\nContent-Length: 2\r\n\r\nOK")
        await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(serve, fake.path)
    try:
        yield fake
    finally:
        server.close()
        await server.wait_closed()


async def test_docker_ping_answers(docker_like: DockerLike) -> None:
    detail = await docker_ping(f"unix://{docker_like.path}")
    assert detail == f"docker at unix://{docker_like.path}"
    assert docker_like.requests[0].startswith(b"GET /_ping HTTP/1.0\r\n")


async def test_docker_ping_refuses_an_error_status(docker_like: DockerLike) -> None:
    docker_like.status = b"500 Internal Server Error"
    with pytest.raises(NotReadyError, match="500 Internal Server Error"):
        await docker_ping(f"unix://{docker_like.path}")


async def test_the_docker_engine_is_asked_through_its_socket(docker_like: DockerLike) -> None:
    engine = DockerEngine(EngineSettings(docker_url=f"unix://{docker_like.path}"))
    assert await engine_probe(engine) == f"docker at unix://{docker_like.path}"
    assert len(docker_like.requests) == 1
    docker_like.status = b"503 Service Unavailable"
    with pytest.raises(NotReadyError):
        await engine_probe(engine)


async def test_docker_ping_without_a_daemon(tmp_path: Path) -> None:
    with pytest.raises(NotReadyError, match="no Docker engine answers"):
        await docker_ping(f"unix://{tmp_path / 'absent.sock'}")
    with pytest.raises(NotReadyError, match="no Docker engine answers"):
        await docker_ping(f"tcp://127.0.0.1:{free_port()}")
