"""Reading the API's one error shape, ``{"error": {"code", "message"}}``, in tests."""

from __future__ import annotations

from typing import Any


async def error_body(response: Any) -> dict[str, str]:
    """The ``error`` object, after checking the body holds exactly it, with code and message."""
    body = await response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"], body
    error: dict[str, str] = body["error"]
    return error


async def error_code(response: Any) -> str:
    return (await error_body(response))["code"]


async def error_of(response: Any, status: int) -> str:
    """The error code, after checking the status and the shape."""
    assert response.status_code == status, await response.get_data()
    return await error_code(response)
