"""Interactive sessions over the Redis queue: the room's terminal with the program on a runner
host. One stream each way per session, beside the job streams (layout in ``runners.wire``):

* ``P:q:session:<id>:in`` — the server's ``write`` / ``close`` / ``interrupt`` / ``kill``;
* ``P:q:session:<id>:out`` — the worker's output chunks, then one ``result``.

Streams rather than pub/sub: an entry waits until it is read (a worker that starts reading late
loses no keystroke), and they are ordered and bounded by the session's own limits. Both expire
after the session's wall-time limit (plus a minute), so a dead party leaves nothing behind.

The server side (``RemoteSession``) keeps the input limits itself (the same checks and errors as
a local session); the worker applies every other limit (rate, flood, idle, wall time) because the
program runs there. If the worker dies, its heartbeat expires and the session ends with an
honest ``internal_error`` instead of a terminal that hangs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from runners.contract import RunResult, Verdict
from runners.interactive import (
    InteractiveLimits,
    InteractiveSession,
    OutputChunk,
    SessionClosedError,
    check_input,
)
from runners.wire import Keys

READ_BLOCK_MS = 1000


def session_ttl_s(limits: InteractiveLimits) -> int:
    return int(limits.timeout_s) + 60


class RemoteSession(InteractiveSession):
    """``InteractiveSession`` whose program runs on a runner host."""

    def __init__(
        self,
        language: str,
        limits: InteractiveLimits,
        client: aioredis.Redis,
        keys: Keys,
        session_id: str,
        worker_id: str,
    ) -> None:
        super().__init__(language, limits)
        self._client = client
        self._in = keys.session_in(session_id)
        self._out = keys.session_out(session_id)
        self.session_id = session_id
        self.worker_id = worker_id
        """The runner host's worker serving the session (tests and logs)."""
        self._worker_key = keys.worker(worker_id)
        self._reader = asyncio.create_task(self._follow())

    async def _send(self, op: str, data: bytes = b"") -> None:
        fields = {"op": op, "data": base64.b64encode(data).decode()}
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.xadd(self._in, fields)  # type: ignore[arg-type]
                pipe.expire(self._in, session_ttl_s(self.limits))
                await pipe.execute()
        except (RedisError, OSError):
            self._end("the run queue (Redis) stopped answering during the session")

    async def write(self, data: bytes) -> None:
        if self.finished or self.eof:
            raise SessionClosedError("the program's input is closed")
        check_input(self.limits, self.input_bytes, data)
        self.input_bytes += len(data)
        if data:
            await self._send("write", data)

    async def close(self) -> None:
        if not self.eof:
            self.eof = True
            await self._send("close")

    async def interrupt(self) -> None:
        self.interrupted = True
        await self._send("interrupt")

    async def kill(self) -> None:
        self.killed = True
        await self._send("kill")

    def _end(self, message: str) -> None:
        self.finish(RunResult(Verdict.INTERNAL_ERROR, self.language, message=message))

    async def _follow(self) -> None:
        last = "0-0"
        try:
            while not self.finished:
                answer: Any = await self._client.xread(
                    {self._out: last}, count=64, block=READ_BLOCK_MS
                )
                if not answer:
                    if not await self._client.exists(self._worker_key):
                        self._end("the runner host running the session stopped")
                        return
                    continue
                for entry_id, fields in answer[0][1]:
                    last = entry_id
                    if self._take(fields):
                        return
        except (RedisError, OSError):
            self._end("the run queue (Redis) stopped answering during the session")
        except asyncio.CancelledError:
            self._end("the session was closed")
            raise

    def _take(self, fields: dict[bytes, bytes]) -> bool:
        """One entry of the output stream; True at the result."""
        kind = fields.get(b"kind", b"").decode()
        if kind == "chunk":
            self.emit(
                OutputChunk(
                    fields[b"stream"].decode(),
                    base64.b64decode(fields[b"data"]),
                    int(fields.get(b"dropped", b"0")),
                )
            )
            return False
        if kind == "result":
            self.finish(RunResult.from_dict(json.loads(fields[b"result"])))
            return True
        return False


async def pump_session(
    session: InteractiveSession, client: aioredis.Redis, keys: Keys, session_id: str
) -> None:
    """The worker's half: input stream → the local session; its output and result → the output
    stream. Returns when the session has finished and its result is sent."""
    ttl = session_ttl_s(session.limits)
    out = keys.session_out(session_id)

    async def forward_input() -> None:
        last = "0-0"
        source = keys.session_in(session_id)
        while not session.finished:
            answer: Any = await client.xread({source: last}, count=64, block=READ_BLOCK_MS)
            for entry_id, fields in answer[0][1] if answer else []:
                last = entry_id
                op = fields.get(b"op", b"").decode()
                with contextlib.suppress(Exception):  # the server checked; a late write is moot
                    if op == "write":
                        await session.write(base64.b64decode(fields.get(b"data", b"")))
                    elif op == "close":
                        await session.close()
                    elif op == "interrupt":
                        await session.interrupt()
                    elif op == "kill":
                        await session.kill()

    async def send(fields: dict[str, str]) -> None:
        async with client.pipeline(transaction=False) as pipe:
            pipe.xadd(out, fields)  # type: ignore[arg-type]
            pipe.expire(out, ttl)
            await pipe.execute()

    feeder = asyncio.create_task(forward_input())
    try:
        async for chunk in session:
            await send(
                {
                    "kind": "chunk",
                    "stream": chunk.stream,
                    "data": base64.b64encode(chunk.data).decode(),
                    "dropped": str(chunk.dropped),
                }
            )
        result = await session.result()
        await send({"kind": "result", "result": json.dumps(result.to_dict())})
    finally:
        feeder.cancel()
        with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
            await feeder
        if not session.finished:
            await session.kill()
