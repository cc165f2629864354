"""OpenAPI details quart-schema leaves out.

* Responses without a body (204, 302): document them with ``@document_response(NoContent, 204)``
  or ``@document_response(Redirect, 302)``; they render without ``content``. A ZIP download:
  ``@document_response(ZipFile, 200)``; JSON lines: ``@document_response(JsonLines, 200)``.
* Refusals any body-taking operation can answer whatever its handler does — malformed or invalid
  JSON (400), too large (413), not JSON (415) — are added to every operation with a request body,
  in the shared error shape, so no slice can forget them.
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


class ZipFile(BaseModel):
    """A ZIP archive (``application/zip``)."""


class JsonLines(BaseModel):
    """One JSON object per line (``application/x-ndjson``)."""


_BODYLESS: dict[type[Any], dict[str, Any]] = {
    NoContent: {"description": "No content."},
    Redirect: {
        "description": "A redirect; see the Location header.",
        "headers": {"Location": {"schema": {"type": "string"}}},
    },
    ZipFile: {
        "description": "A ZIP archive.",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    },
    JsonLines: {
        "description": "One JSON object per line.",
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
    },
}


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
BODY_REFUSALS = {
    400: "The body is not valid JSON or does not match the schema.",
    413: "The body is too large.",
    415: "The body is not JSON.",
}


class OnsiteOpenAPIProvider(OpenAPIProvider):
    def schema(self) -> dict[str, Any]:
        spec = super().schema()
        for item in spec.get("paths", {}).values():
            for operation in item.values():
                if not isinstance(operation, dict) or "requestBody" not in operation:
                    continue
                responses = operation.setdefault("responses", {})
                for status, description in BODY_REFUSALS.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ERROR_SCHEMA}},
                        },
                    )
        return spec

    def build_response_object(
        self, model: type[Model], headers_model: type[Model] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        bodyless = _BODYLESS.get(model)
        if bodyless is not None:
            return dict(bodyless), {}
        return super().build_response_object(model, headers_model)
