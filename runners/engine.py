"""``DockerEngine``: the real ``Engine`` — admission, limits, the warm pool and the sandbox.

A run moves queued → preparing → compiling → running → finished. Admission is bounded (at most
``max_concurrent_runs`` execute and ``queue_size`` wait; beyond that ``EngineBusyError`` at once).
All Docker work happens in the engine's own worker threads so the event loop never blocks, and
each run's container is destroyed in ``finally`` whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import docker
import requests

from runners.catalogue import (
    LIMIT_BOUNDS,
    Catalogue,
    CatalogueError,
    Language,
    Limits,
    load_catalogue,
)
from runners.contract import (
    EngineBusyError,
    EngineUnavailableError,
    InvalidRunRequestError,
    LanguageInfo,
    LimitAboveMaximumError,
    PayloadTooLargeError,
    RunRequest,
    RunResult,
    Verdict,
)
from runners.pool import WarmPool
from runners.sandbox import Sandbox, StageTimes, destroy, owner_id, reap_leftovers
from runners.settings import EngineSettings

log = logging.getLogger(__name__)

DOCKER_CONNECTIONS = 32
REQUESTABLE_LIMITS = ("compile_timeout_ms", "run_timeout_ms", "memory_mb", "output_kb", "pids")


class DockerEngine:
    def __init__(
        self, settings: EngineSettings | None = None, catalogue: Catalogue | None = None
    ) -> None:
        self.settings = settings or EngineSettings.load()
        self.catalogue = catalogue or load_catalogue(self.settings.catalogue_path)
        self._check_catalogue_within_maxima()
        self._owner = owner_id()
        self._client: docker.DockerClient | None = None
        self._pool: WarmPool | None = None
        self._admitted = 0
        self._slots: asyncio.Semaphore | None = None
        self._runs = ThreadPoolExecutor(
            max_workers=self.settings.max_concurrent_runs + 1, thread_name_prefix="onsite-run"
        )
        self._removals = ThreadPoolExecutor(max_workers=2, thread_name_prefix="onsite-remove")

    # -- Engine protocol ------------------------------------------------------------------------

    def languages(self) -> Sequence[LanguageInfo]:
        return self.catalogue.infos()

    async def start(self) -> None:
        """Connect, reap what a dead engine left behind and start filling the pool.

        Without a Docker engine the server still starts: runs then answer
        ``EngineUnavailableError`` until one answers.
        """
        try:
            client = await self._connect()
        except EngineUnavailableError as exc:
            log.warning("engine: %s; runs will fail until it answers", exc.message)
            return
        await asyncio.get_running_loop().run_in_executor(self._runs, self._open_pool, client)

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        pool, self._pool = self._pool, None
        if pool is not None:
            await loop.run_in_executor(None, pool.close)
        await loop.run_in_executor(None, self._removals.shutdown, True)
        self._runs.shutdown(wait=False, cancel_futures=True)
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None

    async def run(self, request: RunRequest) -> RunResult:
        language = self.catalogue.get(request.language)
        limits = self.effective_limits(language, request)
        source = _encode(request.source, "source", self.settings.max_source_kb)
        stdin = _encode(request.stdin, "stdin", self.settings.max_stdin_kb)
        if self._admitted >= self.settings.max_concurrent_runs + self.settings.queue_size:
            raise EngineBusyError("too many runs are waiting; try again in a moment")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.max_concurrent_runs)
        self._admitted += 1  # queued
        try:
            async with self._slots:
                client = self._client or await self._connect()
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(
                    self._runs, self._execute, client, language, limits, source, stdin
                )
        finally:
            self._admitted -= 1

    # -- helpers for callers (CLI, tests, bench) -----------------------------------------------

    async def wait_until_warm(self, timeout_s: float = 60.0) -> bool:
        """True once every language's pool is full (or given up on after a failure)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._pool is None or self._pool.is_full():
                return self._pool is not None
            await asyncio.sleep(0.1)
        return False

    def effective_limits(self, language: Language, request: RunRequest) -> Limits:
        changes: dict[str, Any] = {}
        for name in REQUESTABLE_LIMITS:
            value = getattr(request.limits, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidRunRequestError(f"limit {name} must be a whole number")
            maximum = getattr(self.settings, f"max_{name}")
            if value > maximum:
                raise LimitAboveMaximumError(
                    f"limit {name}={value} is above this server's maximum of {maximum}"
                )
            low = int(LIMIT_BOUNDS[name][0])
            if value < low:
                raise InvalidRunRequestError(f"limit {name}={value} is below the minimum of {low}")
            changes[name] = value
        if not changes:
            return language.limits
        values = {name: getattr(language.limits, name) for name in Limits.__slots__}
        values.update(changes)
        return Limits(**values)

    # -- internals -----------------------------------------------------------------------------

    def _check_catalogue_within_maxima(self) -> None:
        for language in self.catalogue:
            for name in REQUESTABLE_LIMITS:
                value = getattr(language.limits, name)
                maximum = getattr(self.settings, f"max_{name}")
                if value > maximum:
                    raise CatalogueError(
                        f"[languages.{language.id}] {name}={value} is above the [engine] "
                        f"maximum max_{name}={maximum}"
                    )

    async def _connect(self) -> docker.DockerClient:
        loop = asyncio.get_running_loop()
        client = await loop.run_in_executor(self._runs, self._connect_blocking)
        self._client = client
        return client

    def _connect_blocking(self) -> docker.DockerClient:
        _probe_socket(self.settings.docker_url or os.environ.get("DOCKER_HOST", ""))
        client: docker.DockerClient | None = None
        try:
            # Run, pool and removal threads share the client: more connections than the SDK's
            # default 10, or they queue for one (and urllib3 discards the surplus).
            if self.settings.docker_url:
                client = docker.DockerClient(
                    base_url=self.settings.docker_url, timeout=30, max_pool_size=DOCKER_CONNECTIONS
                )
            else:
                client = docker.from_env(timeout=30, max_pool_size=DOCKER_CONNECTIONS)
            client.ping()
        except (docker.errors.DockerException, requests.RequestException) as exc:
            if client is not None:
                client.close()
            raise EngineUnavailableError(f"no Docker engine answers ({exc})") from None
        return client

    def _open_pool(self, client: docker.DockerClient) -> None:
        with contextlib.suppress(docker.errors.DockerException, requests.RequestException):
            reaped = reap_leftovers(client)
            if reaped:
                log.info("engine: removed %d sandbox container(s) left behind", reaped)
        if self._pool is None and self.settings.pool_enabled:
            self._pool = WarmPool(client, self.catalogue, self.settings.pool_size_for, self._owner)
            self._pool.fill()

    def _execute(
        self,
        client: docker.DockerClient,
        language: Language,
        limits: Limits,
        source: bytes,
        stdin: bytes,
    ) -> RunResult:
        """preparing → compiling → running → finished, in a worker thread."""
        times = StageTimes(
            compile_timeout_s=limits.compile_timeout_ms / 1000,
            run_timeout_s=limits.run_timeout_ms / 1000,
            output_bytes=limits.output_kb * 1024,
        )
        for attempt in (1, 2):
            sandbox: Sandbox | None = None
            pooled = False
            try:
                if self._pool is not None and attempt == 1:
                    sandbox = self._pool.take(language, limits)
                    pooled = sandbox is not None
                if sandbox is None:
                    sandbox = self._launch(client, language, limits)
                result = sandbox.execute(source, stdin, times)
            except EngineUnavailableError:
                raise
            except Exception as exc:  # our side, whatever it was: a verdict, never a 500
                log.exception("engine: run of %s failed on our side", language.id)
                return RunResult(
                    Verdict.INTERNAL_ERROR, language.id, message=f"the sandbox failed: {exc}"
                )
            finally:
                if sandbox is not None:
                    self._remove_later(sandbox)
                if self._pool is not None:
                    self._pool.refill(language)
            # A pooled container that died while waiting (daemon restart, …): retry once fresh.
            if pooled and attempt == 1 and result.status is Verdict.INTERNAL_ERROR:
                log.warning(
                    "engine: pooled %s container failed (%s); retrying", language.id, result.message
                )
                continue
            return result
        raise AssertionError("unreachable")

    def _launch(self, client: docker.DockerClient, language: Language, limits: Limits) -> Sandbox:
        try:
            return Sandbox.launch(client, language, limits, owner=self._owner)
        except docker.errors.ImageNotFound:
            raise EngineUnavailableError(
                f"the image {language.image} for {language.name} is missing; "
                "build it with `onsite images build --missing`"
            ) from None
        except requests.ConnectionError as exc:
            raise EngineUnavailableError(f"no Docker engine answers ({exc})") from None

    def _remove_later(self, sandbox: Sandbox) -> None:
        try:
            self._removals.submit(sandbox.destroy)
        except RuntimeError:  # shutting down: remove now
            sandbox.destroy()


def _probe_socket(url: str) -> None:
    """Fail fast, and without leaking a socket, when a local Docker socket does not answer.

    The SDK's unix-socket adapter leaves its socket open when ``connect`` fails.
    """
    path = url.removeprefix("unix://") if url.startswith("unix://") else ""
    if not url:
        path = "/var/run/docker.sock"
    if not path:
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(5)
        try:
            probe.connect(path)
        except OSError as exc:
            raise EngineUnavailableError(f"no Docker engine answers at {path} ({exc})") from None


def _encode(text: str, what: str, max_kb: int) -> bytes:
    if not isinstance(text, str):
        raise InvalidRunRequestError(f"{what} must be text")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRunRequestError(f"{what} is not valid Unicode text") from None
    if len(data) > max_kb * 1024:
        raise PayloadTooLargeError(
            f"{what} is {len(data) / 1024:.0f} KiB; the maximum is {max_kb} KiB"
        )
    return data


__all__ = ["DockerEngine", "destroy"]
