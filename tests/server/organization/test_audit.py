"""The audit log: who did what, when, from where; filtered by the admin; exported as JSON lines;
append-only (the database itself refuses to change or delete an entry)."""

from __future__ import annotations

import json

import pytest
from quart import Quart
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from server.kit.db import unit_of_work
from server.kit.state import get_state
from server.organization.models import AuditEvent
from tests.support.auth import DEFAULT_PASSWORD, SignedIn, register_and_login


async def audit(admin: SignedIn, query: str = "") -> list[dict[str, object]]:
    response = await admin.client.get(f"/api/admin/audit{query}")
    assert response.status_code == 200, await response.get_data()
    items: list[dict[str, object]] = (await response.get_json())["items"]
    return items


async def test_security_relevant_actions_are_logged(app: Quart) -> None:
    admin = await register_and_login(app.test_client(), name="Ada Admin")
    member = await register_and_login(app.test_client(), name="Bob")
    stranger = app.test_client()
    failed = await stranger.post(
        "/api/auth/login",
        json={"email": member.email, "password": "wrong password"},
        headers={"User-Agent": "curl/8"},
    )
    assert failed.status_code == 401
    signed = await stranger.post(
        "/api/auth/login", json={"email": member.email, "password": DEFAULT_PASSWORD}
    )
    assert signed.status_code == 200
    key = await member.client.post("/api/keys", json={"name": "ci"}, headers=member.csrf)
    key_id = (await key.get_json())["id"]
    await member.client.delete(f"/api/keys/{key_id}", headers=member.csrf)
    created = await member.client.post(
        "/api/interviews", json={"title": "T", "candidate_name": "G"}, headers=member.csrf
    )
    interview_id = (await created.get_json())["id"]
    await member.client.delete(f"/api/interviews/{interview_id}", headers=member.csrf)
    purged = await member.client.delete(
        f"/api/interviews/{interview_id}/purge", headers=member.csrf
    )
    assert purged.status_code == 204
    await admin.client.put(
        f"/api/admin/members/{member.user['id']}/role", json={"role": "admin"}, headers=admin.csrf
    )
    await admin.client.patch(
        "/api/admin/organization", json={"signup_policy": "closed"}, headers=admin.csrf
    )
    await admin.client.post(
        f"/api/admin/members/{member.user['id']}/deactivate", headers=admin.csrf
    )

    entries = await audit(admin)
    actions = [e["action"] for e in entries]
    for action in (
        "sign_up",
        "sign_in_failed",
        "sign_in",
        "api_key_created",
        "api_key_revoked",
        "record_purged",
        "role_changed",
        "settings_changed",
        "member_deactivated",
    ):
        assert action in actions, (action, actions)
    failure = next(e for e in entries if e["action"] == "sign_in_failed")
    assert failure["actor_email"] == member.email
    assert failure["ip"] and failure["user_agent"] == "curl/8"
    assert failure["details"] == {"reason": "invalid_credentials"}
    change = next(e for e in entries if e["action"] == "settings_changed")
    assert change["actor_email"] == admin.email and change["details"] == {"signup_policy": "closed"}
    assert "wrong password" not in json.dumps(entries)  # never a password
    # newest first
    assert entries[0]["action"] == "member_deactivated"


async def test_the_admin_filters_and_exports_the_log(app: Quart) -> None:
    admin = await register_and_login(app.test_client())
    member = await register_and_login(app.test_client())
    await app.test_client().post(
        "/api/auth/login", json={"email": member.email, "password": "nope nope nope"}
    )
    only_failures = await audit(admin, "?action=sign_in_failed")
    assert only_failures and {e["action"] for e in only_failures} == {"sign_in_failed"}
    by_actor = await audit(admin, f"?actor={admin.email.split('@')[0]}")
    assert by_actor and {e["actor_email"] for e in by_actor} == {admin.email}
    assert await audit(admin, "?since=2999-01-01T00:00:00Z") == []

    response = await admin.client.get("/api/admin/audit/export?action=sign_up")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in (await response.get_data()).splitlines()]
    assert {line["action"] for line in lines} == {"sign_up"} and len(lines) == 2
    assert {line["actor_email"] for line in lines} == {admin.email, member.email}


@pytest.mark.fresh_database
async def test_the_log_is_append_only_in_the_database(app: Quart) -> None:
    await register_and_login(app.test_client())
    sessions = get_state(app).sessions
    for statement in (
        update(AuditEvent).values(action="tampered"),
        delete(AuditEvent),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with unit_of_work(sessions) as session:
                await session.execute(statement)
    async with unit_of_work(sessions) as session:
        session.add(AuditEvent(action="sign_in", details={}, message=""))
