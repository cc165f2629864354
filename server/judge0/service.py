"""Judge0 submissions through the engine: create, run (now or in the background), read.

A submission is stored first (status 1, In Queue). With ``wait=true`` it runs in the request,
as Judge0 runs it; otherwise one background task per submission runs it, at most as many at
once as the engine runs (``max_concurrent_runs``), and at most ``[judge0] max_queue_size``
submissions wait or run at any moment: one more answers 503 "queue is full" at once. A read of
a submission still running in this process waits up to ``[judge0] read_hold_ms`` for it to
finish (a short long-poll: a client polling every 100 ms, as the official SDK does, gets its
result when it is ready instead of one polling period later; the answer is one Judge0 could
have given a moment later). A
submission's run maps to one ``RunRequest``: with ``expected_output`` it is a one-test
submission the engine judges (Accepted / Wrong Answer), otherwise a plain run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import shlex
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from quart import Quart
from sqlalchemy.ext.asyncio import AsyncSession

from runners.contract import (
    Engine,
    EngineBusyError,
    EngineError,
    Judging,
    RequestedLimits,
    RunRequest,
    SourceFile,
    TestCase,
)
from server.judge0 import repository
from server.judge0.callbacks import send_callback
from server.judge0.config import DEFAULT_CPU_EXTRA_TIME, Judge0Config
from server.judge0.fields import DEFAULT_FIELDS, render
from server.judge0.languages import Judge0Language, judge0_languages
from server.judge0.models import Judge0Submission
from server.judge0.parsing import SubmissionValues, additional_files
from server.judge0.statuses import DESCRIPTIONS, FINISHED, Outcome, Status, outcome_of
from server.kit.db import unit_of_work, utcnow
from server.kit.limits import engine_limits
from server.kit.state import get_state
from server.settings import Settings

log = logging.getLogger(__name__)

BUSY_RETRIES = 5
BUSY_BACKOFF_S = 0.2


class QueueFullError(Exception):
    """More submissions than ``max_queue_size`` would be waiting or running."""


def make_config(settings: Settings) -> Judge0Config:
    return Judge0Config(limits=engine_limits(settings), settings=settings.judge0)


def languages(engine: Engine) -> list[Judge0Language]:
    return judge0_languages(engine.languages())


def language_names(engine: Engine) -> dict[int, str]:
    return {lang.id: lang.name for lang in languages(engine)}


class SubmissionQueue:
    """The background runs: bounded in number, one task per submission, none lost.

    The tasks are the app's background tasks, so shutdown waits for them (briefly) before the
    database closes.
    """

    def __init__(
        self, app: Quart, *, max_size: int, concurrency: int, per_account: int | None = None
    ) -> None:
        self._app = app
        self.max_size = max_size
        self.concurrency = max(1, concurrency)
        self.pending = 0
        self.running = 0
        self.per_account_max = per_account or max_size
        """One account's share of the queue (``[judge0] max_queue_per_account``), so it can
        never fill it for everyone else (a full queue answers "queue is full" to all)."""
        self._pending_of: dict[str, int] = {}
        self._owner: dict[str, str] = {}
        self._slots = asyncio.Semaphore(self.concurrency)
        self._finished: dict[str, asyncio.Event] = {}

    def reserve(self, count: int, account_id: str = "") -> None:
        if self.pending + count > self.max_size:
            raise QueueFullError("queue is full")
        if self._pending_of.get(account_id, 0) + count > self.per_account_max:
            raise QueueFullError("queue is full for this account")
        self.pending += count
        self._pending_of[account_id] = self._pending_of.get(account_id, 0) + count

    def release(self, count: int, account_id: str = "") -> None:
        self.pending -= count
        left = self._pending_of.get(account_id, 0) - count
        if left > 0:
            self._pending_of[account_id] = left
        else:
            self._pending_of.pop(account_id, None)

    def start(self, token: str, engine: Engine, config: Judge0Config, account_id: str = "") -> None:
        self._owner[token] = account_id
        self._finished[token] = asyncio.Event()
        self._app.add_background_task(self._run, token, engine, config)

    async def wait_finished(self, tokens: Sequence[str], timeout_s: float) -> bool:
        """Wait (at most ``timeout_s``) for these submissions' runs in this process to end;
        False when none of them is running here (nothing to wait for)."""
        events = [self._finished[t] for t in tokens if t in self._finished]
        if not events or timeout_s <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), timeout_s)
        return True

    async def _run(self, token: str, engine: Engine, config: Judge0Config) -> None:
        try:
            async with self._slots:
                self.running += 1
                try:
                    await run_stored(self._app, engine, config, token)
                finally:
                    self.running -= 1
        except asyncio.CancelledError:
            # The server is stopping (Quart cancels background tasks it cannot wait for): say
            # so in the submission rather than leave it In Queue for ever.
            await asyncio.shield(
                mark_failed(self._app, token, "The server stopped before the run finished.")
            )
            raise
        except Exception:
            log.exception("the background run of Judge0 submission %s failed", token)
            await mark_failed(self._app, token, "The result could not be stored.")
        finally:
            self.release(1, self._owner.pop(token, ""))
            finished = self._finished.pop(token, None)
            if finished is not None:
                finished.set()


# ---- creating -----------------------------------------------------------------------------------


def new_row(user_id: str, values: SubmissionValues) -> Judge0Submission:
    return Judge0Submission(
        token=str(uuid.uuid4()),
        user_id=user_id,
        status_id=int(Status.IN_QUEUE),
        created_at=utcnow(),
        **values.columns,
    )


async def create(session: AsyncSession, user_id: str, values: SubmissionValues) -> Judge0Submission:
    row = new_row(user_id, values)
    await repository.add(session, row)
    return row


async def run_now(
    session: AsyncSession, engine: Engine, config: Judge0Config, row: Judge0Submission
) -> None:
    """``wait=true``: run in the request. A busy engine propagates (503 "queue is full")."""
    row.status_id = int(Status.PROCESSING)
    outcome = await judge(engine, config, row, retry_busy=False)
    apply_outcome(row, outcome)
    await session.flush()


# ---- running ------------------------------------------------------------------------------------


def _timeout_ms(row: Judge0Submission, config: Judge0Config) -> int | None:
    candidates: list[float] = []
    if row.wall_time_limit is not None:
        candidates.append(row.wall_time_limit)
    if row.cpu_time_limit is not None:
        extra = row.cpu_extra_time if row.cpu_extra_time is not None else DEFAULT_CPU_EXTRA_TIME
        candidates.append(row.cpu_time_limit + extra)
    if not candidates:
        return None
    return min(math.ceil(min(candidates) * 1000), config.limits.max_run_timeout_ms)


def run_request(
    row: Judge0Submission, language: str, config: Judge0Config, files: Sequence[SourceFile]
) -> RunRequest:
    limits = RequestedLimits(
        run_timeout_ms=_timeout_ms(row, config),
        memory_mb=math.ceil(row.memory_limit / 1024) if row.memory_limit else None,
        pids=row.max_processes_and_or_threads,
        output_kb=row.max_file_size,
    )
    args = tuple(shlex.split(row.command_line_arguments)) if row.command_line_arguments else ()
    tests: tuple[TestCase, ...] = ()
    if row.expected_output is not None:
        tests = (TestCase(stdin=row.stdin or "", expected_stdout=row.expected_output),)
    return RunRequest(
        language=language,
        source=row.source_code,
        stdin=row.stdin or "",
        limits=limits,
        tests=tests,
        judging=Judging(),
        args=args,
        files=tuple(files),
    )


async def judge(
    engine: Engine, config: Judge0Config, row: Judge0Submission, *, retry_busy: bool
) -> Outcome:
    """The engine's verdict on ``row`` in Judge0's terms. With ``retry_busy`` a busy engine is
    tried again a few times (a background run has nobody to answer 503 to)."""
    engine_ids = {lang.id: lang.engine_id for lang in languages(engine)}
    language = engine_ids.get(row.language_id)
    if language is None:
        return Outcome(Status.INTERNAL_ERROR, message="This language is no longer offered.")
    try:
        files = additional_files(row.additional_files) if row.additional_files else ()
    except ValueError as exc:
        return Outcome(Status.INTERNAL_ERROR, message=f"additional_files: {exc}")
    request = run_request(row, language, config, files)
    for attempt in range(BUSY_RETRIES + 1):
        try:
            result = await engine.run(request)
            break
        except EngineBusyError:
            if not retry_busy:
                raise
            if attempt == BUSY_RETRIES:
                return Outcome(Status.INTERNAL_ERROR, message="The sandboxes stayed busy.")
            await asyncio.sleep(BUSY_BACKOFF_S * (attempt + 1))
        except EngineError as exc:
            return Outcome(Status.INTERNAL_ERROR, message=exc.message)
    return outcome_of(
        result,
        expected_output=row.expected_output,
        judging=request.judging,
        redirect_stderr_to_stdout=row.redirect_stderr_to_stdout,
        cpu_time_limit_s=row.cpu_time_limit,
    )


def _utf8(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8", errors="replace")


def apply_outcome(row: Judge0Submission, outcome: Outcome) -> None:
    row.status_id = int(outcome.status)
    row.stdout = _utf8(outcome.stdout)
    row.stderr = _utf8(outcome.stderr)
    row.compile_output = _utf8(outcome.compile_output)
    row.message = outcome.message.replace("\x00", "") if outcome.message else None
    row.exit_code = outcome.exit_code
    row.exit_signal = outcome.exit_signal
    row.time = outcome.time
    row.wall_time = outcome.wall_time
    row.memory = outcome.memory
    row.finished_at = utcnow()


async def run_stored(app: Quart, engine: Engine, config: Judge0Config, token: str) -> None:
    """The background run of one stored submission, then its callback."""
    async with unit_of_work(get_state(app).sessions) as session:
        row = await repository.get_any(session, token)
        if row is None:
            return
        row.status_id = int(Status.PROCESSING)
    try:
        outcome = await judge(engine, config, row, retry_busy=True)
    except Exception:
        log.exception("Judge0 submission %s: the run failed", token)
        outcome = Outcome(Status.INTERNAL_ERROR, message="The run failed on our side.")
    async with unit_of_work(get_state(app).sessions) as session:
        stored = await repository.get_any(session, token)
        if stored is None:
            return
        apply_outcome(stored, outcome)
        body = render(
            stored,
            DEFAULT_FIELDS,
            base64_encoded=True,
            config=config,
            language_name=language_names(engine).get(stored.language_id),
        )
        callback_url = stored.callback_url
    if callback_url:
        await send_callback(callback_url, body, config.settings)


async def mark_failed(app: Quart, token: str, message: str) -> None:
    """Never leave a submission In Queue or Processing because its run could not finish."""
    try:
        async with unit_of_work(get_state(app).sessions) as session:
            row = await repository.get_any(session, token)
            if row is not None and not is_finished(row):
                apply_outcome(row, Outcome(Status.INTERNAL_ERROR, message=message))
    except Exception:
        log.exception("Judge0 submission %s could not be marked as failed", token)


async def fail_interrupted(app: Quart) -> int:
    """At start-up: submissions a previous process left In Queue or Processing (it was killed
    before their runs ended) can never finish, so say so instead of leaving their clients
    polling for ever. One server process per database until runs move to a shared queue."""
    async with unit_of_work(get_state(app).sessions) as session:
        count = await repository.fail_unfinished(
            session,
            (int(Status.IN_QUEUE), int(Status.PROCESSING)),
            int(Status.INTERNAL_ERROR),
            "The server restarted before the run finished.",
            utcnow(),
        )
    if count:
        log.warning("%d Judge0 submission(s) interrupted by a restart marked failed", count)
    return count


# ---- reading ------------------------------------------------------------------------------------


def is_finished(row: Judge0Submission) -> bool:
    return Status(row.status_id) in FINISHED


async def statistics(session: AsyncSession, user_id: str, engine: Engine) -> dict[str, Any]:
    now = utcnow()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    names = language_names(engine)
    by_language = await repository.counts_by(session, user_id, "language_id")
    by_status = await repository.counts_by(session, user_id, "status_id")
    return {
        "now": now.isoformat().replace("+00:00", "Z"),
        "submissions": {
            "total": await repository.count_since(session, user_id, None),
            "today": await repository.count_since(session, user_id, today),
            "last_30_days": await repository.count_since(
                session, user_id, now - timedelta(days=30)
            ),
        },
        "languages": [
            {"language": {"id": lang_id, "name": names.get(lang_id)}, "count": count}
            for lang_id, count in by_language
        ],
        "statuses": [
            {"status": {"id": sid, "name": DESCRIPTIONS[Status(sid)]}, "count": count}
            for sid, count in by_status
        ],
    }
