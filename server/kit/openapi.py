"""OpenAPI details quart-schema leaves out: responses without a body (204, 302).

Document them with ``@document_response(NoContent, 204)`` or ``@document_response(Redirect,
302)``; the provider below renders those as a description without ``content`` so clients and
schemathesis do not expect a JSON body.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from quart_schema import OpenAPIProvider
from quart_schema.typing import Model


class NoContent(BaseModel):
    """No content."""


class Redirect(BaseModel):
    """A redirect; see the Location header."""


_BODYLESS: dict[type[Any], dict[str, Any]] = {
    NoContent: {"description": "No content."},
    Redirect: {
        "description": "A redirect; see the Location header.",
        "headers": {"Location": {"schema": {"type": "string"}}},
    },
}


class OnsiteOpenAPIProvider(OpenAPIProvider):
    def build_response_object(
        self, model: type[Model], headers_model: type[Model] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        bodyless = _BODYLESS.get(model)
        if bodyless is not None:
            return dict(bodyless), {}
        return super().build_response_object(model, headers_model)
