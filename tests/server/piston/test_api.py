"""``/piston/api/v2`` over the real app (FakeEngine behind it), on both databases."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from runners.contract import RunRequest, RunResult, Stage, Verdict
from tests.support.fake_engine import FakeEngine

API = "/piston/api/v2"
HELLO = {"language": "python", "version": "*", "files": [{"content": "print(input())"}]}


@pytest.fixture
def client(app: Quart) -> Client:
    return app.test_client()


async def execute(
    client: Client, key: str, body: Any, *, raw_key: bool = True, content_type: str | None = None
) -> tuple[int, Any]:
    headers = {"Authorization": key if raw_key else f"Bearer {key}"}
    if content_type is None:
        response = await client.post(f"{API}/execute", json=body, headers=headers)
    else:
        response = await client.post(
            f"{API}/execute",
            data=json.dumps(body).encode(),
            headers={**headers, "Content-Type": content_type},
        )
    return response.status_code, await response.get_json()


async def test_runtimes_are_public_and_piston_shaped(client: Client) -> None:
    response = await client.get(f"{API}/runtimes")
    assert response.status_code == 200
    body = await response.get_json()
    assert {"language": "python", "version": "3.13.5", "aliases": ["py", "py3", "python3"]} in body
    node = next(rt for rt in body if rt["language"] == "javascript")
    assert node["runtime"] == "node" and node["version"] == "20.19.2"


async def test_execute_answers_pistons_shape(client: Client, api_key: str) -> None:
    status, body = await execute(client, api_key, {**HELLO, "stdin": "hi\n", "args": ["1", "2"]})
    assert status == 200
    assert body["language"] == "python" and body["version"] == "3.13.5"
    run = body["run"]
    assert run["stdout"] == "hi\n1\n2\n" and run["output"] == run["stdout"]
    assert run["code"] == 0 and run["signal"] is None and run["status"] is None
    assert run["memory"] == 1024 * 1024 and "compile" not in body


async def test_execute_takes_bearer_and_text_plain(client: Client, api_key: str) -> None:
    status, _ = await execute(client, api_key, HELLO, raw_key=False)
    assert status == 200
    status, _ = await execute(client, api_key, HELLO, content_type="text/plain")
    assert status == 200


async def test_execute_needs_a_key(client: Client) -> None:
    for headers in ({}, {"Authorization": "onsk_wrong"}, {"Authorization": "Bearer x"}):
        response = await client.post(f"{API}/execute", json=HELLO, headers=headers)
        assert response.status_code == 401
        assert "message" in await response.get_json()


async def test_files_encodings_and_limits_reach_the_engine(
    client: Client, api_key: str, fake_engine: FakeEngine
) -> None:
    body = {
        "language": "c++",
        "version": "14",
        "files": [
            {
                "name": "main.cpp",
                "content": base64.b64encode(b"int main(){}").decode(),
                "encoding": "base64",
            },
            {"name": "data/in.txt", "content": "hello"},
            {"name": "blob.bin", "content": "00ff", "encoding": "hex"},
        ],
        "run_timeout": 1500,
        "compile_timeout": 20000,
        "run_memory_limit": 64 * 1024 * 1024,
        "compile_memory_limit": -1,
    }
    status, answer = await execute(client, api_key, body)
    assert status == 200, answer
    assert answer["language"] == "c++" and answer["compile"]["code"] == 0
    request: RunRequest = fake_engine.requests[-1]
    assert request.language == "cpp" and request.source == "int main(){}"
    assert [(f.name, f.content) for f in request.files] == [
        ("data/in.txt", b"hello"),
        ("blob.bin", b"\x00\xff"),
    ]
    assert request.limits.run_timeout_ms == 1500 and request.limits.compile_timeout_ms == 20000
    assert request.limits.memory_mb == 64


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "language is required as a string"),
        ({"language": "python"}, "version is required as a string"),
        ({"language": "python", "version": "*"}, "files is required as an array"),
        ({**HELLO, "files": []}, "files must contain at least one file"),
        ({**HELLO, "files": [{"name": "x"}]}, "files[0].content is required as a string"),
        ({**HELLO, "files": [{"content": "%%", "encoding": "base64"}]}, "not valid base64"),
        ({**HELLO, "files": [{"content": "zz", "encoding": "hex"}]}, "not valid hex"),
        ({**HELLO, "files": [{"content": "x", "encoding": "rot13"}]}, "encoding must be one of"),
        ({**HELLO, "files": [{"content": "x"}, {"name": "../x", "content": "y"}]}, "relative"),
        ({**HELLO, "language": "cobol"}, "cobol-* runtime is unknown"),
        ({**HELLO, "version": "2.7"}, "python-2.7 runtime is unknown"),
        (
            {**HELLO, "run_timeout": 10**9},
            "run_timeout cannot exceed the configured limit of 30000",
        ),
        ({**HELLO, "run_timeout": "fast"}, "run_timeout is required as a number"),
        ({**HELLO, "run_memory_limit": 2**40}, "run_memory_limit cannot exceed"),
        ({**HELLO, "compile_timeout": -5}, "compile_timeout must be non-negative"),
        ({**HELLO, "args": [1]}, "args must be an array of strings"),
        ({**HELLO, "stdin": 3}, "stdin must be a string"),
        ([], "the body must be a JSON object"),
    ],
)
async def test_bad_requests_get_pistons_400(
    client: Client, api_key: str, body: Any, message: str
) -> None:
    status, answer = await execute(client, api_key, body)
    assert status == 400 and set(answer) == {"message"}
    assert message in answer["message"]


async def test_malformed_json_and_oversized_bodies(client: Client, api_key: str) -> None:
    response = await client.post(
        f"{API}/execute", data=b"{not json", headers={"Authorization": api_key}
    )
    assert response.status_code == 400 and "message" in await response.get_json()


@pytest.mark.parametrize("settings_overrides", [{"server": {"max_body_bytes": 4096}}])
async def test_oversized_body_is_413(client: Client, api_key: str) -> None:
    status, answer = await execute(client, api_key, {**HELLO, "stdin": "x" * 10_000})
    assert status == 413 and set(answer) == {"message"}


async def test_verdicts_and_compile_errors(
    client: Client, api_key: str, fake_engine: FakeEngine
) -> None:
    fake_engine.respond = lambda r: RunResult(
        Verdict.TIME_LIMIT, r.language, run=Stage(stdout="partial", signal="SIGKILL", wall_ms=900)
    )
    _, answer = await execute(client, api_key, HELLO)
    assert answer["run"]["status"] == "TO" and answer["run"]["signal"] == "SIGKILL"
    fake_engine.respond = lambda r: RunResult(
        Verdict.COMPILE_ERROR, r.language, compile=Stage(stderr="error: ;", exit_code=1)
    )
    _, answer = await execute(client, api_key, {**HELLO, "language": "c"})
    assert answer["compile"]["code"] == 1 and answer["compile"]["stderr"] == "error: ;"
    assert answer["run"]["code"] is None and answer["run"]["message"] == "compilation failed"
    fake_engine.respond = None
    fake_engine.busy = True
    status, answer = await execute(client, api_key, HELLO)
    assert status == 503 and set(answer) == {"message"}
