"""``/api/keys``: API keys for scripts and CI (``Authorization: Bearer onsk_…``)."""

from __future__ import annotations

from quart import Blueprint, Response
from quart_schema import document_response, validate_request, validate_response

from server.accounts import service
from server.accounts.auth import require_user
from server.accounts.schemas import ApiKeyCreated, ApiKeyCreateRequest, ApiKeyList, ApiKeyOut
from server.kit.db import current_session
from server.kit.errors import documents_errors
from server.kit.openapi import NoContent
from server.kit.responses import empty_response

blueprint = Blueprint("api_keys", __name__, url_prefix="/api/keys")


@blueprint.get("")
@validate_response(ApiKeyList, 200)
@documents_errors(401)
async def list_keys() -> ApiKeyList:
    """The caller's keys (never their secrets)."""
    user = await require_user()
    keys = await service.list_api_keys(current_session(), user)
    return ApiKeyList(items=[ApiKeyOut.model_validate(k, from_attributes=True) for k in keys])


@blueprint.post("")
@validate_request(ApiKeyCreateRequest)
@validate_response(ApiKeyCreated, 201)
@documents_errors(400, 401, 403, 413, 415)
async def create_key(data: ApiKeyCreateRequest) -> tuple[ApiKeyCreated, int]:
    """Create a key; the secret is in this answer and nowhere else, ever."""
    user = await require_user()
    key, secret = await service.create_api_key(current_session(), user, data.name)
    out = ApiKeyOut.model_validate(key, from_attributes=True)
    return ApiKeyCreated(**out.model_dump(), secret=secret), 201


@blueprint.delete("/<key_id>")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404)
async def delete_key(key_id: str) -> Response:
    """Revoke a key at once."""
    user = await require_user()
    await service.delete_api_key(current_session(), user, key_id)
    return empty_response(204)
