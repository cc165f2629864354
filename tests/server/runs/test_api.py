"""REST runs and API keys, with FakeEngine behind the real app (the Docker engine itself is
tested in tests/runners)."""

from __future__ import annotations

from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol as Client

from runners.contract import LimitAboveMaximumError, RunRequest, RunResult
from server.kit.state import get_state
from tests.support.auth import SignedIn, register_and_login
from tests.support.fake_engine import FAKE_LANGUAGES, FakeEngine
from tests.support.http import error_code


async def test_languages_are_public(app: Quart) -> None:
    response = await app.test_client().get("/api/languages")
    assert response.status_code == 200
    body = await response.get_json()
    assert body == [lang.to_dict() for lang in FAKE_LANGUAGES]


async def test_run_answers_the_run_result(
    client: Client, signed_in: SignedIn, fake_engine: FakeEngine
) -> None:
    response = await client.post(
        "/api/runs",
        json={
            "language": "c",
            "source": "int main(void){}",
            "stdin": "42\n",
            "limits": {"run_timeout_ms": 500},
        },
        headers=signed_in.csrf,
    )
    assert response.status_code == 200
    body = await response.get_json()
    assert body["status"] == "ok" and body["language"] == "c"
    assert body["run"]["stdout"] == "42\n"
    assert body["compile"]["exit_code"] == 0
    assert set(body["run"]) == {
        "stdout",
        "stderr",
        "exit_code",
        "signal",
        "wall_ms",
        "cpu_ms",
        "memory_kb",
        "stdout_truncated",
        "stderr_truncated",
    }
    [request] = fake_engine.requests
    assert request.limits.run_timeout_ms == 500 and request.stdin == "42\n"


async def test_run_needs_a_user_and_csrf(
    app: Quart, client: Client, fake_engine: FakeEngine
) -> None:
    body = {"language": "python", "source": "print(1)"}
    anonymous = await app.test_client().post("/api/runs", json=body)
    assert anonymous.status_code == 401
    await register_and_login(client)
    no_csrf = await client.post("/api/runs", json=body)
    assert no_csrf.status_code == 403
    assert fake_engine.requests == []


async def test_engine_errors_keep_their_status_and_code(
    client: Client, signed_in: SignedIn, fake_engine: FakeEngine
) -> None:
    unknown = await client.post(
        "/api/runs", json={"language": "cobol", "source": "x"}, headers=signed_in.csrf
    )
    assert unknown.status_code == 400
    assert await error_code(unknown) == "unknown_language"
    fake_engine.busy = True
    busy = await client.post(
        "/api/runs", json={"language": "python", "source": "x"}, headers=signed_in.csrf
    )
    assert busy.status_code == 503
    assert await error_code(busy) == "busy"


async def test_limit_above_maximum_is_400(app: Quart, client: Client, signed_in: SignedIn) -> None:
    class StrictEngine(FakeEngine):
        async def run(self, request: RunRequest) -> RunResult:
            raise LimitAboveMaximumError("memory_mb 4096 is above the maximum 512")

    get_state(app).engine = StrictEngine()
    response = await client.post(
        "/api/runs",
        json={"language": "python", "source": "x", "limits": {"memory_mb": 4096}},
        headers=signed_in.csrf,
    )
    assert response.status_code == 400
    assert await error_code(response) == "limit_above_maximum"


async def test_run_rejects_bad_bodies(
    client: Client, signed_in: SignedIn, fake_engine: FakeEngine
) -> None:
    bad: list[Any] = [
        {"source": "x"},
        {"language": "python"},
        {"language": "python", "source": 5},
        {"language": "python", "source": "x", "stdin": None},
        {"language": "python", "source": "x", "limits": {"memory_mb": -1}},
        {"language": "python", "source": "x", "limits": {"cpu": 1}},
        {"language": "python", "source": "x", "extra": True},
        "just a string",
    ]
    for body in bad:
        response = await client.post("/api/runs", json=body, headers=signed_in.csrf)
        assert response.status_code == 400, body
        assert await error_code(response) == "validation_error"
    assert fake_engine.requests == []


async def test_api_keys_create_use_list_revoke(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    created = await client.post("/api/keys", json={"name": "CI"}, headers=signed_in.csrf)
    assert created.status_code == 201
    key = await created.get_json()
    secret = key["secret"]
    assert secret.startswith("onsk_") and secret.startswith(key["prefix"])

    script = app.test_client()  # no cookies: only the key
    bearer = {"Authorization": f"Bearer {secret}"}
    run = await script.post(
        "/api/runs", json={"language": "python", "source": "x", "stdin": "hi"}, headers=bearer
    )
    assert run.status_code == 200
    assert (await run.get_json())["run"]["stdout"] == "hi"
    me = await script.get("/api/auth/me", headers=bearer)
    assert (await me.get_json())["id"] == signed_in.user["id"]

    listed = await (await client.get("/api/keys")).get_json()
    assert [k["id"] for k in listed["items"]] == [key["id"]]
    assert "secret" not in listed["items"][0]
    assert listed["items"][0]["last_used_at"] is not None

    deleted = await client.delete(f"/api/keys/{key['id']}", headers=signed_in.csrf)
    assert deleted.status_code == 204
    after = await script.get("/api/auth/me", headers=bearer)
    assert after.status_code == 401
    assert await error_code(after) == "invalid_api_key"


async def test_api_keys_are_scoped_to_their_owner(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    key = await (
        await client.post("/api/keys", json={"name": "mine"}, headers=signed_in.csrf)
    ).get_json()
    other_client = app.test_client()
    other = await register_and_login(other_client)
    response = await other_client.delete(f"/api/keys/{key['id']}", headers=other.csrf)
    assert response.status_code == 404
    assert (await (await other_client.get("/api/keys")).get_json())["items"] == []
    for bad_id in ["nope", "0" * 32, "g" * 32, "Z" * 32, "%20"]:
        response = await client.delete(f"/api/keys/{bad_id}", headers=signed_in.csrf)
        assert response.status_code == 404, bad_id


async def test_api_key_name_is_validated(client: Client, signed_in: SignedIn) -> None:
    for body in [{}, {"name": ""}, {"name": "x" * 201}, {"name": "ok", "scope": "all"}]:
        response = await client.post("/api/keys", json=body, headers=signed_in.csrf)
        assert response.status_code == 400, body
