"""Schemathesis against the served ``/openapi.json``: no 5xx, no undocumented status, responses
match their schemas, invalid input is refused.

The whole app runs under a real hypercorn on a loopback port (in a thread with its own event
loop, so schemathesis' synchronous HTTP client can call it), on SQLite, with the FakeEngine.
Requests carry an API key, so authenticated operations are exercised past the 401 too. Examples
are bounded so the module finishes well under two minutes.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypercorn.asyncio import serve
from hypercorn.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.schemas import BaseSchema
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.asgi import build_asgi
from server.settings import Settings
from tests.conftest import postgres_url
from tests.support.auth import DEFAULT_PASSWORD, unique_email
from tests.support.fake_engine import FakeEngine
from tests.support.net import free_port
from tests.support.org import OPEN_SIGNUP, merged

# Every API operation of ours (all slices); examples are bounded to keep the module well under
# 2 min. The Judge0-compatible surface speaks Judge0's dialect and has its own contract test
# (tests/server/judge0/test_openapi.py), as does Piston's (under /piston).
API_PATHS = r"^/api/(?!judge0/)"
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


# Invalid data may also be refused as too large (413: a generated body can reach megabytes), not
# JSON (415) or, for sign-in attempts, rate limited (429): all documented refusals, not acceptance.
REJECTION_STATUSES = ("413", "415", "429")


def load_schema(live_api: LiveApi, path_regex: str) -> BaseSchema:
    """The served schema, narrowed to ``path_regex``, with the negative-data check told that
    413/415/429 refuse invalid data as surely as a 400 does."""
    schema = schemathesis.openapi.from_url(f"{live_api.base_url}/openapi.json").include(
        path_regex=path_regex
    )
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, *REJECTION_STATUSES]
    return schema


PG = pytest.mark.postgres
CONTRACT_CASES = pytest.mark.parametrize(
    ("mode", "live_api"),
    [
        pytest.param(GenerationMode.POSITIVE, "sqlite", id="sqlite-positive"),
        pytest.param(GenerationMode.POSITIVE, "postgresql", id="postgresql-positive", marks=PG),
        pytest.param(GenerationMode.NEGATIVE, "postgresql", id="postgresql-negative", marks=PG),
    ],
    indirect=["live_api"],
)
"""The contract tests' runs: valid requests on both databases (they reach the queries), invalid
ones on PostgreSQL only. An invalid request that gets past validation (a path id with a NUL
byte, an overlong string) fails only where the database is the stricter one, PostgreSQL; the
rest is refused before any query, the same on both. Generating invalid data is most of the
suite's CPU time, so it is not done twice for the same answers."""


def contract_settings(max_examples: int) -> settings:
    """Hypothesis settings for the contract tests: a fixed, derandomised example set, so a run
    in CI sees the same requests as the run that passed here (a random 12 MB body once tipped
    a run over), no example database, no deadline (PostgreSQL round trips vary)."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def check_operation(
    live_api: LiveApi,
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    max_examples: int,
) -> bool:
    """Run one operation's examples with every check; False when the operation has nothing
    that can be made invalid (only allowed for negative data), an ``AssertionError`` naming
    the operation on any failure."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @contract_settings(max_examples=max_examples)
    def check(case: Any) -> None:
        case.call_and_validate(
            base_url=live_api.base_url, headers=headers, checks=CHECKS, timeout=30
        )

    try:
        check()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label
        return False
    except Exception as exc:
        raise AssertionError(f"{operation.label} ({mode}): {exc}") from exc
    return True


@dataclass
class LiveApi:
    base_url: str
    api_key: str


class _ServerThread(threading.Thread):
    """Hypercorn serving the full ASGI app in its own loop until ``stop()``."""

    def __init__(self, app: Any, port: int) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.port = port
        self.loop = asyncio.new_event_loop()
        self._stop_event: asyncio.Event | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        config = Config()
        config.bind = [f"127.0.0.1:{self.port}"]
        config.accesslog = None
        config.errorlog = None

        async def main() -> None:
            self._stop_event = asyncio.Event()
            await serve(self.app, config, shutdown_trigger=self._stop_event.wait)

        try:
            self.loop.run_until_complete(main())
        except BaseException as exc:  # surfaced by the fixture
            self.error = exc
        finally:
            self.loop.close()

    def stop(self) -> None:
        if self._stop_event is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._stop_event.set)
        self.join(timeout=20)


async def _postgres_schema(statement: str) -> None:
    admin = create_async_engine(postgres_url(), poolclass=NullPool)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await admin.dispose()


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def live_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    tmp: Path = tmp_path_factory.mktemp("openapi")
    overrides: dict[str, Any] = merged(OPEN_SIGNUP, {"auth": {"login_attempts_per_ip": 10_000}})
    schema = ""
    if request.param == "postgresql":
        schema = f"st_{uuid.uuid4().hex[:12]}"
        asyncio.run(_postgres_schema(f'CREATE SCHEMA "{schema}"'))
        overrides.update(database_url=postgres_url(), database_schema=schema)
    try:
        yield from _serve(Settings.for_tests(tmp, **overrides))
    finally:
        if schema:
            asyncio.run(_postgres_schema(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _serve(settings_: Settings) -> Iterator[LiveApi]:
    port = free_port()
    thread = _ServerThread(build_asgi(settings_, FakeEngine()), port)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{base}/api/languages", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if thread.error is not None:
            raise thread.error
        threading.Event().wait(0.05)
    else:
        thread.stop()
        raise AssertionError("the server did not come up")
    http = requests.Session()
    signup = http.post(
        f"{base}/api/auth/register",
        json={"email": unique_email(), "password": DEFAULT_PASSWORD, "name": "Schema"},
        timeout=10,
    )
    assert signup.status_code == 201, signup.text
    key = http.post(
        f"{base}/api/keys",
        json={"name": "schemathesis"},
        headers={"X-CSRF-Token": http.cookies["onsite_csrf"]},
        timeout=10,
    )
    assert key.status_code == 201, key.text
    try:
        yield LiveApi(base, key.json()["secret"])
    finally:
        thread.stop()


@CONTRACT_CASES
def test_api_contract(live_api: LiveApi, mode: GenerationMode) -> None:
    """Each of our operations, with generated valid (positive) or invalid (negative) requests.

    Driven through schemathesis' Python API: its pytest plugin's lazy loader does not work with
    pytest 9 (it writes ``Function._nodeid``).
    """
    schema = load_schema(live_api, API_PATHS)
    headers = {"Authorization": f"Bearer {live_api.api_key}"}
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"invalid schema: {result.err()}"
        operations.append(result.ok())
    assert len(operations) >= 14, [op.label for op in operations]
    tested_without_input: list[str] = []
    for operation in operations:
        if not check_operation(live_api, operation, mode, headers, max_examples=20):
            # An operation without body or parameters has nothing that can be made invalid.
            tested_without_input.append(operation.label)
    # everything that takes a JSON body was fuzzed with invalid data too
    with_body = {op.label for op in operations if op.definition.raw.get("requestBody")}
    assert len(with_body) >= 8 and not with_body & set(tested_without_input)


def test_schema_documents_errors_everywhere(live_api: LiveApi) -> None:
    """Every operation of ours documents at least one error response in the shared shape."""
    spec = requests.get(f"{live_api.base_url}/openapi.json", timeout=10).json()
    for path, item in spec["paths"].items():
        if not path.startswith(("/api/auth", "/api/keys", "/api/runs")):
            continue
        for method, operation in item.items():
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            if path == "/api/auth/oidc/providers":
                continue
            assert errors, f"{method.upper()} {path} documents no error response"
            schema_ = operation["responses"][errors[0]]["content"]["application/json"]["schema"]
            assert schema_["required"] == ["error"], (method, path)
