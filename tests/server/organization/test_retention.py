"""Data retention: completed interviews past the admin's limit are purged with everything they
hold (chat, runs, scorecards, the update log), and a candidate's data is erased by address;
both audited, without the candidate's address in the log."""

from __future__ import annotations

import json
from datetime import timedelta

from quart import Quart
from sqlalchemy import func, select, update

from server.interviews.models import Interview, InterviewMessage
from server.kit.db import unit_of_work, utcnow
from server.kit.state import get_state
from tests.support.auth import SignedIn, register_and_login
from tests.support.http import error_of


async def new_interview(signed: SignedIn, candidate_email: str | None = None) -> str:
    body: dict[str, str] = {"title": "Pairing", "candidate_name": "Grace"}
    if candidate_email:
        body["candidate_email"] = candidate_email
    response = await signed.client.post("/api/interviews", json=body, headers=signed.csrf)
    assert response.status_code == 201, await response.get_data()
    interview_id: str = (await response.get_json())["id"]
    return interview_id


async def complete(app: Quart, interview_id: str, days_ago: int) -> None:
    """As the room's end leaves it, ``days_ago`` days back, with a chat line."""
    async with unit_of_work(get_state(app).sessions) as session:
        ended = utcnow() - timedelta(days=days_ago)
        await session.execute(
            update(Interview)
            .where(Interview.id == interview_id)
            .values(status="completed", ended_at=ended)
        )
        session.add(
            InterviewMessage(
                interview_id=interview_id,
                author_name="Grace",
                author_role="candidate",
                text="hi",
                sent_at=ended,
            )
        )


async def existing(app: Quart) -> set[str]:
    async with unit_of_work(get_state(app).sessions) as session:
        return set(await session.scalars(select(Interview.id)))


async def chat_lines(app: Quart, interview_id: str) -> int:
    async with unit_of_work(get_state(app).sessions) as session:
        count = await session.scalar(
            select(func.count())
            .select_from(InterviewMessage)
            .where(InterviewMessage.interview_id == interview_id)
        )
    return int(count or 0)


async def test_completed_interviews_past_the_limit_are_purged(app: Quart) -> None:
    admin = await register_and_login(app.test_client())
    member = await register_and_login(app.test_client())
    old = await new_interview(member)
    recent = await new_interview(member)
    running = await new_interview(member)
    await complete(app, old, days_ago=40)
    await complete(app, recent, days_ago=3)
    assert await chat_lines(app, old) == 1

    nothing = await admin.client.post("/api/admin/retention/run", headers=admin.csrf)
    assert (await nothing.get_json())["interviews"] == 0  # no limit set: everything is kept
    response = await admin.client.patch(
        "/api/admin/organization", json={"retention_days": 30}, headers=admin.csrf
    )
    assert (await response.get_json())["retention_days"] == 30
    response = await admin.client.post("/api/admin/retention/run", headers=admin.csrf)
    assert response.status_code == 200
    assert (await response.get_json())["interviews"] == 1
    assert await existing(app) >= {recent, running}
    assert old not in await existing(app)
    assert await chat_lines(app, old) == 0
    entries = await (await admin.client.get("/api/admin/audit?action=retention_purged")).get_json()
    assert entries["items"][0]["details"] == {"interviews": 1, "retention_days": 30}

    response = await admin.client.patch(
        "/api/admin/organization", json={"retention_days": None}, headers=admin.csrf
    )
    assert (await response.get_json())["retention_days"] is None


async def test_a_candidates_data_is_erased_by_address(app: Quart) -> None:
    admin = await register_and_login(app.test_client())
    member = await register_and_login(app.test_client())
    theirs = [
        await new_interview(member, "Grace@Example.com"),
        await new_interview(admin, "grace@example.com"),
    ]
    other = await new_interview(member, "someone@example.com")
    response = await admin.client.post(
        "/api/admin/erase-candidate", json={"email": "GRACE@example.com"}, headers=admin.csrf
    )
    assert response.status_code == 200, await response.get_data()
    assert (await response.get_json())["interviews"] == 2
    left = await existing(app)
    assert other in left and not set(theirs) & left
    entries = await (await admin.client.get("/api/admin/audit?action=candidate_erased")).get_json()
    assert entries["items"][0]["details"]["interviews"] == 2
    assert "grace" not in json.dumps(entries).lower()
    response = await member.client.post(
        "/api/admin/erase-candidate", json={"email": "x@example.com"}, headers=member.csrf
    )
    assert await error_of(response, 403) == "admin_only"
