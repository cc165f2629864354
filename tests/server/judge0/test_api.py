"""The Judge0 surface over the real app (FakeEngine behind it), on both databases (each test a
fresh one: background runs work concurrently with the requests)."""

from __future__ import annotations

import asyncio
import base64
import io
import zipfile
from typing import Any

import pytest
from aiohttp import web
from judge0.base_types import Config as SdkConfig
from quart import Quart
from quart.typing import TestClientProtocol as Client

from runners.contract import Comparison, RunRequest, RunResult, Stage, Verdict
from server.app import create_app
from server.judge0.encoding import encode64
from server.settings import Settings
from tests.server.judge0.conftest import CATALOGUE, Key, make_key
from tests.support.fake_engine import FakeEngine
from tests.support.net import free_port

# Submissions run in background tasks with sessions of their own, concurrently with requests:
# they need connections of their own, not the shared rolled-back transaction.
pytestmark = pytest.mark.fresh_database

API = "/api/judge0"
PY = {"source_code": "print(input())", "language_id": 71}


@pytest.fixture
def client(app: Quart) -> Client:
    return app.test_client()


async def submit(
    client: Client, key: Key, body: dict[str, Any], query: str = "wait=true"
) -> tuple[int, Any]:
    response = await client.post(f"{API}/submissions?{query}", json=body, headers=key.headers)
    return response.status_code, await response.get_json()


async def wait_done(client: Client, key: Key, token: str, query: str = "") -> dict[str, Any]:
    for _ in range(200):
        response = await client.get(f"{API}/submissions/{token}?{query}", headers=key.headers)
        body: dict[str, Any] = await response.get_json()
        if body["status"]["id"] > 2:
            return body
        await asyncio.sleep(0.02)
    raise AssertionError("the submission never finished")


async def test_every_route_needs_an_api_key(client: Client, key: Key) -> None:
    for headers in ({}, {"X-Auth-Token": "onsk_nope"}, {"X-Auth-Token": "garbage"}):
        response = await client.get(f"{API}/languages", headers=headers)
        assert response.status_code == 401 and await response.get_data() == b""
    ok = await client.post(f"{API}/authenticate", headers=key.headers)
    assert ok.status_code == 200
    bearer = await client.post(
        f"{API}/authorize", headers={"Authorization": f"Bearer {key.secret}"}
    )
    assert bearer.status_code == 200


async def test_wait_true_answers_the_result(client: Client, key: Key) -> None:
    status, body = await submit(client, key, {**PY, "stdin": "héllo"})
    assert status == 201
    assert body["status"] == {"id": 3, "description": "Accepted"}
    assert body["stdout"] == "héllo" and body["stderr"] is None
    assert isinstance(body["time"], str) and float(body["time"]) >= 0
    assert set(body) == {
        "token",
        "time",
        "memory",
        "stdout",
        "stderr",
        "compile_output",
        "message",
        "status",
    }


async def test_base64_in_and_out_line_wrapped(
    client: Client, key: Key, fake_engine: FakeEngine
) -> None:
    stdin = "line of input that is long enough to wrap at sixty characters, twice over\n"
    body = {
        "source_code": encode64("print(input())"),
        "language_id": 71,
        "stdin": encode64(stdin),
    }
    status, answer = await submit(client, key, body, "wait=true&base64_encoded=true")
    assert status == 201
    assert "\n" in answer["stdout"].rstrip("\n")  # wrapped like Ruby's encode64
    assert base64.b64decode(answer["stdout"].replace("\n", "")).decode() == stdin
    assert fake_engine.requests[-1].source == "print(input())"


async def test_async_submission_runs_in_the_background(client: Client, key: Key) -> None:
    status, created = await submit(client, key, {**PY, "stdin": "later"}, "")
    assert status == 201 and set(created) == {"token"}
    done = await wait_done(client, key, created["token"], "fields=*")
    assert done["status"]["id"] == 3 and done["stdout"] == "later"
    assert done["language"] == {"id": 71, "name": "Python (3.13.5)"}
    assert done["created_at"].endswith("Z") and done["finished_at"].endswith("Z")
    assert done["cpu_time_limit"] == "5.0" and done["number_of_runs"] == 1


async def test_another_accounts_token_is_not_found(app: Quart, client: Client, key: Key) -> None:
    _, created = await submit(client, key, PY)
    other = await make_key(app)
    theirs = await client.get(f"{API}/submissions/{created['token']}", headers=other.headers)
    assert theirs.status_code == 404 and await theirs.get_json() == {
        "error": "submission not found"
    }
    for token in ("nope", "0" * 200):
        missing = await client.get(f"{API}/submissions/{token}", headers=key.headers)
        assert missing.status_code == 404
    gone = await client.delete(f"{API}/submissions/{created['token']}", headers=other.headers)
    assert gone.status_code == 404
    mine = await client.get(f"{API}/submissions/{created['token']}", headers=key.headers)
    assert mine.status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"language_id": 71}, "source_code", "can't be blank"),
        ({"source_code": "x"}, "language_id", "can't be blank"),
        ({**PY, "language_id": 9999}, "language_id", "language with id 9999 doesn't exist"),
        ({**PY, "language_id": "71"}, "language_id", "is not a number"),
        ({**PY, "cpu_time_limit": 1000}, "cpu_time_limit", "must be less than or equal to 30"),
        ({**PY, "wall_time_limit": -1}, "wall_time_limit", "must be greater than 0"),
        ({**PY, "memory_limit": 10**9}, "memory_limit", "must be less than or equal to 2097152"),
        ({**PY, "memory_limit": 1024}, "memory_limit", "must be greater than or equal to 16384"),
        ({**PY, "max_processes_and_or_threads": 10**6}, "max_processes_and_or_threads", None),
        ({**PY, "max_file_size": 10**7}, "max_file_size", None),
        ({**PY, "number_of_runs": 3}, "number_of_runs", "must be less than or equal to 1"),
        ({**PY, "enable_network": True}, "enable_network", "this option cannot be enabled"),
        ({**PY, "enable_per_process_and_thread_time_limit": True}, None, None),
        ({**PY, "compiler_options": "-O3"}, "compiler_options", None),
        ({**PY, "command_line_arguments": "'unclosed"}, "command_line_arguments", None),
        ({**PY, "callback_url": "http://example.com/hook"}, "callback_url", None),
        ({**PY, "additional_files": "not base64!"}, "additional_files", "is not valid base64"),
        ({**PY, "additional_files": encode64(b"not a zip")}, "additional_files", None),
        ({**PY, "stdin": 5}, "stdin", "must be a string"),
        ({**PY, "source_code": "a" * (1024 * 1024 + 1)}, "source_code", None),
    ],
)
async def test_bad_submissions_get_judge0_field_errors(
    client: Client, key: Key, body: dict[str, Any], field: str | None, message: str | None
) -> None:
    status, answer = await submit(client, key, body)
    assert status == 422, answer
    assert isinstance(answer, dict) and all(isinstance(v, list) for v in answer.values())
    if field is not None:
        assert field in answer
        if message is not None:
            assert message in answer[field]


async def test_malformed_base64_source_is_a_field_error(client: Client, key: Key) -> None:
    status, answer = await submit(
        client, key, {"source_code": "%%%", "language_id": 71}, "base64_encoded=true"
    )
    assert status == 422 and answer == {"source_code": ["is not valid base64"]}


async def test_bodies_that_are_not_json_objects(client: Client, key: Key) -> None:
    raw = await client.post(
        f"{API}/submissions", data=b"{nope", headers={**key.headers, "Content-Type": "text/plain"}
    )
    assert raw.status_code == 400 and "error" in await raw.get_json()
    listed = await client.post(f"{API}/submissions", json=[1, 2], headers=key.headers)
    assert listed.status_code == 422


@pytest.mark.parametrize("settings_overrides", [{"server": {"max_body_bytes": 4096}}])
async def test_oversized_body_is_413_in_judge0_shape(client: Client, key: Key) -> None:
    status, answer = await submit(client, key, {**PY, "stdin": "x" * 10_000})
    assert status == 413 and answer == {"error": "request body is too large"}


async def test_the_run_request_honours_limits_args_files_and_expected_output(
    client: Client, key: Key, fake_engine: FakeEngine
) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("data/input.txt", "abc")
    body = {
        **PY,
        "stdin": "1 2\n",
        "expected_output": "1 2\nfirst\nsecond arg\n",
        "command_line_arguments": "first 'second arg'",
        "cpu_time_limit": 1.5,
        "wall_time_limit": 4,
        "memory_limit": 65536,
        "max_processes_and_or_threads": 16,
        "max_file_size": 32,
        "additional_files": encode64(archive.getvalue()),
    }
    status, answer = await submit(client, key, body)
    assert status == 201 and answer["status"]["id"] == 3, answer
    request: RunRequest = fake_engine.requests[-1]
    assert request.args == ("first", "second arg")
    assert [(f.name, f.content) for f in request.files] == [("data/input.txt", b"abc")]
    assert request.limits.run_timeout_ms == 2500  # min(wall 4, cpu 1.5 + extra 1)
    assert request.limits.memory_mb == 64 and request.limits.pids == 16
    assert request.limits.output_kb == 32
    assert len(request.tests) == 1 and request.tests[0].expected_stdout == body["expected_output"]
    assert request.judging.comparison is Comparison.TRAILING_WHITESPACE
    wrong = await submit(client, key, {**PY, "stdin": "1", "expected_output": "2"})
    assert wrong[1]["status"] == {"id": 4, "description": "Wrong Answer"}
    plain = fake_engine.requests[-1]
    assert await submit(client, key, PY) and fake_engine.requests[-1].tests == ()
    assert plain.limits.run_timeout_ms is None  # no limit given: the language's own


async def test_engine_verdicts_reach_the_client(
    client: Client, key: Key, fake_engine: FakeEngine
) -> None:
    fake_engine.respond = lambda r: RunResult(
        Verdict.RUNTIME_ERROR,
        r.language,
        run=Stage(stderr="boom", exit_code=None, signal="SIGSEGV"),
    )
    _, answer = await submit(client, key, PY, "wait=true&fields=status,exit_signal,stderr")
    assert answer == {
        "status": {"id": 7, "description": "Runtime Error (SIGSEGV)"},
        "exit_signal": 11,
        "stderr": "boom",
    }


async def test_fields_and_pagination(client: Client, key: Key) -> None:
    for n in range(3):
        await submit(client, key, {**PY, "stdin": str(n)})
    bad = await client.get(f"{API}/submissions?fields=stdout,nope", headers=key.headers)
    assert bad.status_code == 400 and await bad.get_json() == {"error": "invalid fields: [nope]"}
    page = await client.get(
        f"{API}/submissions?page=2&per_page=2&fields=stdout", headers=key.headers
    )
    body = await page.get_json()
    assert body["submissions"] == [{"stdout": "0"}]
    assert body["meta"] == {
        "current_page": 2,
        "next_page": None,
        "prev_page": 1,
        "total_pages": 2,
        "total_count": 3,
    }
    for query in ("page=0", "per_page=-1", "page=abc"):
        invalid = await client.get(f"{API}/submissions?{query}", headers=key.headers)
        assert invalid.status_code == 400 and "invalid" in (await invalid.get_json())["error"]


async def test_batches(app: Quart, client: Client, key: Key) -> None:
    good = {**PY, "stdin": "b"}
    response = await client.post(
        f"{API}/submissions/batch",
        json={"submissions": [good, {"language_id": 71}, good]},
        headers=key.headers,
    )
    assert response.status_code == 201
    created = await response.get_json()
    assert "token" in created[0] and created[1] == {"source_code": ["can't be blank"]}
    tokens = [created[0]["token"], created[2]["token"]]
    for token in tokens:
        await wait_done(client, key, token)
    other = await make_key(app)
    _, theirs = await submit(client, other, PY)
    read = await client.get(
        f"{API}/submissions/batch?tokens={','.join([*tokens, theirs['token']])}&fields=stdout",
        headers=key.headers,
    )
    assert await read.get_json() == {"submissions": [{"stdout": "b"}, {"stdout": "b"}, None]}
    too_many = await client.post(
        f"{API}/submissions/batch", json={"submissions": [good] * 21}, headers=key.headers
    )
    assert too_many.status_code == 400
    assert "less than or equal to 20" in (await too_many.get_json())["error"]
    empties: list[dict[str, Any]] = [{"submissions": []}, {}]
    for empty in empties:
        none = await client.post(f"{API}/submissions/batch", json=empty, headers=key.headers)
        assert none.status_code == 400
    all_bad = await client.post(
        f"{API}/submissions/batch", json={"submissions": [{}]}, headers=key.headers
    )
    assert all_bad.status_code == 422
    no_tokens = await client.get(f"{API}/submissions/batch?tokens=", headers=key.headers)
    assert no_tokens.status_code == 400


async def test_delete(client: Client, key: Key, fake_engine: FakeEngine) -> None:
    _, done = await submit(client, key, PY)
    deleted = await client.delete(f"{API}/submissions/{done['token']}", headers=key.headers)
    assert deleted.status_code == 200 and (await deleted.get_json())["token"] == done["token"]
    again = await client.get(f"{API}/submissions/{done['token']}", headers=key.headers)
    assert again.status_code == 404
    fake_engine.delay_s = 0.5
    _, queued = await submit(client, key, PY, "")
    early = await client.delete(f"{API}/submissions/{queued['token']}", headers=key.headers)
    assert early.status_code == 400 and "cannot be deleted" in (await early.get_json())["error"]
    await wait_done(client, key, queued["token"])


async def test_a_busy_engine_and_a_full_queue_answer_503_at_once(
    client: Client, key: Key, fake_engine: FakeEngine
) -> None:
    fake_engine.busy = True
    status, answer = await submit(client, key, PY)
    assert status == 503 and answer == {"error": "queue is full"}
    fake_engine.busy = False
    fake_engine.delay_s = 0.3
    statuses = []
    for _ in range(3):
        statuses.append((await submit(client, key, PY, ""))[0])
    assert statuses == [201, 201, 503]


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    overrides: dict[str, Any] = {"judge0": {"max_queue_size": 2}}
    extra = getattr(request, "param", None)
    if extra:
        overrides.update(extra)
    return overrides


async def test_languages_statuses_and_server_info(client: Client, key: Key) -> None:
    languages = await (await client.get(f"{API}/languages", headers=key.headers)).get_json()
    assert {"id": 63, "name": "Node.js (20.19.2)"} in languages
    one = await client.get(f"{API}/languages/71", headers=key.headers)
    assert (await one.get_json())["source_file"] == "main.py"
    missing = await client.get(f"{API}/languages/12345", headers=key.headers)
    assert missing.status_code == 404
    every = await client.get(f"{API}/languages/all", headers=key.headers)
    assert len(await every.get_json()) == len(languages)
    statuses = await (await client.get(f"{API}/statuses", headers=key.headers)).get_json()
    assert [s["id"] for s in statuses] == list(range(1, 15))
    config = await (await client.get(f"{API}/config_info", headers=key.headers)).get_json()
    assert set(SdkConfig.model_fields) <= set(config)
    SdkConfig(**config)
    assert config["max_queue_size"] == 2 and config["enable_callbacks"] is False
    version = await client.get(f"{API}/version", headers=key.headers)
    assert await version.get_data(as_text=True) == "1.13.1"
    for path in ("about", "system_info", "workers", "statistics"):
        answer = await client.get(f"{API}/{path}", headers=key.headers)
        assert answer.status_code == 200, path
    trailing = await client.get(f"{API}/statuses/", headers=key.headers)
    assert trailing.status_code == 200
    posted = await client.post(f"{API}/submissions/?wait=true", json=PY, headers=key.headers)
    assert posted.status_code == 201  # some Judge0 clients post to /submissions/


async def test_statistics_count_only_the_callers_submissions(
    app: Quart, client: Client, key: Key
) -> None:
    await submit(client, key, PY)
    other = await make_key(app)
    stats = await (await client.get(f"{API}/statistics", headers=other.headers)).get_json()
    assert stats["submissions"]["total"] == 0
    mine = await (await client.get(f"{API}/statistics", headers=key.headers)).get_json()
    assert mine["submissions"] == {"total": 1, "today": 1, "last_30_days": 1}
    assert mine["statuses"] == [{"status": {"id": 3, "name": "Accepted"}, "count": 1}]


class CallbackSink:
    def __init__(self) -> None:
        self.received: list[tuple[str, Any]] = []
        self.failures_left = 1

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures_left:
            self.failures_left -= 1
            return web.Response(status=500)
        self.received.append((request.method, await request.json()))
        return web.Response(status=200)


@pytest.mark.parametrize(
    "settings_overrides",
    [
        {
            "judge0": {
                "callback_allowed_hosts": ["127.0.0.1"],
                "callback_allow_private": True,
                "callbacks_retry_delay_seconds": 0.01,
            }
        }
    ],
)
async def test_callback_is_put_with_retries(client: Client, key: Key) -> None:
    sink = CallbackSink()
    server = web.Application()
    server.router.add_put("/hook", sink.handle)
    runner = web.AppRunner(server)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        status, created = await submit(
            client, key, {**PY, "stdin": "cb", "callback_url": f"http://127.0.0.1:{port}/hook"}, ""
        )
        assert status == 201
        for _ in range(200):
            if sink.received:
                break
            await asyncio.sleep(0.02)
        [(method, body)] = sink.received
        assert method == "PUT" and body["token"] == created["token"]
        assert body["status"]["id"] == 3 and base64.b64decode(body["stdout"]) == b"cb"
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    "settings_overrides", [{"judge0": {"callback_allowed_hosts": ["127.0.0.1", "10.1.2.3"]}}]
)
async def test_callbacks_to_private_hosts_are_refused_unless_allowed(
    client: Client, key: Key
) -> None:
    for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://evil.example/hook"):
        status, answer = await submit(client, key, {**PY, "callback_url": url})
        assert status == 422 and "callback_url" in answer, url


@pytest.mark.parametrize(
    ("settings_overrides", "finished"),
    [({"judge0": {"read_hold_ms": 2000}}, True), ({"judge0": {"read_hold_ms": 0}}, False)],
)
async def test_a_read_holds_briefly_for_a_running_submission(
    client: Client, key: Key, fake_engine: FakeEngine, finished: bool
) -> None:
    fake_engine.delay_s = 0.3
    _, created = await submit(client, key, PY, "")
    response = await client.get(f"{API}/submissions/{created['token']}", headers=key.headers)
    status = (await response.get_json())["status"]["id"]
    assert (status == 3) is finished
    if not finished:
        return
    _, second = await submit(client, key, PY, "")
    batch = await client.get(
        f"{API}/submissions/batch?tokens={second['token']}", headers=key.headers
    )
    assert (await batch.get_json())["submissions"][0]["status"]["id"] == 3


async def test_a_run_cut_short_by_shutdown_ends_internal_error(settings: Settings) -> None:
    engine = FakeEngine(languages=CATALOGUE, delay_s=30)
    first = create_app(settings, engine)
    first.config["BACKGROUND_TASK_SHUTDOWN_TIMEOUT"] = 0.2
    async with first.test_app():
        key = await make_key(first)
        _, created = await submit(first.test_client(), key, PY, "")
    second = create_app(settings, FakeEngine(languages=CATALOGUE))
    async with second.test_app():
        response = await second.test_client().get(
            f"{API}/submissions/{created['token']}?fields=status,message", headers=key.headers
        )
        assert await response.get_json() == {
            "status": {"id": 13, "description": "Internal Error"},
            "message": "The server stopped before the run finished.",
        }
