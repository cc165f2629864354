"""API keys: a ``runs`` key opens only the run surfaces, a key can expire, and a password reset
ends every key when the user asks."""

from __future__ import annotations

from datetime import timedelta

from quart import Quart
from quart.typing import TestClientProtocol as Client
from sqlalchemy import update

from server.accounts.models import ApiKey
from server.kit.db import unit_of_work, utcnow
from server.kit.state import get_state
from tests.support.auth import SignedIn
from tests.support.http import error_of
from tests.support.mail import token_from_link
from tests.support.org import mail_to

RUN = {"language": "python", "source": "print(1)", "stdin": "x"}


async def new_key(signed: SignedIn, **fields: object) -> dict[str, object]:
    response = await signed.client.post(
        "/api/keys", json={"name": "ci", **fields}, headers=signed.csrf
    )
    assert response.status_code == 201, await response.get_data()
    body: dict[str, object] = await response.get_json()
    return body


def bearer(secret: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_a_runs_key_opens_only_the_run_surfaces(app: Quart, signed_in: SignedIn) -> None:
    key = await new_key(signed_in, scopes=["runs"])
    assert key["scopes"] == ["runs"]
    client = app.test_client()
    assert (
        await client.post("/api/runs", json=RUN, headers=bearer(key["secret"]))
    ).status_code == 200
    piston = await client.post(
        "/piston/api/v2/execute",
        json={"language": "python", "version": "*", "files": [{"content": "print(1)"}]},
        headers=bearer(key["secret"]),
    )
    assert piston.status_code == 200, await piston.get_data()
    for method, path in [
        ("GET", "/api/interviews"),
        ("GET", "/api/keys"),
        ("POST", "/api/keys"),
        ("GET", "/api/auth/me"),
    ]:
        response = await client.open(
            path, method=method, json={"name": "more"}, headers=bearer(key["secret"])
        )
        assert await error_of(response, 403) == "insufficient_scope", path
    full = await new_key(signed_in)
    assert full["scopes"] == ["full"]
    assert (await client.get("/api/interviews", headers=bearer(full["secret"]))).status_code == 200


async def test_a_key_stops_at_its_expiry(app: Quart, signed_in: SignedIn) -> None:
    key = await new_key(signed_in, expires_in_days=30)
    assert key["expires_at"]
    client = app.test_client()
    assert (await client.get("/api/interviews", headers=bearer(key["secret"]))).status_code == 200
    async with unit_of_work(get_state(app).sessions) as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == key["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await client.get("/api/interviews", headers=bearer(key["secret"]))
    assert await error_of(response, 401) == "api_key_expired"


async def test_bad_scopes_and_expiries_are_400(signed_in: SignedIn) -> None:
    cases: list[dict[str, object]] = [{"scopes": ["admin"]}, {"scopes": []}, {"expires_in_days": 0}]
    for fields in cases:
        response = await signed_in.client.post(
            "/api/keys", json={"name": "x", **fields}, headers=signed_in.csrf
        )
        assert response.status_code == 400, fields


async def reset(app: Quart, client: Client, email: str, end_api_keys: bool, nth: int) -> None:
    await client.post("/api/auth/password/forgot", json={"email": email})
    mail = await mail_to(get_state(app).settings.data_dir, email, count=nth)
    response = await client.post(
        "/api/auth/password/reset",
        json={
            "token": token_from_link(mail, "/reset-password"),
            "password": "another good one",
            "end_api_keys": end_api_keys,
        },
    )
    assert response.status_code == 204


async def test_a_reset_ends_the_keys_only_when_asked(app: Quart, signed_in: SignedIn) -> None:
    key = await new_key(signed_in)
    client = app.test_client()
    await reset(app, client, signed_in.email, end_api_keys=False, nth=1)
    assert (await client.get("/api/interviews", headers=bearer(key["secret"]))).status_code == 200
    await reset(app, client, signed_in.email, end_api_keys=True, nth=2)
    response = await client.get("/api/interviews", headers=bearer(key["secret"]))
    assert await error_of(response, 401) == "invalid_api_key"
