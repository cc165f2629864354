"""The dashboard's list for a co-interviewer, on SQLite and PostgreSQL: interviews whose panel I
am on are listed beside my own, marked ``co_interviewer``; I may read them but not change them;
anyone else's interview stays a 404 and out of my list."""

from __future__ import annotations

from typing import Any

import pytest
from quart import Quart

from tests.support.auth import SignedIn, register_and_login
from tests.support.http import error_of


async def create(owner: SignedIn, title: str, **fields: Any) -> dict[str, Any]:
    body = {"title": title, "candidate_name": "Grace Hopper", **fields}
    response = await owner.client.post("/api/interviews", json=body, headers=owner.csrf)
    payload: dict[str, Any] = await response.get_json()
    assert response.status_code == 201, payload
    return payload


async def add_to_panel(owner: SignedIn, interview_id: str, member: SignedIn) -> None:
    response = await owner.client.post(
        f"/api/interviews/{interview_id}/interviewers",
        json={"email": member.email},
        headers=owner.csrf,
    )
    assert response.status_code == 201, await response.get_json()


async def listing(who: SignedIn, query: str = "") -> list[tuple[str, str]]:
    response = await who.client.get(f"/api/interviews?sort=title&order=asc{query}")
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["total"] == len(body["items"])
    return [(item["title"], item["role"]) for item in body["items"]]


@pytest.fixture
async def ada(app: Quart) -> SignedIn:
    return await register_and_login(app.test_client(), name="Ada Owner")


@pytest.fixture
async def bob(app: Quart) -> SignedIn:
    return await register_and_login(app.test_client(), name="Bob Panel")


@pytest.fixture
async def mallory(app: Quart) -> SignedIn:
    return await register_and_login(app.test_client(), name="Mallory Outside")


async def test_a_panel_interview_is_listed_for_the_co_interviewer(
    ada: SignedIn, bob: SignedIn, mallory: SignedIn
) -> None:
    panel = await create(ada, "Panel onsite")
    await create(ada, "Ada alone")
    await create(bob, "Bob's own")
    await create(mallory, "Mallory's")
    await add_to_panel(ada, panel["id"], bob)

    assert await listing(bob) == [("Bob's own", "owner"), ("Panel onsite", "co_interviewer")]
    assert await listing(bob, "&role=co_interviewer") == [("Panel onsite", "co_interviewer")]
    assert await listing(bob, "&role=owner") == [("Bob's own", "owner")]
    assert await listing(ada) == [("Ada alone", "owner"), ("Panel onsite", "owner")]
    assert await listing(mallory) == [("Mallory's", "owner")]
    # search, status and paging apply to the panel's interviews too
    assert await listing(bob, "&q=panel") == [("Panel onsite", "co_interviewer")]
    assert await listing(bob, "&status=completed") == []
    page = await (await bob.client.get("/api/interviews?per_page=1&page=2")).get_json()
    assert page["total"] == 2 and len(page["items"]) == 1


async def test_a_co_interviewer_reads_but_does_not_own(
    ada: SignedIn, bob: SignedIn, mallory: SignedIn
) -> None:
    panel = await create(ada, "Panel onsite")
    await add_to_panel(ada, panel["id"], bob)
    url = f"/api/interviews/{panel['id']}"

    detail = await (await bob.client.get(url)).get_json()
    assert detail["title"] == "Panel onsite" and detail["role"] == "co_interviewer"
    assert (await (await ada.client.get(url)).get_json())["role"] == "owner"
    response = await bob.client.patch(url, json={"title": "mine now"}, headers=bob.csrf)
    assert await error_of(response, 404) == "interview_not_found"
    assert await error_of(await bob.client.delete(url, headers=bob.csrf), 404)
    response = await bob.client.post(
        f"{url}/interviewers", json={"email": mallory.email}, headers=bob.csrf
    )
    assert await error_of(response, 404) == "interview_not_found"
    # someone off the panel: still not found, and not listed
    assert await error_of(await mallory.client.get(url), 404) == "interview_not_found"
    assert await listing(mallory) == []
    assert (await (await ada.client.get(url)).get_json())["title"] == "Panel onsite"


async def test_leaving_the_panel_or_the_bin_takes_it_off_the_list(
    ada: SignedIn, bob: SignedIn
) -> None:
    panel = await create(ada, "Panel onsite")
    other = await create(ada, "Second panel")
    await add_to_panel(ada, panel["id"], bob)
    await add_to_panel(ada, other["id"], bob)
    assert [t for t, _ in await listing(bob)] == ["Panel onsite", "Second panel"]

    response = await ada.client.delete(f"/api/interviews/{other['id']}", headers=ada.csrf)
    assert response.status_code == 204
    assert await listing(bob) == [("Panel onsite", "co_interviewer")]
    bin_page = await (await bob.client.get("/api/interviews/bin")).get_json()
    assert bin_page["items"] == []  # the bin is the owner's alone

    bob_id = bob.user["id"]
    response = await ada.client.delete(
        f"/api/interviews/{panel['id']}/interviewers/{bob_id}", headers=ada.csrf
    )
    assert response.status_code == 204
    assert await listing(bob) == []
    response = await bob.client.get(f"/api/interviews/{panel['id']}")
    assert await error_of(response, 404) == "interview_not_found"


async def test_role_filter_is_validated(bob: SignedIn) -> None:
    response = await bob.client.get("/api/interviews?role=admin")
    assert await error_of(response, 400) == "validation_error"
