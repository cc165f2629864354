"""``/api/judge0``: the Judge0 CE 1.13 API over Onsite's engine, in Judge0's dialect.

Every route needs an Onsite API key in ``X-Auth-Token`` (Judge0's header; ``Authorization:
Bearer`` works too) and answers a bare 401 without one, as Judge0 does. Errors are Judge0's:
``{"error": "…"}`` with 400/404/413/503, and ``422 {"field": ["message"]}`` for a submission
that does not validate. Paths also answer with a trailing slash (some clients add one).
"""

from __future__ import annotations

import json
import logging
import os
import platform
from collections.abc import Callable
from typing import Any, TypeVar

from quart import Blueprint, Response, current_app, g, request
from quart_schema import document_querystring, document_request, document_response
from werkzeug.exceptions import HTTPException

from runners.contract import EngineBusyError, EngineError
from server.accounts import auth
from server.accounts.models import User
from server.judge0 import repository, service
from server.judge0.config import JUDGE0_VERSION, Judge0Config
from server.judge0.fields import InvalidFieldsError, render, requested_fields
from server.judge0.languages import Judge0Language
from server.judge0.models import Judge0Submission
from server.judge0.parsing import FieldErrors, SubmissionValues, parse_submission
from server.judge0.schemas import (
    Judge0AboutOut,
    Judge0AnyJson,
    Judge0BatchCreatedOut,
    Judge0BatchIn,
    Judge0BatchOut,
    Judge0BatchQuery,
    Judge0ConfigInfoOut,
    Judge0CreateQuery,
    Judge0ErrorOut,
    Judge0FieldErrorsOut,
    Judge0LanguageDetailOut,
    Judge0LanguageOut,
    Judge0PageQuery,
    Judge0ReadQuery,
    Judge0StatusListItem,
    Judge0SubmissionIn,
    Judge0SubmissionOut,
    Judge0SubmissionPage,
)
from server.judge0.service import QueueFullError, SubmissionQueue
from server.judge0.statuses import DESCRIPTIONS, Status
from server.kit.db import current_session
from server.kit.errors import AppError, UnauthorizedError
from server.kit.openapi import NoContent
from server.kit.state import AppState, get_state

log = logging.getLogger(__name__)
blueprint = Blueprint("judge0", __name__, url_prefix="/api/judge0")


@blueprint.before_app_serving
async def _fail_interrupted() -> None:
    # Runs after the app's own start-up hook (registered first): the database is open.
    await service.fail_interrupted(current_app._get_current_object())  # type: ignore[attr-defined]
F = TypeVar("F", bound=Callable[..., Any])

AUTH_HEADER = "X-Auth-Token"
AUTHZ_HEADER = "X-Auth-User"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
_G_USER = "judge0_user"


class Judge0Error(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# ---- who is calling ------------------------------------------------------------------------------


async def api_key_user(secret: str) -> User | None:
    """The owner of an Onsite API key (marked used), or None: the one place this slice asks
    "who is calling" (``server.accounts.auth``)."""
    try:
        return await auth.user_for_api_key(secret)
    except UnauthorizedError:
        return None


def _caller() -> User:
    user: User = getattr(g, _G_USER)
    return user


@blueprint.before_request
async def _authenticate() -> Response | None:
    secret = (
        request.headers.get(AUTH_HEADER, "").strip()
        or request.headers.get(AUTHZ_HEADER, "").strip()
        or auth.bearer_token()
    )
    user = await api_key_user(secret) if secret else None
    if user is None:
        return current_app.response_class(b"", status=401)
    setattr(g, _G_USER, user)
    return None


# ---- errors in Judge0's shapes ----------------------------------------------------------------


def _json(body: Any, status: int = 200) -> Response:
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )


def _error(status: int, message: str) -> Response:
    return _json({"error": message}, status)


@blueprint.errorhandler(Judge0Error)
async def _judge0_error(exc: Judge0Error) -> Response:
    return _error(exc.status, exc.message)


@blueprint.errorhandler(FieldErrors)
async def _field_errors(exc: FieldErrors) -> Response:
    return _json(exc.errors, 422)


@blueprint.errorhandler(InvalidFieldsError)
async def _invalid_fields(exc: InvalidFieldsError) -> Response:
    return _error(400, str(exc))


@blueprint.errorhandler(QueueFullError)
async def _queue_full(exc: QueueFullError) -> Response:
    return _error(503, "queue is full")


@blueprint.errorhandler(EngineError)
async def _engine_error(exc: EngineError) -> Response:
    if isinstance(exc, EngineBusyError):
        return _error(503, "queue is full")
    return _error(exc.http_status, exc.message)


@blueprint.errorhandler(AppError)
async def _app_error(exc: AppError) -> Response:
    # Raised by app-wide guards (e.g. NUL characters in the query string).
    return _error(exc.status, exc.message)


@blueprint.errorhandler(HTTPException)
async def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    messages = {413: "request body is too large", 404: "not found", 405: "method not allowed"}
    return _error(status, messages.get(status, exc.description or "bad request"))


@blueprint.errorhandler(UnicodeDecodeError)
async def _not_utf8(exc: UnicodeDecodeError) -> Response:
    return _error(400, "request body is not valid JSON")


@blueprint.errorhandler(Exception)
async def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _error(500, "something went wrong on our side")


def documents(*statuses: int) -> Callable[[F], F]:
    """Judge0's error responses for OpenAPI: 401 bare, 422 field errors, the rest ``{error}``."""

    def decorator(func: F) -> F:
        func = document_response(NoContent, 401)(func)
        for status in statuses:
            model: Any = Judge0FieldErrorsOut if status == 422 else Judge0ErrorOut
            func = document_response(model, status)(func)
        return func

    return decorator


# ---- shared helpers -----------------------------------------------------------------------------


def _state() -> AppState:
    return get_state()


def _config(state: AppState) -> Judge0Config:
    config: Judge0Config = state.extras.setdefault(
        "judge0_config", service.make_config(state.settings)
    )
    return config


def _queue(state: AppState) -> SubmissionQueue:
    queue = state.extras.get("judge0_queue")
    if queue is None:
        config = _config(state)
        queue = SubmissionQueue(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            max_size=config.settings.max_queue_size,
            per_account=config.settings.max_queue_per_account,
            concurrency=config.limits.max_concurrent_runs,
        )
        state.extras["judge0_queue"] = queue
    assert isinstance(queue, SubmissionQueue)
    return queue


def _flag(name: str) -> bool:
    return request.args.get(name) == "true"


async def _body() -> Any:
    """The JSON body whatever its content type (clients differ); 400 when it is not JSON."""
    raw = await request.get_data(as_text=False)
    try:
        return json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Judge0Error(400, "request body is not valid JSON") from exc


def _languages(state: AppState) -> list[Judge0Language]:
    return service.languages(state.run_engine)


def _render(state: AppState, row: Any, fields: tuple[str, ...], base64: bool) -> dict[str, Any]:
    names = {lang.id: lang.name for lang in _languages(state)}
    return render(
        row,
        fields,
        base64_encoded=base64,
        config=_config(state),
        language_name=names.get(row.language_id),
    )


def _parse(state: AppState, data: Any, base64: bool) -> SubmissionValues:
    return parse_submission(
        data,
        base64_encoded=base64,
        config=_config(state),
        language_ids={lang.id for lang in _languages(state)},
    )


def _batch_bound(count: int, config: Judge0Config) -> None:
    limit = config.settings.max_submission_batch_size
    if count > limit:
        raise Judge0Error(
            400, f"number of submissions in a batch should be less than or equal to {limit}"
        )
    if count == 0:
        raise Judge0Error(400, "there should be at least one submission in a batch")


# ---- submissions --------------------------------------------------------------------------------


@blueprint.post("/submissions", strict_slashes=False)
@document_querystring(Judge0CreateQuery)
@document_request(Judge0SubmissionIn)
@document_response(Judge0SubmissionOut, 201)
@documents(400, 413, 422, 503)
async def create_submission() -> Response:
    """Create a submission; ``wait=true`` answers its result, otherwise its token at once."""
    state = _state()
    base64, wait = _flag("base64_encoded"), _flag("wait")
    fields = requested_fields(request.args.get("fields"))
    values = _parse(state, await _body(), base64)
    session = current_session()
    config = _config(state)
    caller = _caller().id
    if wait:
        row = await service.create(session, caller, values)
        async with state.run_quota.slot(caller):
            await service.run_now(session, state.run_engine, config, row)
        return _json(_render(state, row, fields, base64), 201)
    queue = _queue(state)
    queue.reserve(1, caller)
    try:
        row = await service.create(session, caller, values)
        await session.commit()  # the background run must see it
    except BaseException:
        queue.release(1, caller)
        raise
    queue.start(row.token, state.run_engine, config, caller)
    return _json({"token": row.token}, 201)


@blueprint.get("/submissions", strict_slashes=False)
@document_querystring(Judge0PageQuery)
@document_response(Judge0SubmissionPage, 200)
@documents(400)
async def list_submissions() -> Response:
    """The caller's submissions, newest first, ``page``/``per_page`` with Judge0's ``meta``."""
    state = _state()
    fields = requested_fields(request.args.get("fields"))
    page = _positive("page", 1)
    per_page = min(_positive("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    rows, total = await repository.page(
        current_session(), _caller().id, offset=(page - 1) * per_page, limit=per_page
    )
    pages = max(1, -(-total // per_page))
    return _json(
        {
            "submissions": [_render(state, r, fields, _flag("base64_encoded")) for r in rows],
            "meta": {
                "current_page": page,
                "next_page": page + 1 if page < pages else None,
                "prev_page": page - 1 if page > 1 else None,
                "total_pages": pages,
                "total_count": total,
            },
        }
    )


def _positive(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0 or value > 1_000_000:
        raise Judge0Error(400, f"invalid {name}: {raw}")
    return value


@blueprint.post("/submissions/batch", strict_slashes=False)
@document_querystring(Judge0ReadQuery)
@document_request(Judge0BatchIn)
@document_response(Judge0BatchCreatedOut, 201)
@document_response(Judge0BatchCreatedOut, 422)
@documents(400, 413, 503)
async def create_batch() -> Response:
    """Create several submissions; each answers its token or its field errors."""
    state = _state()
    config = _config(state)
    base64 = _flag("base64_encoded")
    data = await _body()
    items = data.get("submissions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        items = []
    _batch_bound(len(items), config)
    parsed: list[SubmissionValues | FieldErrors] = []
    for item in items:
        try:
            parsed.append(_parse(state, item, base64))
        except FieldErrors as exc:
            parsed.append(exc)
    valid = [p for p in parsed if isinstance(p, SubmissionValues)]
    queue = _queue(state)
    caller = _caller().id
    queue.reserve(len(valid), caller)
    session = current_session()
    try:
        rows = [await service.create(session, caller, v) for v in valid]
        await session.commit()
    except BaseException:
        queue.release(len(valid), caller)
        raise
    for row in rows:
        queue.start(row.token, state.run_engine, config, caller)
    created = iter(rows)
    answer = [
        {"token": next(created).token} if isinstance(p, SubmissionValues) else p.errors
        for p in parsed
    ]
    return _json(answer, 201 if rows else 422)


@blueprint.get("/submissions/batch", strict_slashes=False)
@document_querystring(Judge0BatchQuery)
@document_response(Judge0BatchOut, 200)
@documents(400)
async def read_batch() -> Response:
    """Several of the caller's submissions by token (``null`` for one that is not theirs)."""
    state = _state()
    fields = requested_fields(request.args.get("fields"))
    tokens = [t.strip() for t in request.args.get("tokens", "").split(",") if t.strip()]
    _batch_bound(len(tokens), _config(state))
    session = current_session()
    rows = await repository.get_many(session, _caller().id, tokens)
    await _hold_until_finished(state, list(rows.values()))
    base64 = _flag("base64_encoded")
    return _json(
        {
            "submissions": [
                _render(state, rows[t], fields, base64) if t in rows else None for t in tokens
            ]
        }
    )


async def _hold_until_finished(state: AppState, rows: list[Judge0Submission]) -> None:
    """Give runs in progress here a moment to finish before answering (``read_hold_ms``)."""
    running = [row for row in rows if not service.is_finished(row)]
    queue = state.extras.get("judge0_queue")
    if not running or not isinstance(queue, SubmissionQueue):
        return
    hold_s = _config(state).settings.read_hold_ms / 1000
    if await queue.wait_finished([row.token for row in running], hold_s):
        session = current_session()
        await session.commit()  # a new transaction sees the run's result (SQLite snapshots)
        for row in running:
            await session.refresh(row)


async def _own(token: str) -> Any:
    row = await repository.get(current_session(), _caller().id, token[:36])
    if row is None:
        raise Judge0Error(404, "submission not found")
    return row


@blueprint.get("/submissions/<token>", strict_slashes=False)
@document_querystring(Judge0ReadQuery)
@document_response(Judge0SubmissionOut, 200)
@documents(400, 404)
async def read_submission(token: str) -> Response:
    """One of the caller's submissions; another account's token answers 404."""
    state = _state()
    fields = requested_fields(request.args.get("fields"))
    row = await _own(token)
    await _hold_until_finished(state, [row])
    return _json(_render(state, row, fields, _flag("base64_encoded")))


@blueprint.delete("/submissions/<token>", strict_slashes=False)
@document_querystring(Judge0ReadQuery)
@document_response(Judge0SubmissionOut, 200)
@documents(400, 404)
async def delete_submission(token: str) -> Response:
    """Delete a finished submission; answers it (base64, as Judge0 forces on delete)."""
    state = _state()
    fields = requested_fields(request.args.get("fields"))
    row = await _own(token)
    if not service.is_finished(row):
        raise Judge0Error(
            400,
            f"submission cannot be deleted because its status is {row.status_id} "
            f"({DESCRIPTIONS[Status(row.status_id)]})",
        )
    body = _render(state, row, fields, True)
    await repository.delete_one(current_session(), _caller().id, row.token)
    return _json(body)


# ---- languages, statuses and the server ---------------------------------------------------------


@blueprint.get("/languages", strict_slashes=False)
@document_response(list[Judge0LanguageOut], 200)
@documents()
async def list_languages() -> Response:
    """Languages with Judge0 ids; names carry the versions the sandbox really runs."""
    return _json([lang.summary() for lang in _languages(_state())])


@blueprint.get("/languages/all", strict_slashes=False)
@document_response(list[Judge0LanguageDetailOut], 200)
@documents()
async def all_languages() -> Response:
    """Every language, archived or not (none is archived here)."""
    return _json([lang.detail() for lang in _languages(_state())])


@blueprint.get("/languages/<language_id>", strict_slashes=False)
@document_response(Judge0LanguageDetailOut, 200)
@documents(400, 404)
async def read_language(language_id: str) -> Response:
    """One language by its Judge0 id."""
    found = next((lang for lang in _languages(_state()) if str(lang.id) == language_id), None)
    if found is None:
        raise Judge0Error(404, f"language with id {language_id} doesn't exist")
    return _json(found.detail())


@blueprint.get("/statuses", strict_slashes=False)
@document_response(list[Judge0StatusListItem], 200)
@documents()
async def statuses() -> Response:
    """Judge0's fourteen statuses."""
    return _json([{"id": int(s), "description": d} for s, d in DESCRIPTIONS.items()])


@blueprint.get("/about", strict_slashes=False)
@document_response(Judge0AboutOut, 200)
@documents()
async def about() -> Response:
    """The Judge0 version this API follows (clients pick their language table by it)."""
    public = _state().settings.server.public_url.rstrip("/")
    return _json(
        {
            "version": JUDGE0_VERSION,
            "homepage": public,
            "source_code": f"{public}/openapi.json",
            "maintainer": "Onsite (a Judge0 CE 1.13-compatible API over Onsite's sandbox)",
        }
    )


@blueprint.get("/version", strict_slashes=False)
@document_response(NoContent, 200)
@documents()
async def version() -> Response:
    """The Judge0 version, as plain text."""
    return current_app.response_class(JUDGE0_VERSION, mimetype="text/plain")


@blueprint.get("/config_info", strict_slashes=False)
@document_response(Judge0ConfigInfoOut, 200)
@documents()
async def config_info() -> Response:
    """Limits and options, in Judge0's units and keys."""
    return _json(_config(_state()).config_info())


@blueprint.get("/system_info", strict_slashes=False)
@document_response(Judge0AnyJson, 200)
@documents()
async def system_info() -> Response:
    """The host, as Judge0 reports it (``lscpu``-style keys)."""
    return _json(
        {
            "Architecture": platform.machine(),
            "CPU(s)": str(os.cpu_count() or 1),
            "Operating System": platform.system(),
            "Python": platform.python_version(),
        }
    )


@blueprint.get("/statistics", strict_slashes=False)
@document_response(Judge0AnyJson, 200)
@documents()
async def statistics() -> Response:
    """The caller's submissions counted (total, today, 30 days, by language and status)."""
    state = _state()
    return _json(await service.statistics(current_session(), _caller().id, state.run_engine))


@blueprint.get("/workers", strict_slashes=False)
@document_response(Judge0AnyJson, 200)
@documents()
async def workers() -> Response:
    """The background runs: queued, running, and how many may run at once."""
    queue = _queue(_state())
    return _json(
        [
            {
                "queue": JUDGE0_VERSION,
                "size": max(0, queue.pending - queue.running),
                "available": queue.concurrency,
                "idle": max(0, queue.concurrency - queue.running),
                "working": queue.running,
                "paused": 0,
                "failed": 0,
            }
        ]
    )


@blueprint.post("/authenticate", strict_slashes=False)
@document_response(NoContent, 200)
@documents()
async def authenticate() -> Response:
    """200 for a valid API key (checked before every route), 401 otherwise."""
    return current_app.response_class(b"", status=200)


@blueprint.post("/authorize", strict_slashes=False)
@document_response(NoContent, 200)
@documents()
async def authorize() -> Response:
    """200: a valid key is authorised for its own account's submissions."""
    return current_app.response_class(b"", status=200)
