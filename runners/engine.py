"""``DockerEngine``: the real ``Engine`` — admission, limits, the warm pool and the sandbox.

A run moves queued → preparing → compiling → running → finished. Admission is bounded (at most
``max_concurrent_runs`` execute and ``queue_size`` wait; beyond that ``EngineBusyError`` at once).
All Docker work happens in the engine's own worker threads so the event loop never blocks, and
each run's container is destroyed in ``finally`` whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import docker
import requests

from runners.catalogue import (
    Catalogue,
    Language,
    Limits,
    load_catalogue,
)
from runners.checks import Job, RequestChecker
from runners.contract import (
    EngineBusyError,
    EngineUnavailableError,
    InvalidRunRequestError,
    LanguageInfo,
    RunRequest,
    RunResult,
    Verdict,
)
from runners.interactive import InteractiveSession, SessionMode, run_session
from runners.pool import WarmPool
from runners.sandbox import (
    Sandbox,
    StageTimes,
    destroy,
    owner_id,
    reap_leftovers,
)
from runners.settings import EngineSettings

log = logging.getLogger(__name__)

DOCKER_CONNECTIONS = 32


class DockerEngine(RequestChecker):
    def __init__(
        self, settings: EngineSettings | None = None, catalogue: Catalogue | None = None
    ) -> None:
        settings = settings or EngineSettings.load()
        super().__init__(
            settings, catalogue or load_catalogue(settings.catalogue_path, settings.debian_suite)
        )
        self._owner = owner_id()
        self._client: docker.DockerClient | None = None
        self._pool: WarmPool | None = None
        self._admitted = 0
        self._slots: asyncio.Semaphore | None = None
        self._runs = ThreadPoolExecutor(
            max_workers=self.settings.max_concurrent_runs + 1, thread_name_prefix="onsite-run"
        )
        self._removals = ThreadPoolExecutor(max_workers=2, thread_name_prefix="onsite-remove")
        self._sessions = 0

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
        job = self.check(request)
        if self._admitted >= self.settings.max_concurrent_runs + self.settings.queue_size:
            raise EngineBusyError("too many runs are waiting; try again in a moment")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.max_concurrent_runs)
        self._admitted += 1  # queued
        try:
            async with self._slots:
                client = self._client or await self._connect()
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._runs, self._execute, client, job)
        finally:
            self._admitted -= 1

    def repl_languages(self) -> Sequence[str]:
        return [language.id for language in self.catalogue if language.repl]

    async def interactive(
        self, request: RunRequest, mode: SessionMode = SessionMode.PROGRAM
    ) -> InteractiveSession:
        """Start an interactive session (``runners.interactive``); it runs in its own threads
        until it ends, and its container is destroyed then, whatever happened."""
        job = self.check(request)
        language = job.language
        if job.tests is not None:
            raise InvalidRunRequestError("an interactive session takes no test cases")
        command = language.interactive_run or language.run
        if mode is SessionMode.REPL:
            if language.repl is None:
                raise InvalidRunRequestError(f"{language.name} has no REPL here")
            command = language.repl
        if self._sessions >= self.settings.max_interactive_sessions:
            raise EngineBusyError("too many interactive sessions are open; try again later")
        client = self._client or await self._connect()
        session = InteractiveSession(language.id, self.settings.interactive_limits())
        self._sessions += 1
        session.add_done_callback(self._session_ended)
        threading.Thread(
            target=self._run_session,
            args=(client, job, command, session),
            daemon=True,
            name="onsite-interactive",
        ).start()
        return session

    def _session_ended(self) -> None:
        self._sessions -= 1

    def _run_session(
        self, client: docker.DockerClient, job: Job, command: str, session: InteractiveSession
    ) -> None:
        language, limits = job.language, job.limits
        times = StageTimes(
            compile_timeout_s=limits.compile_timeout_ms / 1000,
            run_timeout_s=session.limits.timeout_s,
            output_bytes=limits.output_kb * 1024,
        )
        sandbox: Sandbox | None = None
        pooled = command == language.run and self._pool is not None
        result: RunResult
        try:
            if pooled and self._pool is not None:
                sandbox = self._pool.take(language, limits)
            if sandbox is None:
                own = (
                    language
                    if command == language.run
                    else dataclasses.replace(language, run=command)
                )
                sandbox = self._launch(client, own, limits)
            result = run_session(sandbox, job.source, times, session)
        except EngineUnavailableError as exc:
            result = RunResult(Verdict.INTERNAL_ERROR, language.id, message=exc.message)
        except Exception as exc:  # our side: a verdict, never a hang
            log.exception("engine: interactive session of %s failed on our side", language.id)
            result = RunResult(
                Verdict.INTERNAL_ERROR, language.id, message=f"the sandbox failed: {exc}"
            )
        finally:
            if sandbox is not None:
                self._remove_later(sandbox)
            if pooled and self._pool is not None:
                self._pool.refill(language)
        session.finish(result)

    # -- helpers for callers (CLI, tests, bench) -----------------------------------------------

    async def wait_until_warm(self, timeout_s: float = 60.0) -> bool:
        """True once every language's pool is full (or given up on after a failure)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._pool is None or self._pool.is_full():
                return self._pool is not None
            await asyncio.sleep(0.1)
        return False

    # -- internals -----------------------------------------------------------------------------

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

    def _execute(self, client: docker.DockerClient, job: Job) -> RunResult:
        """preparing → compiling → running → finished, in a worker thread."""
        language, limits = job.language, job.limits
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
                result = sandbox.execute(
                    job.source, job.stdin, times,
                    files=job.files, args=job.args, tests=job.tests, judging=job.judging,
                )  # fmt: skip
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
            # (Only before any test ran: a test's own internal error is not worth a second go.)
            if (
                pooled
                and attempt == 1
                and result.status is Verdict.INTERNAL_ERROR
                and not result.tests
            ):
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


__all__ = ["DockerEngine", "destroy"]
