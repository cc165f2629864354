"""Members: roles, deactivation (sessions and API keys end at once), reactivation, and moving a
departed member's records to another member."""

from __future__ import annotations

from quart import Quart
from quart.typing import TestClientProtocol as Client

from tests.support.auth import DEFAULT_PASSWORD, SignedIn, register_and_login
from tests.support.http import error_of


async def team(app: Quart) -> tuple[SignedIn, SignedIn]:
    """The first account (the admin) and a member."""
    admin = await register_and_login(app.test_client(), name="Ada Admin")
    member = await register_and_login(app.test_client(), name="Bob Member")
    assert admin.user["role"] == "admin" and member.user["role"] == "interviewer"
    return admin, member


async def api_key(signed: SignedIn) -> str:
    response = await signed.client.post("/api/keys", json={"name": "ci"}, headers=signed.csrf)
    assert response.status_code == 201
    secret: str = (await response.get_json())["secret"]
    return secret


async def test_members_are_listed_with_their_roles(app: Quart) -> None:
    admin, member = await team(app)
    response = await admin.client.get("/api/admin/members")
    assert response.status_code == 200
    rows = {m["email"]: m for m in (await response.get_json())["items"]}
    assert rows[admin.email]["role"] == "admin"
    assert rows[member.email]["role"] == "interviewer" and rows[member.email]["is_active"]


async def test_roles_change_but_the_last_admin_stays(app: Quart) -> None:
    admin, member = await team(app)
    url = f"/api/admin/members/{admin.user['id']}/role"
    response = await admin.client.put(url, json={"role": "interviewer"}, headers=admin.csrf)
    assert await error_of(response, 409) == "last_admin"
    response = await admin.client.put(
        f"/api/admin/members/{member.user['id']}/role", json={"role": "admin"}, headers=admin.csrf
    )
    assert response.status_code == 200 and (await response.get_json())["role"] == "admin"
    assert (await (await member.client.get("/api/admin/members")).get_json())["items"]
    response = await admin.client.put(url, json={"role": "interviewer"}, headers=admin.csrf)
    assert response.status_code == 200  # another admin is left now


async def test_deactivation_ends_sessions_and_keys_at_once(app: Quart) -> None:
    admin, member = await team(app)
    key = await api_key(member)
    other_device = app.test_client()
    response = await other_device.post(
        "/api/auth/login", json={"email": member.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    response = await admin.client.post(
        f"/api/admin/members/{member.user['id']}/deactivate", headers=admin.csrf
    )
    assert response.status_code == 200 and not (await response.get_json())["is_active"]
    for client in (member.client, other_device):
        assert await error_of(await client.get("/api/auth/me"), 401) in {
            "session_revoked",
            "account_deactivated",
        }
        refreshed = await client.post("/api/auth/refresh", headers=member.csrf)
        assert refreshed.status_code in (401, 403)
    keyed = await app.test_client().get(
        "/api/interviews", headers={"Authorization": f"Bearer {key}"}
    )
    assert await error_of(keyed, 401) == "invalid_api_key"  # the key is gone
    login = await app.test_client().post(
        "/api/auth/login", json={"email": member.email, "password": DEFAULT_PASSWORD}
    )
    assert await error_of(login, 403) == "account_deactivated"

    response = await admin.client.post(
        f"/api/admin/members/{member.user['id']}/reactivate", headers=admin.csrf
    )
    assert response.status_code == 200
    login = await app.test_client().post(
        "/api/auth/login", json={"email": member.email, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200


async def test_an_admin_cannot_deactivate_itself(app: Quart) -> None:
    admin, _ = await team(app)
    response = await admin.client.post(
        f"/api/admin/members/{admin.user['id']}/deactivate", headers=admin.csrf
    )
    assert await error_of(response, 409) == "cannot_deactivate_self"


async def test_unknown_members_are_404(app: Quart) -> None:
    admin, _ = await team(app)
    for path in (
        "/api/admin/members/nope/deactivate",
        "/api/admin/members/" + "0" * 32 + "/reactivate",
    ):
        assert await error_of(await admin.client.post(path, headers=admin.csrf), 404) == (
            "member_not_found"
        )


async def create_interview(client: Client, csrf: dict[str, str], title: str) -> str:
    response = await client.post(
        "/api/interviews", json={"title": title, "candidate_name": "Grace"}, headers=csrf
    )
    assert response.status_code == 201, await response.get_data()
    interview_id: str = (await response.get_json())["id"]
    return interview_id


async def test_a_departed_members_records_move_to_another(app: Quart) -> None:
    admin, member = await team(app)
    moved_id = await create_interview(member.client, member.csrf, "Pairing with Grace")
    await admin.client.post(
        f"/api/admin/members/{member.user['id']}/deactivate", headers=admin.csrf
    )
    response = await admin.client.post(
        f"/api/admin/members/{member.user['id']}/move-records",
        json={"to_user_id": admin.user["id"]},
        headers=admin.csrf,
    )
    assert response.status_code == 200, await response.get_data()
    assert (await response.get_json())["interviews"] == 1
    mine = await (await admin.client.get("/api/interviews")).get_json()
    assert [i["id"] for i in mine["items"]] == [moved_id]
    response = await admin.client.post(
        f"/api/admin/members/{admin.user['id']}/move-records",
        json={"to_user_id": member.user["id"]},
        headers=admin.csrf,
    )
    assert await error_of(response, 409) == "member_inactive"
