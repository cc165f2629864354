"""``RedisEngine``: the server side of the run queue — the same ``Engine`` door as the local
engine, with the containers on other hosts.

The web process holds the catalogue and the maxima (so it refuses a bad request exactly as the
local engine does, without a round trip) but no Docker client at all: a compromised web tier
cannot reach a Docker socket. A run is

1. checked (``RequestChecker``), given a deadline (``queue_wait_ms`` to be taken by a runner host,
   plus its own budget: compile and run timeouts and container overhead);
2. admitted by one Lua script, atomically: the live workers' slots for its language (from their
   expiring heartbeats) plus ``queue_size`` against the jobs of that language still in flight.
   No live worker, or all full: ``EngineBusyError`` at once — never a wait that is sure to fail;
3. added to the language's stream by the same script, where a worker's ``XREADGROUP`` takes it;
4. answered through ``BLPOP`` on its own reply list (sent in the same pipeline as the script, so
   a refusal, which the script pushes there, is as quick as an answer), until the deadline; past
   it the server answers an honest ``internal_error`` (the worker, finding the deadline passed,
   will not run it).

Interactive sessions (the room's terminal) take the same road to be admitted and started (a job
marked ``session`` on the language's stream); then their input and output stream over two Redis
streams of their own (``runners.remote_session``), so the web tier still holds no Docker socket
and no direct connection to a runner host.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from runners.catalogue import Catalogue, load_catalogue
from runners.checks import Job, RequestChecker
from runners.contract import (
    EngineBusyError,
    EngineError,
    EngineUnavailableError,
    InvalidRunRequestError,
    LanguageInfo,
    RunRequest,
    RunResult,
    Verdict,
)
from runners.interactive import InteractiveSession, SessionMode
from runners.remote_session import RemoteSession
from runners.settings import EngineSettings
from runners.wire import STREAM_MAXLEN, Keys, QueuedJob, Reply, error_reply, read_full_reply

log = logging.getLogger(__name__)

CONTAINER_OVERHEAD_MS = 3000
"""Added to a job's timeouts for what is not the program: taking or creating a container,
copying files in, removing it. Generous on purpose: a worker refuses a job it may not finish."""
SESSION_ALLOWANCE = 1_000_000
"""Sessions are bounded on each host (``max_interactive_sessions``), not by the run slots."""
REPLY_MARGIN_MS = 1000
"""The server waits this much past a job's deadline for the reply of a run that just made it."""

ADMIT = """
-- KEYS[1] workers set, KEYS[2] in-flight hash, KEYS[3] the language's stream
-- ARGV: worker key prefix, language, now ms, queue allowance, job id, deadline ms, job, maxlen,
--       reply key, refusal when no worker serves the language, refusal when all are full
-- A refusal is pushed onto the job's reply list, which the caller's BLPOP (sent in the same
-- pipeline) pops at once: admission and the wait for the answer cost one round trip.
local function refuse(answer)
  redis.call('LPUSH', ARGV[9], answer)
  redis.call('EXPIRE', ARGV[9], 60)
end
local slots, live = 0, 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local beat = redis.call('GET', ARGV[1] .. id)
  if beat then
    local n = cjson.decode(beat)['slots'][ARGV[2]]
    if n then slots = slots + n; live = live + 1 end
  else
    redis.call('SREM', KEYS[1], id)
  end
end
if live == 0 then refuse(ARGV[10]); return {'none', 0, 0} end
local now, busy = tonumber(ARGV[3]), 0
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do
  if tonumber(flat[i + 1]) < now then redis.call('HDEL', KEYS[2], flat[i]) else busy = busy + 1 end
end
if busy >= slots + tonumber(ARGV[4]) then refuse(ARGV[11]); return {'full', busy, slots} end
redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'job', ARGV[7])
return {'ok', busy, slots}
"""


def job_budget_ms(job: Job) -> int:
    """The longest a checked job may take on a worker."""
    compile_ms = job.limits.compile_timeout_ms if job.language.compile else 0
    if job.tests is None:
        run_ms = job.limits.run_timeout_ms
    else:
        run_ms = sum(plan.run_timeout_ms for plan in job.tests)
    return compile_ms + run_ms + CONTAINER_OVERHEAD_MS


class RedisEngine(RequestChecker):
    def __init__(
        self,
        redis_url: str,
        key_prefix: str = "onsite",
        settings: EngineSettings | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        if not redis_url:
            raise EngineUnavailableError(
                '[engine] backend = "redis" needs [redis] url (e.g. redis://127.0.0.1:6379/0)'
            )
        settings = settings or EngineSettings.load()
        super().__init__(
            settings, catalogue or load_catalogue(settings.catalogue_path, settings.debian_suite)
        )
        self.keys = Keys(key_prefix)
        self._url = redis_url
        self._redis: aioredis.Redis | None = None
        self._cleanups: set[asyncio.Task[None]] = set()

    # -- Engine protocol ------------------------------------------------------------------------

    def languages(self) -> Sequence[LanguageInfo]:
        return self.catalogue.infos()

    async def start(self) -> None:
        """Connect (lazily: the first command opens the socket) and check Redis answers; like the
        local engine without Docker, the server still starts when it does not."""
        client = self._client()
        try:
            await client.ping()
        except (RedisError, OSError) as exc:
            log.warning("engine: Redis at %s does not answer (%s); runs will fail", self._url, exc)

    async def close(self) -> None:
        if self._cleanups:
            await asyncio.gather(*self._cleanups, return_exceptions=True)
        client, self._redis = self._redis, None
        if client is not None:
            await client.aclose()

    async def run(self, request: RunRequest) -> RunResult:
        result, _worker = await self.run_with_origin(request)
        return result

    # -- beyond the protocol ----------------------------------------------------------------------

    async def ready(self) -> str | None:
        """For ``/api/ready``: Redis answers and at least one runner host's heartbeat is alive
        (else ``EngineUnavailableError``, as the local engine's probe fails without Docker)."""
        client = self._client()
        try:
            ids = list(await client.smembers(self.keys.workers))
            beats = await client.mget([self.keys.worker(_text(i)) for i in ids]) if ids else []
        except (RedisError, OSError) as exc:
            raise EngineUnavailableError(f"the run queue (Redis) does not answer ({exc})") from None
        live = [json.loads(beat) for beat in beats if beat]
        if not live:
            raise EngineUnavailableError("no runner host is alive (no heartbeat in the queue)")
        languages = sorted({language for beat in live for language in beat.get("slots", {})})
        return f"{len(live)} runner host(s) serving {', '.join(languages)}"

    def repl_languages(self) -> Sequence[str]:
        return [language.id for language in self.catalogue if language.repl]

    async def interactive(
        self, request: RunRequest, mode: SessionMode = SessionMode.PROGRAM
    ) -> InteractiveSession:
        """Open a session on a runner host (``InteractiveEngine``): refused here exactly as the
        local engine refuses it, ``busy`` at once when no live host serves the language."""
        job = self.check(request)
        language = job.language
        if job.tests is not None:
            raise InvalidRunRequestError("an interactive session takes no test cases")
        if mode is SessionMode.REPL and language.repl is None:
            raise InvalidRunRequestError(f"{language.name} has no REPL here")
        start_ms = CONTAINER_OVERHEAD_MS
        queued = self._queued(request, start_ms, mode.value)
        try:
            reply = await self._submit(queued, language.id, language.name, session=True)
        finally:
            self._forget_later(language.id, queued.id)
        if isinstance(reply.answer, RunResult):  # no host answered in time
            raise EngineBusyError(reply.answer.message or "no runner host took the session")
        return RemoteSession(
            language.id,
            self.settings.interactive_limits(),
            self._client(),
            self.keys,
            queued.id,
            reply.worker,
        )

    async def run_with_origin(self, request: RunRequest) -> tuple[RunResult, str]:
        """``run``, plus the id of the worker that answered (``""`` when none did): what tests and
        logs use to see which runner host served a run. Not part of ``RunResult``."""
        traced = await self.run_traced(request)
        assert isinstance(traced.answer, RunResult)
        return traced.answer, traced.worker

    async def run_traced(self, request: RunRequest) -> Reply:
        """``run`` with who answered and how long the worker's engine took (the bench reads what
        the queue adds from it); engine errors are raised, never returned."""
        job = self.check(request)
        language = job.language.id
        queued = self._queued(request, job_budget_ms(job))
        try:
            return await self._submit(queued, language, job.language.name)
        finally:
            self._forget_later(language, queued.id)

    def _forget_later(self, language: str, job_id: str) -> None:
        """Off the answer's path (one round trip less); if it fails, the in-flight entry stops
        counting at its deadline anyway."""
        task = asyncio.create_task(self._forget(language, job_id))
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)

    async def _forget(self, language: str, job_id: str) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._client().hdel(self.keys.inflight(language), job_id)

    def _queued(self, request: RunRequest, budget_ms: int, session: str = "") -> QueuedJob:
        return QueuedJob(
            id=uuid.uuid4().hex,
            request=request,
            deadline_ms=_now_ms() + self.settings.queue_wait_ms + budget_ms,
            budget_ms=budget_ms,
            session=session,
        )

    async def _submit(
        self, queued: QueuedJob, language: str, name: str, *, session: bool = False
    ) -> Reply:
        """Admit (or refuse with ``busy``) and queue in one atomic script, and wait for the
        answer, in one pipeline: one round trip before a worker's reply. A session counts against
        no run slot (it mostly waits for a person): it needs a live host only.

        EVAL, not EVALSHA: a NOSCRIPT after a Redis restart would leave the BLPOP behind it
        waiting for nothing (Redis caches the compiled script either way)."""
        keys = self.keys
        reply_key = keys.reply(queued.id)
        allowance = SESSION_ALLOWANCE if session else self.settings.queue_size
        nobody = EngineBusyError(f"no runner host is serving {name} right now; try again later")
        full = EngineBusyError("every runner host is busy; try again in a moment")
        wait_s = max(0.001, (queued.deadline_ms + REPLY_MARGIN_MS - _now_ms()) / 1000)
        try:
            async with self._client().pipeline(transaction=False) as pipe:
                pipe.eval(
                    ADMIT,
                    3,
                    keys.workers,
                    keys.inflight(language),
                    keys.jobs(language),
                    keys.worker(""),
                    language,
                    _now_ms(),
                    allowance,
                    queued.id,
                    queued.deadline_ms,
                    queued.to_json(),
                    STREAM_MAXLEN,
                    reply_key,
                    error_reply(nobody, ""),
                    error_reply(full, ""),
                )
                pipe.blpop([reply_key], timeout=wait_s)
                # The client has no socket timeout (redis-py's default of 5 s would cut every
                # longer BLPOP short); this bounds the wait instead, should Redis stop answering.
                _admitted, popped = await asyncio.wait_for(
                    pipe.execute(), wait_s + REPLY_MARGIN_MS / 1000
                )
        except TimeoutError:
            popped = None
        except (RedisError, OSError) as exc:
            raise EngineUnavailableError(f"the run queue (Redis) does not answer ({exc})") from None
        if popped is None:
            late = "no runner host answered before the run's deadline"
            return Reply(RunResult(Verdict.INTERNAL_ERROR, language, message=late), "")
        reply = read_full_reply(popped[1])
        if isinstance(reply.answer, EngineError):
            raise reply.answer
        return reply

    def _client(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = aioredis.Redis.from_url(
                self._url, socket_timeout=None, socket_keepalive=True
            )
        return self._redis


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _now_ms() -> int:
    return int(time.time() * 1000)
