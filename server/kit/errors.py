"""Errors as classes with a status and a stable code; one place renders them as JSON.

Every 4xx/5xx under the API answers ``{"error": {"code": "snake_case", "message": "…"}}``:
our own ``AppError``s, the engine's ``EngineError``s (mapped into ``AppError`` by
``from_engine_error``), quart-schema's validation errors, malformed
JSON, unknown routes, wrong methods and oversize bodies. Handlers document the error statuses
they can answer with ``@documents_errors(401, 404)`` so OpenAPI (and schemathesis) know them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from quart import Quart, Response, jsonify, request
from quart_schema import RequestSchemaValidationError, document_response
from werkzeug.exceptions import HTTPException

from runners.contract import EngineError

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str


class ErrorBody(BaseModel):
    """The one error shape of the API."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


class AppError(Exception):
    """A failure the client can understand; ``status`` and ``code`` are part of the API."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers: dict[str, str] = dict(headers or {})


class BadRequestError(AppError):
    status = 400
    code = "bad_request"


class UnauthorizedError(AppError):
    status = 401
    code = "unauthorized"


class ForbiddenError(AppError):
    status = 403
    code = "forbidden"


class NotFoundError(AppError):
    status = 404
    code = "not_found"


class ConflictError(AppError):
    status = 409
    code = "conflict"


class PayloadTooLargeError(AppError):
    status = 413
    code = "payload_too_large"


class RateLimitedError(AppError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = max(1, retry_after)


class ServiceUnavailableError(AppError):
    status = 503
    code = "service_unavailable"


def from_engine_error(exc: EngineError) -> AppError:
    """The engine's errors (``runners.contract``: busy, unavailable, invalid request, …) in this
    hierarchy, at the boundary: the engine knows no HTTP framework, but its errors carry their
    status and code, which stay exactly as they are."""
    return AppError(exc.message, code=exc.code, status=exc.http_status)


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def documents_errors(*statuses: int) -> Callable[[F], F]:
    """Document that a route may answer these statuses with ``ErrorBody`` (for OpenAPI)."""

    def decorator(func: F) -> F:
        for status in statuses:
            func = document_response(ErrorBody, status)(func)
        return func

    return decorator


# Codes for plain HTTP errors raised by Quart/Werkzeug itself (routing, body size, parsing).
_HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Sign in first."),
    403: ("forbidden", "You may not do that."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    406: ("not_acceptable", "This address cannot answer in the requested format."),
    408: ("request_timeout", "The request took too long to arrive."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    422: ("unprocessable", "The request could not be processed."),
    429: ("rate_limited", "Too many requests; slow down."),
}


def _validation_message(exc: RequestSchemaValidationError) -> str:
    inner = exc.validation_error
    errors = getattr(inner, "errors", None)
    if callable(errors):
        try:
            parts = []
            for item in errors()[:5]:
                where = ".".join(str(p) for p in item.get("loc", ())) or "body"
                parts.append(f"{where}: {item.get('msg', 'invalid')}")
            if parts:
                return "Invalid request: " + "; ".join(parts)
        except Exception:  # pragma: no cover - defensive: never fail while reporting a failure
            log.debug("could not format validation errors", exc_info=True)
    if isinstance(inner, TypeError | ValueError) and str(inner):
        return f"Invalid request: {inner}"
    return "Invalid request: the body does not match the expected shape."


SPA_ENDPOINT = "client.spa"


def _only_the_spa_matches(app: Quart, exc: HTTPException) -> bool:
    """A 405 only because the browser app's GET catch-all matched the path."""
    valid = {m.upper() for m in getattr(exc, "valid_methods", None) or ()}
    if not valid <= {"GET", "HEAD", "OPTIONS"}:
        return False
    try:
        endpoint, _ = app.url_map.bind("localhost").match(request.path, method="GET")
    except HTTPException:
        return False
    return bool(endpoint == SPA_ENDPOINT)


def register_error_handlers(app: Quart) -> None:
    """One renderer for every error the API can answer."""

    @app.errorhandler(AppError)
    async def _app_error(exc: AppError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(EngineError)
    async def _engine_error(exc: EngineError) -> Response:
        error = from_engine_error(exc)
        if error.status >= 500:
            log.warning("engine error %s: %s", error.code, error.message)
        return await _app_error(error)

    @app.errorhandler(RequestSchemaValidationError)
    async def _schema_error(exc: RequestSchemaValidationError) -> Response:
        return error_response(400, "validation_error", _validation_message(exc))

    @app.errorhandler(HTTPException)
    async def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 405 and _only_the_spa_matches(app, exc):
            status = 404  # e.g. POST /api/typo: the SPA's GET catch-all is no real resource
        code, message = _HTTP_CODES.get(status, ("http_error", exc.description or "HTTP error"))
        if status == 400 and request.mimetype == "application/json":
            code, message = "malformed_json", "The body is not valid JSON."
        headers = {}
        if status == 405 and exc.get_headers():
            headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
        return error_response(status, code, message, headers)

    @app.errorhandler(UnicodeDecodeError)
    async def _not_utf8(exc: UnicodeDecodeError) -> Response:
        # Quart decodes JSON bodies as UTF-8 and lets the error escape.
        return error_response(400, "malformed_json", "The body is not valid UTF-8 JSON.")

    @app.errorhandler(Exception)
    async def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")
