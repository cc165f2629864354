"""Schemathesis over ``/api/judge0`` as served (``/openapi.json``): no 5xx, every status and
body as documented (Judge0's shapes), invalid input refused. Same harness as the API's own
contract test (a live hypercorn, SQLite and PostgreSQL, the FakeEngine)."""

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

JUDGE0_PATHS = r"^/api/judge0/"


@CONTRACT_CASES
def test_judge0_contract(live_api: LiveApi, mode: GenerationMode) -> None:
    schema = load_schema(live_api, JUDGE0_PATHS)
    headers = {"X-Auth-Token": live_api.api_key}
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"invalid schema: {result.err()}"
        operations.append(result.ok())
    assert len(operations) == 18, [op.label for op in operations]
    for operation in operations:
        check_operation(live_api, operation, mode, headers, max_examples=15)
