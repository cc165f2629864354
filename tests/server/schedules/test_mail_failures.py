"""When the mail server is down the schedule survives and says ``invitation_sent: false``; with
no SMTP host configured the invitation lands in the outbox. Real sockets: the "down" server is
a loopback port nobody listens on, so aiosmtplib really gets a refused connection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from quart.typing import TestClientProtocol as Client

from server.settings import Settings
from tests.support.auth import SignedIn
from tests.support.mail import read_outbox
from tests.support.net import free_port
from tests.support.smtp import SmtpServer


def body(**changes: Any) -> dict[str, Any]:
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    return {
        "title": "Backend onsite",
        "candidate_name": "Ada Lovelace",
        "candidate_email": "ada@example.com",
        "starts_at": starts_at.isoformat(),
        "duration_minutes": 30,
        **changes,
    }


class TestSmtpDown:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {
            "mail": {
                "smtp_host": "127.0.0.1",
                "smtp_port": free_port(),
                "smtp_timeout_seconds": 2.0,
            }
        }

    async def test_schedule_is_kept_and_reported_unsent(
        self, client: Client, signed_in: SignedIn, caplog: pytest.LogCaptureFixture
    ) -> None:
        response = await client.post("/api/schedules", json=body(), headers=signed_in.csrf)
        created = await response.get_json()
        assert response.status_code == 201, created
        assert created["invitation_sent"] is False
        assert "not sent" in caplog.text

        stored = await (await client.get(f"/api/schedules/{created['id']}")).get_json()
        assert stored["invitation_sent"] is False and stored["status"] == "active"
        listed = await (await client.get("/api/schedules?upcoming=true")).get_json()
        assert [s["id"] for s in listed["items"]] == [created["id"]]
        record = await (await client.get(f"/api/interviews/{created['interview_id']}")).get_json()
        assert record["status"] == "scheduled"

        # rescheduling and cancelling still work (and still report the failure)
        moved = await client.patch(
            f"/api/schedules/{created['id']}",
            json={"starts_at": (datetime.now(UTC) + timedelta(days=5)).isoformat()},
            headers=signed_in.csrf,
        )
        moved_body = await moved.get_json()
        assert moved.status_code == 200, moved_body
        assert moved_body["sequence"] == 1 and moved_body["invitation_sent"] is False
        cancelled = await client.post(
            f"/api/schedules/{created['id']}/cancel", headers=signed_in.csrf
        )
        assert (await cancelled.get_json())["status"] == "cancelled"


class TestSmtpRecovers:
    """Down for the first invitation, up again for the reschedule."""

    @pytest.fixture
    def smtp_later(self) -> SmtpServer:
        return SmtpServer()

    @pytest.fixture
    def settings_overrides(self, smtp_later: SmtpServer) -> dict[str, Any]:
        return {"mail": {"smtp_host": smtp_later.host, "smtp_port": smtp_later.port}}

    async def test_a_later_invitation_goes_out(
        self, client: Client, signed_in: SignedIn, smtp_later: SmtpServer
    ) -> None:
        response = await client.post("/api/schedules", json=body(), headers=signed_in.csrf)
        created = await response.get_json()
        assert created["invitation_sent"] is False
        smtp_later.start()
        try:
            later = (datetime.now(UTC) + timedelta(days=4)).replace(microsecond=0)
            response = await client.patch(
                f"/api/schedules/{created['id']}",
                json={"starts_at": later.isoformat()},
                headers=signed_in.csrf,
            )
            moved = await response.get_json()
            assert moved["invitation_sent"] is True
            mails = smtp_later.to("ada@example.com")
        finally:
            smtp_later.stop()
        assert len(mails) == 1
        part = next(p for p in mails[0].walk() if p.get_content_type() == "text/calendar")
        event: Any = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == 1
        assert str(event["UID"]) == created["ical_uid"]


class TestOutbox:
    """No SMTP host configured (the default): invitations are written to the outbox."""

    async def test_invitation_lands_in_the_outbox(
        self, client: Client, signed_in: SignedIn, settings: Settings
    ) -> None:
        response = await client.post("/api/schedules", json=body(), headers=signed_in.csrf)
        created = await response.get_json()
        assert created["invitation_sent"] is True
        invitations = [
            m for m in read_outbox(Path(settings.data_dir)) if "Backend onsite" in m["Subject"]
        ]
        assert {m["To"] for m in invitations} == {"ada@example.com", signed_in.email}
        for message in invitations:
            part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
            calendar = Calendar.from_ical(part.get_content())
            assert str(calendar["METHOD"]) == "REQUEST"
            assert str(calendar.walk("VEVENT")[0]["UID"]) == created["ical_uid"]
