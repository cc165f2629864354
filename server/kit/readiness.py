"""Readiness: a short list of named checks, each a probe that raises when its dependency fails.

``/api/ready`` (``server.kit.health``) runs every check of the app concurrently, each within
its own timeout, and answers which failed. ``create_app`` registers the database, Redis (when
configured) and the run engine; anything else an installation depends on adds its own with
``add_readiness_check(state, name, probe)`` (e.g. a Redis engine backend's "a live worker
heartbeat exists"). A probe returns an optional detail for the answer ("docker at unix://…")
and raises, with a message the operator can act on, when its dependency does not answer.

The engine check asks the engine itself when it can say (an engine with ``async ready()``);
for the local Docker engine it sends Docker's ``GET /_ping`` over the engine's socket, the
cheapest request Docker answers, without creating a client or touching the pool.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from runners.contract import Engine
from runners.engine import DockerEngine

Probe = Callable[[], Awaitable[str | None]]
DEFAULT_TIMEOUT_S = 2.0
DOCKER_SOCKET = "/var/run/docker.sock"


class NotReadyError(Exception):
    """A probe's dependency does not answer; the message says which and why."""


@dataclass(frozen=True, slots=True)
class ReadinessCheck:
    name: str
    probe: Probe
    timeout_s: float = DEFAULT_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    name: str
    ok: bool
    ms: float
    detail: str | None = None
    error: str | None = None


class _HasReadiness(Protocol):
    readiness: list[ReadinessCheck]


def add_readiness_check(
    state: _HasReadiness, name: str, probe: Probe, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> None:
    """Ask ``probe`` on every ``/api/ready``; a check of the same name is replaced."""
    state.readiness[:] = [c for c in state.readiness if c.name != name]
    state.readiness.append(ReadinessCheck(name, probe, timeout_s))


async def _outcome(check: ReadinessCheck) -> CheckOutcome:
    started = time.perf_counter()
    detail: str | None = None
    error: str | None = None
    try:
        detail = await asyncio.wait_for(check.probe(), check.timeout_s)
    except TimeoutError:
        error = f"no answer within {check.timeout_s:g} s"
        ok = False
    except Exception as exc:  # any failure of a dependency is an answer, not a 500
        error = str(exc) or type(exc).__name__
        ok = False
    else:
        ok = True
    ms = round((time.perf_counter() - started) * 1000, 1)
    return CheckOutcome(check.name, ok, ms, detail, error)


async def run_checks(checks: Sequence[ReadinessCheck]) -> list[CheckOutcome]:
    return list(await asyncio.gather(*(_outcome(check) for check in checks)))


# ---- the engine --------------------------------------------------------------------------------


@runtime_checkable
class ReadyEngine(Protocol):
    """An engine that can say itself whether it can take runs (raises ``NotReadyError`` or an
    ``EngineError`` when not; returns a detail for the answer)."""

    async def ready(self) -> str | None: ...


async def docker_ping(docker_url: str) -> str:
    """Docker's ``GET /_ping`` at ``docker_url`` (empty: ``DOCKER_HOST`` or the default socket)."""
    url = docker_url or os.environ.get("DOCKER_HOST", "") or f"unix://{DOCKER_SOCKET}"
    parts = urlsplit(url)
    try:
        if parts.scheme == "unix":
            reader, writer = await asyncio.open_unix_connection(parts.path)
        elif parts.scheme in ("tcp", "http"):
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 2375)
        else:
            return f"docker at {url} (not probed: only unix:// and tcp:// are)"
    except OSError as exc:
        raise NotReadyError(f"no Docker engine answers at {url} ({exc})") from None
    try:
        writer.write(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        await writer.drain()
        answer = await reader.read(4096)
    except OSError as exc:
        raise NotReadyError(f"the Docker engine at {url} did not answer ({exc})") from None
    finally:
        writer.close()
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")
    if " 200 " not in f"{status} ":
        raise NotReadyError(f"the Docker engine at {url} answered {status or 'nothing'!r}")
    return f"docker at {url}"


async def engine_probe(engine: Engine | None) -> str | None:
    if engine is None:
        raise NotReadyError("the run engine is not open yet")
    if isinstance(engine, ReadyEngine):
        return await engine.ready()
    if isinstance(engine, DockerEngine):
        return await docker_ping(engine.settings.docker_url)
    return f"{type(engine).__name__} with {len(engine.languages())} languages"
