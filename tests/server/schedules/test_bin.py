"""Moving a scheduled interview to the bin calls off its invitation: the slot is cancelled and
METHOD:CANCEL reaches the candidate through a real SMTP server (aiosmtpd); restoring sends
nothing; a mail server that is down does not fail the delete. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from icalendar import Calendar
from quart import Quart
from quart.typing import TestClientProtocol as Client

from server.interviews import service as interviews
from server.kit.db import unit_of_work
from server.kit.state import get_state
from tests.support.auth import SignedIn
from tests.support.net import free_port
from tests.support.smtp import SmtpServer

CANDIDATE = "grace@example.com"


def slot_body(**changes: Any) -> dict[str, Any]:
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    return {
        "title": "Systems onsite",
        "candidate_name": "Grace Hopper",
        "candidate_email": CANDIDATE,
        "starts_at": starts_at.isoformat(),
        "duration_minutes": 45,
        **changes,
    }


async def schedule(client: Client, signed_in: SignedIn) -> dict[str, Any]:
    response = await client.post("/api/schedules", json=slot_body(), headers=signed_in.csrf)
    created: dict[str, Any] = await response.get_json()
    assert response.status_code == 201, created
    return created


def calendar_of(message: EmailMessage) -> Calendar:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            raw = part.get_content()
            return Calendar.from_ical(raw.encode() if isinstance(raw, str) else raw)
    raise AssertionError("no text/calendar part")


class TestWithMail:
    @pytest.fixture
    def settings_overrides(self, smtp_server: SmtpServer) -> dict[str, Any]:
        return {"mail": {"smtp_host": smtp_server.host, "smtp_port": smtp_server.port}}

    async def test_binning_cancels_the_slot_and_mails_cancel(
        self, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
    ) -> None:
        created = await schedule(client, signed_in)
        assert len(smtp_server.to(CANDIDATE)) == 1
        record_url = f"/api/interviews/{created['interview_id']}"

        assert (await client.delete(record_url, headers=signed_in.csrf)).status_code == 204

        invite, cancel = smtp_server.to(CANDIDATE)
        assert cancel["Subject"].startswith("Cancelled:")
        calendar = calendar_of(cancel)
        assert str(calendar["METHOD"]) == "CANCEL"
        [event] = calendar.walk("VEVENT")
        [original] = calendar_of(invite).walk("VEVENT")
        assert str(event["UID"]) == str(original["UID"]) == created["ical_uid"]
        assert int(str(event["SEQUENCE"])) > int(str(original["SEQUENCE"]))
        # the interviewer's copy too
        interviewer_mails = smtp_server.to(signed_in.email)
        assert [m["Subject"].split(":")[0] for m in interviewer_mails] == [
            "Invitation",
            "Cancelled",
        ]

        stored = await (await client.get(f"/api/schedules/{created['id']}")).get_json()
        assert stored["status"] == "cancelled" and stored["invitation_sent"] is True
        record = await (await client.get(record_url)).get_json()
        assert record["status"] == "cancelled" and record["deleted_at"] is not None
        # cancelling by hand afterwards is a clear conflict, not a second CANCEL mail
        again = await client.post(f"/api/schedules/{created['id']}/cancel", headers=signed_in.csrf)
        assert again.status_code == 409
        assert len(smtp_server.to(CANDIDATE)) == 2

    async def test_restoring_sends_nothing_and_a_new_slot_can_be_made(
        self, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
    ) -> None:
        created = await schedule(client, signed_in)
        record_url = f"/api/interviews/{created['interview_id']}"
        await client.delete(record_url, headers=signed_in.csrf)
        restored = await client.post(f"{record_url}/restore", headers=signed_in.csrf)
        assert restored.status_code == 200
        assert (await restored.get_json())["status"] == "cancelled"
        assert len(smtp_server.to(CANDIDATE)) == 2  # invitation + cancel, nothing on restore
        stored = await (await client.get(f"/api/schedules/{created['id']}")).get_json()
        assert stored["status"] == "cancelled"
        # the restored record can be scheduled anew, which mails a fresh invitation
        response = await client.post(
            "/api/schedules",
            json={"interview_id": created["interview_id"], **slot_body()},
            headers=signed_in.csrf,
        )
        assert response.status_code == 201, await response.get_json()
        assert len(smtp_server.to(CANDIDATE)) == 3

    async def test_binning_without_a_slot_mails_nothing(
        self, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
    ) -> None:
        response = await client.post(
            "/api/interviews",
            json={"title": "Walk-in", "candidate_name": "Grace", "candidate_email": CANDIDATE},
            headers=signed_in.csrf,
        )
        assert response.status_code == 201
        interview_id = (await response.get_json())["id"]
        deleted = await client.delete(f"/api/interviews/{interview_id}", headers=signed_in.csrf)
        assert deleted.status_code == 204
        assert smtp_server.messages == []

    async def test_a_started_interview_keeps_its_slot_when_binned(
        self, app: Quart, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
    ) -> None:
        created = await schedule(client, signed_in)
        # what the room does when someone joins
        async with unit_of_work(get_state(app).sessions) as session:
            await interviews.mark_in_progress(session, created["interview_id"])
        deleted = await client.delete(
            f"/api/interviews/{created['interview_id']}", headers=signed_in.csrf
        )
        assert deleted.status_code == 204
        assert len(smtp_server.to(CANDIDATE)) == 1  # no CANCEL for an interview under way
        stored = await (await client.get(f"/api/schedules/{created['id']}")).get_json()
        assert stored["status"] == "active"


class TestMailDown:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {
            "mail": {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_timeout_seconds": 2}
        }

    async def test_the_delete_stands_and_the_failure_is_logged(
        self, client: Client, signed_in: SignedIn, caplog: pytest.LogCaptureFixture
    ) -> None:
        created = await schedule(client, signed_in)
        assert created["invitation_sent"] is False
        caplog.clear()
        record_url = f"/api/interviews/{created['interview_id']}"
        assert (await client.delete(record_url, headers=signed_in.csrf)).status_code == 204
        assert "invitation (CANCEL)" in caplog.text and "not sent" in caplog.text
        stored = await (await client.get(f"/api/schedules/{created['id']}")).get_json()
        assert stored["status"] == "cancelled" and stored["invitation_sent"] is False
        record = await (await client.get(record_url)).get_json()
        assert record["deleted_at"] is not None
