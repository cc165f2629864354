"""``/api/keys``: API keys for scripts and CI (``Authorization: Bearer onsk_…``)."""

from __future__ import annotations

from datetime import timedelta

from quart import Blueprint, Response
from quart_schema import document_response, validate_request, validate_response

from server.accounts import service
from server.accounts.auth import require_user
from server.accounts.schemas import ApiKeyCreated, ApiKeyCreateRequest, ApiKeyList, ApiKeyOut
from server.kit.db import current_session, utcnow
from server.kit.errors import documents_errors
from server.kit.openapi import NoContent
from server.kit.responses import empty_response
from server.organization import service as organization

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
    session = current_session()
    expires_at = utcnow() + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    key, secret = await service.create_api_key(
        session, user, data.name, scopes=data.scopes, expires_at=expires_at
    )
    await organization.audit(
        session,
        organization.AuditAction.API_KEY_CREATED,
        actor=user,
        origin=organization.request_origin(),
        target=f"api_key:{key.id}",
        details={"name": key.name, "scopes": key.scopes, "expires_at": str(expires_at or "")},
    )
    out = ApiKeyOut.model_validate(key, from_attributes=True)
    return ApiKeyCreated(**out.model_dump(), secret=secret), 201


@blueprint.delete("/<key_id>")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404)
async def delete_key(key_id: str) -> Response:
    """Revoke a key at once."""
    user = await require_user()
    session = current_session()
    await service.delete_api_key(session, user, key_id)
    await organization.audit(
        session,
        organization.AuditAction.API_KEY_REVOKED,
        actor=user,
        origin=organization.request_origin(),
        target=f"api_key:{key_id}",
    )
    return empty_response(204)
