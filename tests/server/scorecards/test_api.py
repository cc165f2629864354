"""Scorecards over HTTP on SQLite and PostgreSQL: the draft autosaves, submitting locks it, other
interviewers' scorecards stay hidden until one's own is in, and every bad input is a clear 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from quart import Quart

from tests.support.auth import SignedIn, register_and_login

FULL = {
    "ratings": {
        "problem_solving": {"rating": 4, "notes": "Found the O(n) idea alone."},
        "code_quality": {"rating": 3},
        "communication": {"rating": 3},
        "testing": {"rating": 2, "notes": "No edge cases."},
    },
    "recommendation": "hire",
    "summary": "Solid.",
}


async def error_of(response: Any, status: int) -> str:
    body = await response.get_json()
    assert response.status_code == status, body
    assert body["error"]["message"]
    code: str = body["error"]["code"]
    return code


async def interview_of(signed_in: SignedIn) -> str:
    response = await signed_in.client.post(
        "/api/interviews",
        json={"title": "Backend", "candidate_name": "Carla"},
        headers=signed_in.csrf,
    )
    body = await response.get_json()
    assert response.status_code == 201, body
    return str(body["id"])


async def test_draft_autosave_then_submit_locks(signed_in: SignedIn) -> None:
    interview = await interview_of(signed_in)
    url = f"/api/interviews/{interview}/scorecards/mine"
    client, csrf = signed_in.client, signed_in.csrf
    draft = await (await client.get(url)).get_json()
    assert draft["status"] == "draft" and draft["template_name"] == "Coding interview"
    assert [c["key"] for c in draft["criteria"]] == [
        "problem_solving", "code_quality", "communication", "testing"
    ]  # fmt: skip
    response = await client.put(
        url, json={"ratings": {"problem_solving": {"rating": 4}}}, headers=csrf
    )
    assert (await response.get_json())["ratings"]["problem_solving"]["rating"] == 4
    response = await client.post(f"{url}/submit", headers=csrf)
    assert await error_of(response, 400) == "scorecard_incomplete"
    response = await client.put(url, json=FULL, headers=csrf)
    saved = await response.get_json()
    assert response.status_code == 200 and saved["average"] == 3.0
    response = await client.post(f"{url}/submit", headers=csrf)
    submitted = await response.get_json()
    assert response.status_code == 200 and submitted["status"] == "submitted"
    assert submitted["submitted_at"]
    response = await client.put(url, json={"summary": "changed my mind"}, headers=csrf)
    assert await error_of(response, 409) == "scorecard_submitted"
    response = await client.post(f"{url}/submit", headers=csrf)
    assert await error_of(response, 409) == "scorecard_submitted"
    listing = await (await client.get(f"/api/interviews/{interview}/scorecards")).get_json()
    assert [s["summary"] for s in listing["items"]] == ["Solid."]


async def test_others_stay_hidden_until_yours_is_submitted(signed_in: SignedIn) -> None:
    interview = await interview_of(signed_in)
    response = await signed_in.client.get(f"/api/interviews/{interview}/scorecards")
    assert await error_of(response, 403) == "submit_yours_first"


@pytest.fixture
async def stranger(app: Quart) -> SignedIn:
    return await register_and_login(app.test_client(), name="Mallory")


async def test_someone_elses_interview_is_not_found(
    signed_in: SignedIn, stranger: SignedIn
) -> None:
    interview = await interview_of(signed_in)
    base = f"/api/interviews/{interview}/scorecards"
    client, csrf = stranger.client, stranger.csrf
    assert await error_of(await client.get(f"{base}/mine"), 404) == "interview_not_found"
    response = await client.put(f"{base}/mine", json=FULL, headers=csrf)
    assert await error_of(response, 404) == "interview_not_found"
    assert await error_of(await client.post(f"{base}/mine/submit", headers=csrf), 404) == (
        "interview_not_found"
    )
    assert await error_of(await client.get(base), 404) == "interview_not_found"


async def test_bad_ratings_are_refused(signed_in: SignedIn) -> None:
    interview = await interview_of(signed_in)
    url = f"/api/interviews/{interview}/scorecards/mine"
    client, csrf = signed_in.client, signed_in.csrf
    for body in (
        {"ratings": {"problem_solving": {"rating": 5}}},
        {"ratings": {"problem_solving": {"rating": 0}}},
        {"ratings": {"problem_solving": {"rating": "good"}}},
        {"recommendation": "maybe"},
        {"verdict": "hire"},
        {"summary": "x" * 20_001},
    ):
        response = await client.put(url, json=body, headers=csrf)
        assert response.status_code == 400, body
    response = await client.put(url, json={"ratings": {"charisma": {"rating": 4}}}, headers=csrf)
    assert await error_of(response, 400) == "unknown_criterion"


async def test_templates(signed_in: SignedIn, stranger: SignedIn) -> None:
    client, csrf = signed_in.client, signed_in.csrf
    response = await client.post(
        "/api/scorecard-templates",
        json={"name": "System design", "criteria": [
            {"key": "scoping", "name": "Scoping"}, {"key": "trade_offs", "name": "Trade-offs"}
        ]},
        headers=csrf,
    )  # fmt: skip
    template = await response.get_json()
    assert response.status_code == 201, template
    names = [
        t["name"]
        for t in (await (await client.get("/api/scorecard-templates")).get_json())["items"]
    ]
    assert names == ["Coding interview", "System design"]
    theirs = await (await stranger.client.get("/api/scorecard-templates")).get_json()
    assert [t["name"] for t in theirs["items"]] == ["Coding interview"]
    interview = await interview_of(signed_in)
    url = f"/api/interviews/{interview}/scorecards/mine"
    response = await client.put(url, json={"template_id": template["id"]}, headers=csrf)
    switched = await response.get_json()
    assert [c["key"] for c in switched["criteria"]] == ["scoping", "trade_offs"]
    await client.put(url, json={"ratings": {"scoping": {"rating": 2}}}, headers=csrf)
    built_in = theirs["items"][0]["id"]
    response = await client.put(url, json={"template_id": built_in}, headers=csrf)
    assert await error_of(response, 409) == "scorecard_started"
    # deleting the template keeps the scorecard's own copy of its criteria
    response = await client.delete(f"/api/scorecard-templates/{template['id']}", headers=csrf)
    assert response.status_code == 204
    kept = await (await client.get(url)).get_json()
    assert [c["key"] for c in kept["criteria"]] == ["scoping", "trade_offs"]
    response = await client.delete(f"/api/scorecard-templates/{built_in}", headers=csrf)
    assert await error_of(response, 403) == "built_in_template"
    response = await stranger.client.delete(
        f"/api/scorecard-templates/{template['id']}", headers=stranger.csrf
    )
    assert await error_of(response, 404) == "template_not_found"
    for body in (
        {"name": "Empty", "criteria": []},
        {"name": "Twice", "criteria": [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}]},
        {"name": "Bad key", "criteria": [{"key": "Not OK", "name": "A"}]},
    ):
        response = await client.post("/api/scorecard-templates", json=body, headers=csrf)
        assert response.status_code == 400, body
