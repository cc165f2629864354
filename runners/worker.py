"""``onsite runner``: a worker that owns its host's Docker engine (the local engine, warm pool and
all) and serves the Redis run queue (layout in ``runners.wire``).

* It serves the languages whose images its Docker engine has (or those it is told to), and
  takes work only when it has a free slot (``XREADGROUP … COUNT <free> BLOCK``), so the jobs
  nobody can run yet wait in the stream, where another host may take them.
* A job whose deadline leaves too little time for its budget is not run: the worker answers it
  honestly (``busy``: it waited too long) and acknowledges it.
* Every heartbeat it renews its capacity key (which expires after three periods), resets the idle
  time of the jobs it is running (``XCLAIM … JUSTID``, so nobody takes them from a live worker)
  and claims, with ``XAUTOCLAIM``, jobs idle past ``runner_claim_idle_ms``: those of a dead
  worker. A claimed job is run again if its deadline still allows, else answered with an honest
  ``internal_error``.
* The answer goes to the job's reply list, then the entry is acknowledged and deleted (one
  pipeline). On SIGTERM the worker withdraws its capacity at once, stops taking work and finishes
  what it runs (each run is bounded by its timeouts); nothing is lost if it is killed instead:
  the jobs are claimed by another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import docker
import redis.asyncio as aioredis
import requests
from redis.exceptions import RedisError, ResponseError

from runners.catalogue import load_catalogue
from runners.contract import (
    EngineBusyError,
    EngineError,
    InvalidRunRequestError,
    RunResult,
    Verdict,
)
from runners.engine import DockerEngine
from runners.interactive import InteractiveSession, SessionMode
from runners.remote_session import pump_session
from runners.settings import EngineSettings
from runners.wire import (
    GROUP,
    REPLY_TTL_S,
    Keys,
    QueuedJob,
    error_reply,
    result_reply,
    started_reply,
)

log = logging.getLogger(__name__)

READ_BLOCK_MS = 1000


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    redis_url: str
    key_prefix: str = "onsite"
    name: str = ""
    """How logs and the heartbeat name this host (default: the hostname and Docker URL)."""
    languages: tuple[str, ...] = ()
    """Empty: every catalogue language whose image this host's Docker engine has."""


class RunnerWorker:
    def __init__(self, options: WorkerOptions, settings: EngineSettings | None = None) -> None:
        self.options = options
        self.settings = settings or EngineSettings.load()
        self.keys = Keys(options.key_prefix)
        name = options.name or f"{socket.gethostname()}:{self.settings.docker_url or 'docker'}"
        self.name = name
        self.id = f"{name}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.slots = self.settings.max_concurrent_runs
        self.languages: tuple[str, ...] = ()
        self.engine: DockerEngine | None = None
        self._redis: aioredis.Redis | None = None
        self._reader: aioredis.Redis | None = None
        self._running: dict[str, tuple[str, asyncio.Task[None]]] = {}
        """Stream entry id → (stream, task)."""
        self._sessions: dict[str, InteractiveSession] = {}
        self._pumps: set[asyncio.Task[None]] = set()
        self._freed = asyncio.Event()
        self._stopping = asyncio.Event()
        self.served = 0

    # -- lifecycle ------------------------------------------------------------------------------

    async def serve(self) -> None:
        """Run until ``stop()`` (SIGTERM, SIGINT); then finish what is running."""
        await self._open()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop)
        beat = asyncio.create_task(self._heartbeats())
        warm = asyncio.create_task(self._say_when_warm())
        try:
            await self._take_work()
        finally:
            await self._withdraw()
            for session in list(self._sessions.values()):
                await session.kill()  # ends with an honest verdict, sent to the terminal
            if self._pumps:
                await asyncio.gather(*self._pumps, return_exceptions=True)
            if self._running:
                log.info(
                    "runner %s: finishing %d run(s) before exiting", self.id, len(self._running)
                )
                await asyncio.gather(*(task for _, task in self._running.values()))
            for task in (beat, warm):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self._close()

    def stop(self) -> None:
        self._stopping.set()
        self._freed.set()

    async def _open(self) -> None:
        catalogue = load_catalogue(self.settings.catalogue_path, self.settings.debian_suite)
        loop = asyncio.get_running_loop()
        present = await loop.run_in_executor(None, self._images_present, catalogue.infos())
        wanted = self.options.languages or tuple(present)
        missing = [lang for lang in wanted if lang not in present]
        if missing:
            raise EngineError(
                f"this host's Docker engine has no image for: {', '.join(missing)} "
                "(onsite images build, or docker load)"
            )
        if not wanted:
            raise EngineError("this host's Docker engine has no sandbox image at all")
        self.languages = tuple(wanted)
        sizes = {lang.id: 0 for lang in catalogue if lang.id not in self.languages}
        sizes.update({k: v for k, v in self.settings.pool_sizes.items() if k in self.languages})
        engine_settings = replace(self.settings, pool_sizes=sizes)
        self.engine = DockerEngine(engine_settings, catalogue)
        await self.engine.start()
        self._redis = aioredis.Redis.from_url(self.options.redis_url)
        self._reader = aioredis.Redis.from_url(self.options.redis_url)
        for language in self.languages:
            try:
                await self._redis.xgroup_create(
                    self.keys.jobs(language), GROUP, id="0", mkstream=True
                )
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        await self._beat()
        log.info(
            "runner %s: serving %s with %d slot(s)", self.id, ", ".join(self.languages), self.slots
        )

    def _images_present(self, infos: Sequence[object]) -> list[str]:
        catalogue = load_catalogue(self.settings.catalogue_path, self.settings.debian_suite)
        url = self.settings.docker_url
        try:
            client = (
                docker.DockerClient(base_url=url, timeout=30)
                if url
                else docker.from_env(timeout=30)
            )
        except (docker.errors.DockerException, requests.RequestException) as exc:
            raise EngineError(f"no Docker engine answers ({exc})") from None
        try:
            tags = {tag for image in client.images.list() for tag in image.tags}
        finally:
            client.close()
        return [lang.id for lang in catalogue if lang.image in tags]

    async def _say_when_warm(self) -> None:
        """One log line once the warm pool is full: what operators (and the tests) wait for."""
        if self.engine is not None and await self.engine.wait_until_warm(300):
            log.info("runner %s: warm", self.id)

    async def _withdraw(self) -> None:
        """No more admissions against this worker's slots."""
        if self._redis is None:
            return
        with contextlib.suppress(RedisError, OSError):
            await self._redis.delete(self.keys.worker(self.id))
            await self._redis.srem(self.keys.workers, self.id)

    async def _close(self) -> None:
        if self.engine is not None:
            await self.engine.close()
        for client in (self._reader, self._redis):
            if client is not None:
                await client.aclose()

    # -- taking work ----------------------------------------------------------------------------

    async def _take_work(self) -> None:
        assert self._reader is not None
        streams: dict[Any, Any] = {self.keys.jobs(language): ">" for language in self.languages}
        while not self._stopping.is_set():
            free = self.slots - len(self._running)
            if free <= 0:
                self._freed.clear()
                await self._freed.wait()
                continue
            # Not cancelled on stop (a cancelled read may still deliver entries to this consumer):
            # it returns within READ_BLOCK_MS, and what it brings is run before exiting.
            try:
                answer: Any = await self._reader.xreadgroup(
                    GROUP, self.id, streams, count=free, block=READ_BLOCK_MS
                )
            except (RedisError, OSError) as exc:
                log.warning("runner %s: reading the queue failed (%s); retrying", self.id, exc)
                await asyncio.sleep(1)
                continue
            for stream, entries in answer or []:
                for entry_id, fields in entries:
                    self._start(_text(stream), _text(entry_id), fields, claimed=False)

    def _start(
        self, stream: str, entry_id: str, fields: dict[bytes, bytes], *, claimed: bool
    ) -> None:
        task = asyncio.create_task(self._handle(stream, entry_id, fields, claimed))
        self._running[entry_id] = (stream, task)

        def done(_task: asyncio.Task[None]) -> None:
            self._running.pop(entry_id, None)
            self._freed.set()

        task.add_done_callback(done)

    async def _handle(
        self, stream: str, entry_id: str, fields: dict[bytes, bytes], claimed: bool
    ) -> None:
        raw = fields.get(b"job")
        try:
            job = QueuedJob.from_json(raw or b"")
        except (ValueError, KeyError, TypeError) as exc:
            log.error("runner %s: dropping malformed entry %s (%s)", self.id, entry_id, exc)
            await self._finish(stream, entry_id, None, "")
            return
        now = _now_ms()
        if now > job.start_by_ms:
            if claimed:
                reply = result_reply(
                    RunResult(
                        Verdict.INTERNAL_ERROR,
                        job.request.language,
                        message="the runner host running it stopped, and too little time is left "
                        "before its deadline to run it again",
                    ),
                    self.id,
                )
            else:
                waited = EngineBusyError(
                    "no runner host could take this run before its deadline; try again"
                )
                reply = error_reply(waited, self.id)
            log.info("runner %s: job %s past its start-by time, not run", self.id, job.id)
            await self._finish(stream, entry_id, job.id, reply)
            return
        assert self.engine is not None
        if job.session:
            await self._open_session(stream, entry_id, job)
            return
        started = time.perf_counter()
        try:
            result = await self.engine.run(job.request)
            reply = result_reply(result, self.id, (time.perf_counter() - started) * 1000)
        except EngineError as exc:
            reply = error_reply(exc, self.id)
        except Exception as exc:  # our side: an honest answer, never silence
            log.exception("runner %s: job %s failed", self.id, job.id)
            reply = result_reply(
                RunResult(Verdict.INTERNAL_ERROR, job.request.language, message=f"runner: {exc}"),
                self.id,
            )
        self.served += 1
        log.info("runner %s: served job %s (%s)", self.id, job.id, job.request.language)
        await self._finish(stream, entry_id, job.id, reply)

    async def _open_session(self, stream: str, entry_id: str, job: QueuedJob) -> None:
        """Start the session, answer that it started (the job is then done: a session is never
        rerun elsewhere, its input would be lost) and pump it in a task of its own."""
        assert self.engine is not None and self._redis is not None
        try:
            session = await self.engine.interactive(job.request, SessionMode(job.session))
        except EngineError as exc:
            await self._finish(stream, entry_id, job.id, error_reply(exc, self.id))
            return
        except ValueError:
            bad = InvalidRunRequestError(f"unknown session mode {job.session!r}")
            await self._finish(stream, entry_id, job.id, error_reply(bad, self.id))
            return
        self._sessions[job.id] = session
        pump = asyncio.create_task(pump_session(session, self._redis, self.keys, job.id))
        self._pumps.add(pump)

        def done(_task: asyncio.Task[None]) -> None:
            self._pumps.discard(pump)
            self._sessions.pop(job.id, None)

        pump.add_done_callback(done)
        log.info("runner %s: session %s open (%s)", self.id, job.id, job.request.language)
        await self._finish(stream, entry_id, job.id, started_reply(self.id))

    async def _finish(self, stream: str, entry_id: str, job_id: str | None, reply: str) -> None:
        assert self._redis is not None
        for attempt in range(3):
            try:
                async with self._redis.pipeline(transaction=True) as pipe:
                    if job_id is not None:
                        pipe.lpush(self.keys.reply(job_id), reply)
                        pipe.expire(self.keys.reply(job_id), REPLY_TTL_S)
                    pipe.xack(stream, GROUP, entry_id)
                    pipe.xdel(stream, entry_id)
                    await pipe.execute()
                return
            except (RedisError, OSError) as exc:
                log.warning(
                    "runner %s: replying failed (%s), attempt %d", self.id, exc, attempt + 1
                )
                await asyncio.sleep(0.5)

    # -- heartbeats and dead workers' jobs -----------------------------------------------------

    async def _heartbeats(self) -> None:
        period = self.settings.runner_heartbeat_ms / 1000
        while True:
            await asyncio.sleep(period)
            try:
                if not self._stopping.is_set():
                    await self._beat()
                await self._keep_own()
                if not self._stopping.is_set():
                    await self._claim_abandoned()
                    await self._forget_dead_consumers()
            except (RedisError, OSError) as exc:
                log.warning("runner %s: heartbeat failed (%s)", self.id, exc)

    async def _beat(self) -> None:
        assert self._redis is not None
        beat = json.dumps({"name": self.name, "slots": dict.fromkeys(self.languages, self.slots)})
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(self.keys.worker(self.id), beat, px=3 * self.settings.runner_heartbeat_ms)
            pipe.sadd(self.keys.workers, self.id)
            await pipe.execute()

    async def _keep_own(self) -> None:
        """Reset the idle time of what this worker runs: only a dead worker's jobs go idle."""
        assert self._redis is not None
        by_stream: dict[str, list[str]] = {}
        for entry_id, (stream, _task) in list(self._running.items()):
            by_stream.setdefault(stream, []).append(entry_id)
        for stream, ids in by_stream.items():
            await self._redis.xclaim(stream, GROUP, self.id, 0, ids, justid=True)  # type: ignore[arg-type]

    async def _forget_dead_consumers(self) -> None:
        """Drop the group's consumers that are gone (no heartbeat) and hold nothing: each restart
        of a worker is a new consumer, and the group would otherwise keep them all."""
        assert self._redis is not None
        for language in self.languages:
            stream = self.keys.jobs(language)
            consumers: Any = await self._redis.xinfo_consumers(stream, GROUP)
            for consumer in consumers:
                name = _text(consumer["name"])
                if (
                    name == self.id
                    or int(consumer["pending"])
                    or int(consumer["idle"]) < self.settings.runner_claim_idle_ms
                    or await self._redis.exists(self.keys.worker(name))
                ):
                    continue
                await self._redis.xgroup_delconsumer(stream, GROUP, name)
                log.info("runner %s: forgot the dead consumer %s", self.id, name)

    async def _claim_abandoned(self) -> None:
        assert self._redis is not None
        for language in self.languages:
            free = self.slots - len(self._running)
            if free <= 0:
                return
            stream = self.keys.jobs(language)
            answer = await self._redis.xautoclaim(
                stream, GROUP, self.id, self.settings.runner_claim_idle_ms, "0-0", count=free
            )
            for entry_id, fields in answer[1]:
                if fields is None:  # deleted meanwhile
                    continue
                log.warning("runner %s: claimed %s from a dead worker", self.id, _text(entry_id))
                self._start(stream, _text(entry_id), fields, claimed=True)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _now_ms() -> int:
    return int(time.time() * 1000)


def run_worker(options: WorkerOptions, settings: EngineSettings | None = None) -> int:
    """The blocking body of ``onsite runner``."""
    worker = RunnerWorker(options, settings)
    try:
        asyncio.run(worker.serve())
    except EngineError as exc:
        log.error("onsite runner: %s", exc.message)
        return 1
    return 0
