"""One rule for text entering the API: no NUL characters.

PostgreSQL cannot store U+0000 in text columns (SQLite can), so the same request would work on
one database and fail with a 500 on the other. Refusing it at the door — path, query string and
every string inside a JSON body — keeps the two databases equal and the answer a clear 400.
"""

from __future__ import annotations

from typing import Any

from quart import Quart, request

from server.kit.errors import BadRequestError

NUL = "\x00"


def contains_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return NUL in value
    if depth > 64:  # JSON this deep is refused by the schemas anyway
        return False
    if isinstance(value, dict):
        return any(
            contains_nul(k, depth + 1) or contains_nul(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, list):
        return any(contains_nul(item, depth + 1) for item in value)
    return False


def register_nul_guard(app: Quart) -> None:
    @app.before_request
    async def _refuse_nul() -> None:
        if NUL in request.path or any(
            NUL in key or NUL in value for key, value in request.args.items(multi=True)
        ):
            raise BadRequestError("Text must not contain NUL characters.", code="validation_error")
        if request.method in ("POST", "PUT", "PATCH") and request.is_json:
            body = await request.get_json(silent=True)
            if contains_nul(body):
                raise BadRequestError(
                    "Text must not contain NUL characters.", code="validation_error"
                )
