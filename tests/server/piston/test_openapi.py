"""Schemathesis over ``/piston/api/v2`` as served: no 5xx, Piston's shapes as documented,
invalid input refused (the API's own harness: live hypercorn, both databases, FakeEngine)."""

from __future__ import annotations

from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from tests.server.test_openapi import (
    CONTRACT_CASES,
    LiveApi,
    check_operation,
    live_api,
    load_schema,
)

__all__ = ["live_api"]


@CONTRACT_CASES
def test_piston_contract(live_api: LiveApi, mode: GenerationMode) -> None:
    schema = load_schema(live_api, r"^/piston/")
    headers = {"Authorization": live_api.api_key}
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"invalid schema: {result.err()}"
        operations.append(result.ok())
    assert {op.label for op in operations} == {
        "GET /piston/api/v2/runtimes",
        "POST /piston/api/v2/execute",
    }
    for operation in operations:
        check_operation(live_api, operation, mode, headers, max_examples=40)
