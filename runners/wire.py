"""The run queue's wire format and key layout, shared by the server side (``RedisEngine``) and the
``onsite runner`` worker. Pure: no Redis, no Docker; tested on plain values.

Key layout (``P`` is ``[redis] key_prefix``); everything lives under ``P:q:`` so one ACL pattern
(``~P:q:*``) fences a runner host in:

* ``P:q:jobs:<language>`` — a stream per language, consumer group ``runners``; one entry per job,
  field ``job`` holding the JSON below.
* ``P:q:inflight:<language>`` — a hash job id → deadline (ms): jobs admitted and not answered
  yet, counted against the live workers' slots; an entry past its deadline no longer counts, so
  a dead server process cannot leak capacity.
* ``P:q:workers`` — a set of worker ids; ``P:q:worker:<id>`` — that worker's heartbeat (JSON
  ``{"name", "slots": {language: n}}``), expiring after three heartbeat periods.
* ``P:q:reply:<job id>`` — a list the worker pushes the answer onto (the server BLPOPs it); it
  expires a minute after the push.
* ``P:q:session:<job id>:in`` / ``:out`` — an interactive session's two streams (input from the
  server, output and the result from the worker; ``runners.remote_session``).

Deadlines are wall-clock milliseconds (``time.time()``): server and runner hosts must keep their
clocks in step (NTP), as every host running a queue with deadlines must.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runners.contract import (
    Comparison,
    EngineBusyError,
    EngineError,
    EngineUnavailableError,
    InvalidRunRequestError,
    Judging,
    LimitAboveMaximumError,
    PayloadTooLargeError,
    RequestedLimits,
    RunRequest,
    RunResult,
    SourceFile,
    TestCase,
    TooManyTestsError,
    UnknownLanguageError,
)

GROUP = "runners"
REPLY_TTL_S = 60
STREAM_MAXLEN = 10_000
"""Approximate cap on a language's stream (entries are deleted once answered anyway)."""

_ERRORS: dict[str, type[EngineError]] = {
    cls.code: cls
    for cls in (
        EngineError,
        EngineBusyError,
        EngineUnavailableError,
        InvalidRunRequestError,
        UnknownLanguageError,
        LimitAboveMaximumError,
        PayloadTooLargeError,
        TooManyTestsError,
    )
}


@dataclass(frozen=True, slots=True)
class Keys:
    """The queue's keys under one prefix."""

    prefix: str

    @property
    def base(self) -> str:
        return f"{self.prefix}:q:"

    def jobs(self, language: str) -> str:
        return f"{self.base}jobs:{language}"

    def inflight(self, language: str) -> str:
        return f"{self.base}inflight:{language}"

    @property
    def workers(self) -> str:
        return f"{self.base}workers"

    def worker(self, worker_id: str) -> str:
        return f"{self.base}worker:{worker_id}"

    def reply(self, job_id: str) -> str:
        return f"{self.base}reply:{job_id}"

    def session_in(self, session_id: str) -> str:
        return f"{self.base}session:{session_id}:in"

    def session_out(self, session_id: str) -> str:
        return f"{self.base}session:{session_id}:out"

    def language_of(self, stream: str) -> str:
        return stream.removeprefix(f"{self.base}jobs:")


def runner_acl(user: str, password: str, prefix: str) -> str:
    """The ACL rule (``ACL SETUSER`` / ``users.acl`` syntax) for a runner host: the queue's keys
    only, and only the commands a worker sends (no XADD: a runner host cannot queue work)."""
    commands = (
        "+@connection +multi +exec +discard +xreadgroup +xread +xack +xdel +xclaim +xautoclaim "
        "+xgroup|create +xgroup|delconsumer +xinfo|consumers +exists +lpush +expire +set +del "
        "+sadd +srem -@admin -@dangerous"
    )  # (the last two take back what @connection brings beyond that: CLIENT KILL, CLIENT LIST)
    # A selector (Redis 7): XADD only onto interactive sessions' streams, never onto a job stream.
    sessions = f"(~{prefix}:q:session:* +xadd)"
    return (
        f"user {user} on >{password} resetkeys ~{prefix}:q:* resetchannels -@all {commands} "
        f"{sessions}"
    )


@dataclass(frozen=True, slots=True)
class QueuedJob:
    """One job on the stream."""

    id: str
    request: RunRequest
    deadline_ms: int
    """Wall-clock ms by which the server needs the answer (it stops waiting then)."""
    budget_ms: int
    """The longest this run may take on a worker (timeouts plus container overhead): a worker
    starts it only while ``now + budget_ms <= deadline_ms``."""
    session: str = ""
    """Empty for a run; ``program`` or ``repl`` for an interactive session (its budget covers
    only getting it started: the session's own limits bound the rest)."""

    @property
    def start_by_ms(self) -> int:
        return self.deadline_ms - self.budget_ms

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "request": request_to_dict(self.request),
                "deadline_ms": self.deadline_ms,
                "budget_ms": self.budget_ms,
                "session": self.session,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> QueuedJob:
        data = json.loads(text)
        return cls(
            id=str(data["id"]),
            request=request_from_dict(data["request"]),
            deadline_ms=int(data["deadline_ms"]),
            budget_ms=int(data["budget_ms"]),
            session=str(data.get("session", "")),
        )


def _limits_dict(limits: RequestedLimits) -> dict[str, int]:
    names = ("compile_timeout_ms", "run_timeout_ms", "memory_mb", "output_kb", "pids")
    return {name: getattr(limits, name) for name in names if getattr(limits, name) is not None}


def request_to_dict(request: RunRequest) -> dict[str, Any]:
    judging = request.judging
    return {
        "language": request.language,
        "source": request.source,
        "stdin": request.stdin,
        "limits": _limits_dict(request.limits),
        "tests": [
            {
                "stdin": test.stdin,
                "expected_stdout": test.expected_stdout,
                "name": test.name,
                "hidden": test.hidden,
                "limits": _limits_dict(test.limits),
            }
            for test in request.tests
        ],
        "judging": {
            "comparison": judging.comparison.value,
            "float_abs_tolerance": judging.float_abs_tolerance,
            "float_rel_tolerance": judging.float_rel_tolerance,
            "stop_on_first_failure": judging.stop_on_first_failure,
        },
        "args": list(request.args),
        "files": [
            {"name": f.name, "content": base64.b64encode(f.content).decode()} for f in request.files
        ],
    }


def request_from_dict(data: Mapping[str, Any]) -> RunRequest:
    judging = data["judging"]
    return RunRequest(
        language=data["language"],
        source=data["source"],
        stdin=data["stdin"],
        limits=RequestedLimits(**data["limits"]),
        tests=tuple(
            TestCase(
                stdin=test["stdin"],
                expected_stdout=test["expected_stdout"],
                name=test["name"],
                hidden=test["hidden"],
                limits=RequestedLimits(**test["limits"]),
            )
            for test in data["tests"]
        ),
        judging=Judging(
            comparison=Comparison(judging["comparison"]),
            float_abs_tolerance=judging["float_abs_tolerance"],
            float_rel_tolerance=judging["float_rel_tolerance"],
            stop_on_first_failure=judging["stop_on_first_failure"],
        ),
        args=tuple(data["args"]),
        files=tuple(SourceFile(f["name"], base64.b64decode(f["content"])) for f in data["files"]),
    )


def result_reply(result: RunResult, worker: str, engine_ms: float | None = None) -> str:
    """``engine_ms``: how long the worker's own engine took (what the queue adds is the rest)."""
    body: dict[str, Any] = {"result": result.to_dict(), "worker": worker}
    if engine_ms is not None:
        body["engine_ms"] = round(engine_ms, 3)
    return json.dumps(body, separators=(",", ":"))


def started_reply(worker: str) -> str:
    """An interactive session is open on ``worker``: its output follows on the session stream."""
    return json.dumps({"started": True, "worker": worker}, separators=(",", ":"))


def error_reply(error: EngineError, worker: str) -> str:
    body = {"code": error.code, "message": error.message}
    return json.dumps({"error": body, "worker": worker}, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Reply:
    answer: RunResult | EngineError | None
    """The result, or the engine error to raise (the same class as the worker's, so a caller
    sees the very error the local engine would have raised); ``None``: a session started."""
    worker: str
    engine_ms: float | None = None


def read_reply(text: str | bytes) -> tuple[RunResult | EngineError | None, str]:
    """A worker's answer and the worker's id."""
    reply = read_full_reply(text)
    return reply.answer, reply.worker


def read_full_reply(text: str | bytes) -> Reply:
    data = json.loads(text)
    worker = str(data.get("worker", ""))
    if data.get("started"):
        return Reply(None, worker)
    if "error" in data:
        code, message = data["error"]["code"], data["error"]["message"]
        cls = _ERRORS.get(code, EngineError)
        error = cls(message)
        if cls is EngineError:
            error.code = code
        return Reply(error, worker)
    engine_ms = data.get("engine_ms")
    return Reply(
        RunResult.from_dict(data["result"]),
        worker,
        float(engine_ms) if engine_ms is not None else None,
    )
