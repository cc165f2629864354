"""Building JSON responses from pydantic models when the handler also sets cookies or headers.

(quart-schema's ``validate_response`` cannot validate a ``Response`` object, so handlers that
need one build it here and document the shape with ``document_response``.)
"""

from __future__ import annotations

from pydantic import BaseModel
from quart import Response, current_app


def json_response(model: BaseModel, status: int = 200) -> Response:
    response = current_app.response_class(
        model.model_dump_json(), status=status, mimetype="application/json"
    )
    return response


def empty_response(status: int = 204) -> Response:
    return current_app.response_class(b"", status=status)


def redirect_response(location: str, status: int = 302) -> Response:
    return current_app.response_class(b"", status=status, headers={"Location": location})
