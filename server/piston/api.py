"""``/piston/api/v2``: Piston's ``runtimes`` and ``execute`` over Onsite's engine.

``/execute`` needs an Onsite API key in ``Authorization`` (the key itself, as ultra-piston sends
it, or ``Bearer <key>``); ``/runtimes`` is public, like ``/api/languages``. Bodies are JSON
whatever their content type (the npm ``piston-client`` posts ``text/plain``). Every error is
Piston's ``{"message": …}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from quart import Blueprint, Response, current_app, request
from quart_schema import document_request, document_response
from werkzeug.exceptions import HTTPException

from runners.contract import EngineBusyError, EngineError
from server.accounts import auth
from server.accounts.models import User
from server.kit.errors import AppError, UnauthorizedError
from server.kit.limits import EngineLimits, engine_limits
from server.kit.state import get_state
from server.piston import service
from server.piston.languages import runtimes
from server.piston.schemas import (
    PistonErrorOut,
    PistonExecuteIn,
    PistonExecuteOut,
    PistonRuntimeOut,
)
from server.piston.service import PistonError

log = logging.getLogger(__name__)
blueprint = Blueprint("piston", __name__, url_prefix="/piston/api/v2")
F = TypeVar("F", bound=Callable[..., Any])


async def api_key_user(secret: str) -> User | None:
    """The owner of an Onsite API key (marked used), or None: the one place this slice asks
    "who is calling" (``server.accounts.auth``)."""
    try:
        return await auth.user_for_api_key(secret)
    except UnauthorizedError:
        return None


def _message(message: str, status: int) -> Response:
    return current_app.response_class(
        json.dumps({"message": message}), status=status, mimetype="application/json"
    )


@blueprint.errorhandler(PistonError)
async def _piston_error(exc: PistonError) -> Response:
    return _message(exc.message, exc.status)


@blueprint.errorhandler(EngineError)
async def _engine_error(exc: EngineError) -> Response:
    if isinstance(exc, EngineBusyError):
        return _message("all sandboxes are busy; try again in a moment", 503)
    return _message(exc.message, exc.http_status)


@blueprint.errorhandler(AppError)
async def _app_error(exc: AppError) -> Response:
    # Raised by app-wide guards (e.g. NUL characters in the body).
    return _message(exc.message, exc.status)


@blueprint.errorhandler(HTTPException)
async def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    messages = {413: "request body is too large", 404: "not found", 405: "method not allowed"}
    return _message(messages.get(status, exc.description or "bad request"), status)


@blueprint.errorhandler(UnicodeDecodeError)
async def _not_utf8(exc: UnicodeDecodeError) -> Response:
    return _message("the body is not valid JSON", 400)


@blueprint.errorhandler(Exception)
async def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _message("something went wrong on our side", 500)


def documents(*statuses: int) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        for status in statuses:
            func = document_response(PistonErrorOut, status)(func)
        return func

    return decorator


def _limits() -> EngineLimits:
    state = get_state()
    limits: EngineLimits = state.extras.setdefault("piston_limits", engine_limits(state.settings))
    return limits


async def _authenticate() -> User:
    header = request.headers.get("Authorization", "").strip()
    scheme, _, rest = header.partition(" ")
    secret = rest.strip() if scheme.lower() == "bearer" else header
    user = await api_key_user(secret) if secret else None
    if user is None:
        raise PistonError("an Onsite API key is required in the Authorization header", 401)
    return user


@blueprint.get("/runtimes", strict_slashes=False)
@document_response(list[PistonRuntimeOut], 200)
async def list_runtimes() -> Response:
    """The languages, Piston-named, with semver versions and aliases."""
    body = [rt.to_dict() for rt in runtimes(get_state().run_engine.languages())]
    return current_app.response_class(json.dumps(body), mimetype="application/json")


@blueprint.post("/execute", strict_slashes=False)
@document_request(PistonExecuteIn)
@document_response(PistonExecuteOut, 200)
@documents(400, 401, 413, 429, 503)
async def execute() -> Response:
    """Run a program and answer its stages, as Piston does."""
    user = await _authenticate()
    raw = await request.get_data(as_text=False)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PistonError("the body is not valid JSON") from exc
    engine = get_state().run_engine
    execution = service.parse_execute(data, limits=_limits(), languages=engine.languages())
    async with get_state().run_quota.slot(user.id):
        result = await engine.run(execution.request)
    body = service.render(result, execution.runtime)
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/json"
    )
