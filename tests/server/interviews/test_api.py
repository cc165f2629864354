"""Interview records over HTTP, through the real app (serving hooks run, migrations applied), on
SQLite and PostgreSQL: the happy paths and every bad input we could think of."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from server.interviews import service
from server.kit.db import unit_of_work
from server.kit.state import get_state
from tests.support.auth import SignedIn, register_and_login
from tests.support.http import error_of


async def create(client: Client, signed_in: SignedIn, **fields: Any) -> dict[str, Any]:
    body = {"title": "Backend onsite", "candidate_name": "Ada Lovelace", **fields}
    response = await client.post("/api/interviews", json=body, headers=signed_in.csrf)
    payload: dict[str, Any] = await response.get_json()
    assert response.status_code == 201, payload
    return payload


async def list_titles(client: Client, query: str = "") -> list[str]:
    response = await client.get(f"/api/interviews{query}")
    body = await response.get_json()
    assert response.status_code == 200, body
    return [item["title"] for item in body["items"]]


@pytest.fixture
async def other(app: Quart) -> SignedIn:
    """A second interviewer with their own cookie jar."""
    return await register_and_login(app.test_client(), name="Mallory Other")


# ---- create and read ---------------------------------------------------------------------------


async def test_create_then_read_full_record(client: Client, signed_in: SignedIn) -> None:
    created = await create(
        client,
        signed_in,
        candidate_email="ada@example.com",
        position="Backend engineer",
        scheduled_at="2030-03-01T15:30:00+01:00",
        language="python",
        tags=["go", "Go", "sql"],
    )
    assert len(created["id"]) == 32
    response = await client.get(f"/api/interviews/{created['id']}")
    assert response.status_code == 200
    body = await response.get_json()
    assert body["title"] == "Backend onsite"
    assert body["candidate_email"] == "ada@example.com"
    assert body["status"] == "scheduled"
    assert body["recommendation"] is None
    assert body["scheduled_at"].startswith("2030-03-01T14:30:00")
    assert body["scheduled_at"].endswith(("+00:00", "Z"))
    assert body["tags"] == ["go", "sql"]
    assert body["chat"] == [] and body["runs"] == []
    assert body["final_code"] == "" and body["notes"] == ""
    assert len(body["join_code"]) >= 20
    assert body["join_url"] == f"http://127.0.0.1:8000/join/{body['join_code']}"


async def test_join_codes_are_unique(client: Client, signed_in: SignedIn) -> None:
    codes = {(await create(client, signed_in))["join_code"] for _ in range(5)}
    assert len(codes) == 5


async def test_record_shows_what_the_room_stored(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    created = await create(client, signed_in)
    result = {"status": "ok", "language": "python", "compile": None, "run": None}
    async with unit_of_work(get_state(app).sessions) as session:
        await service.mark_in_progress(session, created["id"])
        await service.append_chat_message(
            session, created["id"], "Ada", "candidate", "hello", datetime(2030, 1, 1, tzinfo=UTC)
        )
        await service.append_run(session, created["id"], "Ada", "python", "42", result)
        await service.complete_interview(session, created["id"], "print(42)", "python", "ok")
    body = await (await client.get(f"/api/interviews/{created['id']}")).get_json()
    assert body["status"] == "completed"
    assert body["final_code"] == "print(42)"
    assert body["notes"] == "ok"
    assert body["chat"] == [
        {
            "author_name": "Ada",
            "author_role": "candidate",
            "text": "hello",
            "sent_at": body["chat"][0]["sent_at"],
        }
    ]
    assert body["chat"][0]["sent_at"].startswith("2030-01-01T00:00:00")
    assert [(r["started_by"], r["stdin"], r["result"]) for r in body["runs"]] == [
        ("Ada", "42", result)
    ]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"candidate_name": "Ada"}, "missing title"),
        ({"title": "", "candidate_name": "Ada"}, "empty title"),
        ({"title": "   ", "candidate_name": "Ada"}, "blank title"),
        ({"title": "x" * 201, "candidate_name": "Ada"}, "title too long"),
        ({"title": "T", "candidate_name": "Ada", "candidate_email": "not-an-email"}, "email"),
        ({"title": "T", "candidate_name": "Ada", "scheduled_at": "2030-03-01T15:30:00"}, "naive"),
        ({"title": "T", "candidate_name": "Ada", "scheduled_at": "tomorrow"}, "bad date"),
        ({"title": "T", "candidate_name": "Ada", "scheduled_at": 1900000000}, "number date"),
        ({"title": "T", "candidate_name": "Ada", "tags": ["x"] * 21}, "too many tags"),
        ({"title": "T", "candidate_name": "Ada", "tags": "x"}, "tags not a list"),
        ({"title": "T", "candidate_name": "Ada", "language": "Py thon!"}, "bad language"),
        ({"title": "T", "candidate_name": "Ada", "status": "completed"}, "unknown key"),
        ({"title": 5, "candidate_name": "Ada"}, "title not a string"),
    ],
)
async def test_create_refuses_bad_bodies(
    client: Client, signed_in: SignedIn, body: dict[str, Any], why: str
) -> None:
    response = await client.post("/api/interviews", json=body, headers=signed_in.csrf)
    assert await error_of(response, 400) == "validation_error", why


async def test_language_must_be_one_the_engine_runs(client: Client, signed_in: SignedIn) -> None:
    body = {"title": "T", "candidate_name": "Ada", "language": "cobol"}
    response = await client.post("/api/interviews", json=body, headers=signed_in.csrf)
    assert await error_of(response, 400) == "unknown_language"
    created = await create(client, signed_in, language="c")
    response = await client.patch(
        f"/api/interviews/{created['id']}", json={"language": "cobol"}, headers=signed_in.csrf
    )
    assert await error_of(response, 400) == "unknown_language"
    response = await client.patch(
        f"/api/interviews/{created['id']}", json={"language": None}, headers=signed_in.csrf
    )
    assert (await response.get_json())["language"] is None


async def test_create_refuses_malformed_json_and_non_objects(
    client: Client, signed_in: SignedIn
) -> None:
    headers = {**signed_in.csrf, "Content-Type": "application/json"}
    response = await client.post("/api/interviews", data=b"{not json", headers=headers)
    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] in {"malformed_json", "validation_error"}
    response = await client.post("/api/interviews", json=[1, 2], headers=signed_in.csrf)
    assert await error_of(response, 400) == "validation_error"


async def test_needs_sign_in_and_csrf(client: Client, app: Quart) -> None:
    anonymous = app.test_client()
    assert await error_of(await anonymous.get("/api/interviews"), 401) == "unauthorized"
    signed = await register_and_login(client)
    body = {"title": "T", "candidate_name": "Ada"}
    response = await client.post("/api/interviews", json=body)
    assert await error_of(response, 403) == "csrf_failed"
    response = await client.post("/api/interviews", json=body, headers=signed.csrf)
    assert response.status_code == 201


# ---- ownership and ids -------------------------------------------------------------------------


async def test_another_owner_gets_404_everywhere(
    client: Client, signed_in: SignedIn, other: SignedIn
) -> None:
    created = await create(client, signed_in)
    url = f"/api/interviews/{created['id']}"
    other_client, other_csrf = other.client, other.csrf
    assert await error_of(await other_client.get(url), 404) == "interview_not_found"
    response = await other_client.patch(url, json={"title": "mine"}, headers=other_csrf)
    assert await error_of(response, 404) == "interview_not_found"
    assert await error_of(await other_client.delete(url, headers=other_csrf), 404)
    response = await other_client.post(f"{url}/restore", headers=other_csrf)
    assert await error_of(response, 404) == "interview_not_found"
    response = await other_client.delete(f"{url}/purge", headers=other_csrf)
    assert await error_of(response, 404) == "interview_not_found"
    assert (await (await other_client.get("/api/interviews")).get_json())["total"] == 0
    # and nothing changed for the owner
    body = await (await client.get(url)).get_json()
    assert body["title"] == "Backend onsite" and body["deleted_at"] is None


@pytest.mark.parametrize(
    "bad_id", ["nope", "0" * 31, "G" * 32, "0" * 33, "%27%20OR%201%3D1", "f" * 32]
)
async def test_malformed_or_unknown_ids_are_404(
    client: Client, signed_in: SignedIn, bad_id: str
) -> None:
    assert await error_of(await client.get(f"/api/interviews/{bad_id}"), 404)
    response = await client.patch(
        f"/api/interviews/{bad_id}", json={"title": "x"}, headers=signed_in.csrf
    )
    assert await error_of(response, 404)


# ---- update ------------------------------------------------------------------------------------


async def test_patch_changes_only_what_was_sent_and_null_clears(
    client: Client, signed_in: SignedIn
) -> None:
    created = await create(client, signed_in, candidate_email="ada@example.com", position="SRE")
    url = f"/api/interviews/{created['id']}"
    response = await client.patch(
        url,
        json={
            "position": None,
            "recommendation": "strong_hire",
            "status": "completed",
            "notes": "Solid on graphs",
        },
        headers=signed_in.csrf,
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["position"] is None
    assert body["candidate_email"] == "ada@example.com"
    assert body["title"] == "Backend onsite"
    assert body["recommendation"] == "strong_hire"
    assert body["status"] == "completed" and body["ended_at"] is not None
    assert await list_titles(client, "?q=graphs") == ["Backend onsite"]


@pytest.mark.parametrize(
    "body",
    [
        {"title": None},
        {"candidate_name": None},
        {"status": None},
        {"status": "done"},
        {"recommendation": "maybe"},
        {"owner_id": "f" * 32},
        {"join_code": "mine"},
        {"scheduled_at": "2030-01-01T10:00:00"},
    ],
)
async def test_patch_refuses_bad_changes(
    client: Client, signed_in: SignedIn, body: dict[str, Any]
) -> None:
    created = await create(client, signed_in)
    response = await client.patch(
        f"/api/interviews/{created['id']}", json=body, headers=signed_in.csrf
    )
    assert await error_of(response, 400) == "validation_error"
    after = await (await client.get(f"/api/interviews/{created['id']}")).get_json()
    assert after["title"] == "Backend onsite" and after["status"] == "scheduled"


# ---- list: filter, search, sort, pages ---------------------------------------------------------


async def test_list_filters_searches_sorts_and_pages(client: Client, signed_in: SignedIn) -> None:
    for title, name in [("Delta", "Zed"), ("alpha", "Yan"), ("Charlie", "Xu"), ("bravo", "Wu")]:
        await create(client, signed_in, title=title, candidate_name=name)
    first = await create(client, signed_in, title="Echo", candidate_name="Vic")
    await client.patch(
        f"/api/interviews/{first['id']}", json={"status": "cancelled"}, headers=signed_in.csrf
    )
    assert await list_titles(client, "?sort=title&order=asc") == [
        "alpha",
        "bravo",
        "Charlie",
        "Delta",
        "Echo",
    ]
    assert await list_titles(client, "?sort=candidate_name&order=asc") == [
        "Echo",
        "bravo",
        "Charlie",
        "alpha",
        "Delta",
    ]
    assert await list_titles(client, "?status=cancelled") == ["Echo"]
    assert await list_titles(client, "?q=ALP") == ["alpha"]
    assert await list_titles(client, "?q=zed") == ["Delta"]
    assert await list_titles(client, "?q=a&status=scheduled&sort=title&order=desc") == [
        "Delta",
        "Charlie",
        "bravo",
        "alpha",
    ]
    # created_at desc is the default: newest first
    assert (await list_titles(client))[0] == "Echo"

    response = await client.get("/api/interviews?sort=title&order=asc&page=2&per_page=2")
    body = await response.get_json()
    assert [i["title"] for i in body["items"]] == ["Charlie", "Delta"]
    assert (body["total"], body["page"], body["per_page"]) == (5, 2, 2)
    beyond = await (await client.get("/api/interviews?page=9&per_page=2")).get_json()
    assert beyond["items"] == [] and beyond["total"] == 5
    searched = await (await client.get("/api/interviews?q=a&page=2&per_page=3")).get_json()
    assert len(searched["items"]) == 1 and searched["total"] == 4
    searched_beyond = await (await client.get("/api/interviews?q=a&page=3&per_page=3")).get_json()
    assert searched_beyond["items"] == [] and searched_beyond["total"] == 4
    nothing = await (await client.get("/api/interviews?q=qqqq")).get_json()
    assert nothing["items"] == [] and nothing["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "?sort=owner_id",
        "?sort=title;drop table interviews",
        "?order=sideways",
        "?page=0",
        "?page=-1",
        "?page=abc",
        "?per_page=0",
        "?per_page=101",
        "?per_page=1e9",
        "?status=archived",
        "?q=" + "x" * 201,
        "?colour=blue",
    ],
)
async def test_list_refuses_nonsense_queries(
    client: Client, signed_in: SignedIn, query: str
) -> None:
    assert await error_of(await client.get(f"/api/interviews{query}"), 400) == "validation_error"


# ---- bin ---------------------------------------------------------------------------------------


async def test_bin_restore_and_purge_flow(client: Client, signed_in: SignedIn) -> None:
    created = await create(client, signed_in, title="Binned")
    await create(client, signed_in, title="Kept")
    url = f"/api/interviews/{created['id']}"
    response = await client.delete(f"{url}/purge", headers=signed_in.csrf)
    assert await error_of(response, 409) == "interview_not_in_bin"

    response = await client.delete(url, headers=signed_in.csrf)
    assert response.status_code == 204
    assert await list_titles(client) == ["Kept"]
    binned = await (await client.get("/api/interviews/bin")).get_json()
    assert [i["title"] for i in binned["items"]] == ["Binned"]
    assert binned["items"][0]["deleted_at"] is not None
    assert await error_of(await client.delete(url, headers=signed_in.csrf), 409) == (
        "interview_in_bin"
    )
    response = await client.patch(url, json={"title": "x"}, headers=signed_in.csrf)
    assert await error_of(response, 409) == "interview_in_bin"
    assert (await client.get(url)).status_code == 200  # still readable from the bin

    response = await client.post(f"{url}/restore", headers=signed_in.csrf)
    assert response.status_code == 200
    assert (await response.get_json())["deleted_at"] is None
    response = await client.post(f"{url}/restore", headers=signed_in.csrf)
    assert await error_of(response, 409) == "interview_not_in_bin"
    assert sorted(await list_titles(client)) == ["Binned", "Kept"]

    await client.delete(url, headers=signed_in.csrf)
    response = await client.delete(f"{url}/purge", headers=signed_in.csrf)
    assert response.status_code == 204
    assert await error_of(await client.get(url), 404) == "interview_not_found"
    assert (await (await client.get("/api/interviews/bin")).get_json())["total"] == 0


async def test_bin_query_is_validated(client: Client, signed_in: SignedIn) -> None:
    response = await client.get("/api/interviews/bin?per_page=500")
    assert await error_of(response, 400) == "validation_error"


# ---- documentation -----------------------------------------------------------------------------


async def test_openapi_documents_the_routes_and_their_errors(client: Client) -> None:
    spec = await (await client.get("/openapi.json")).get_json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/interviews"])
    one = paths["/api/interviews/{interview_id}"]
    assert {"get", "patch", "delete"} <= set(one)
    assert {"200", "404"} <= set(one["get"]["responses"])
    assert "409" in paths["/api/interviews/{interview_id}/purge"]["delete"]["responses"]
    params = {p["name"] for p in paths["/api/interviews"]["get"].get("parameters", [])}
    assert {"status", "q", "sort", "order", "page", "per_page"} <= params


async def test_nul_characters_are_refused_not_a_500(client: Client, signed_in: SignedIn) -> None:
    """PostgreSQL cannot store U+0000; both databases answer the same 400."""
    response = await client.post(
        "/api/interviews", json={"title": "a\x00b", "candidate_name": "Ada"}, headers=signed_in.csrf
    )
    assert await error_of(response, 400) == "validation_error"
    created = await create(client, signed_in)
    response = await client.patch(
        f"/api/interviews/{created['id']}", json={"notes": "n\x00"}, headers=signed_in.csrf
    )
    assert await error_of(response, 400) == "validation_error"
    assert await error_of(await client.get("/api/interviews?q=a%00b"), 400) == "validation_error"
