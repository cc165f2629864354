"""Schedules over HTTP with a real SMTP server (aiosmtpd) receiving the invitations, on SQLite and
PostgreSQL. The iCalendar is parsed back with ``icalendar`` as a calendar client would."""

from __future__ import annotations

import asyncio
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
from tests.support.auth import SignedIn, register_and_login
from tests.support.http import error_of
from tests.support.mail import text_body
from tests.support.smtp import SmtpServer

CANDIDATE = "ada@example.com"


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, Any]:
    return {"mail": {"smtp_host": smtp_server.host, "smtp_port": smtp_server.port}}


def future(days: int = 7, hour: int = 14) -> datetime:
    moment = datetime.now(UTC) + timedelta(days=days)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


async def schedule(client: Client, signed_in: SignedIn, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Backend onsite",
        "candidate_name": "Ada Lovelace",
        "candidate_email": CANDIDATE,
        "starts_at": future().isoformat(),
        "duration_minutes": 45,
        **fields,
    }
    response = await client.post("/api/schedules", json=body, headers=signed_in.csrf)
    payload: dict[str, Any] = await response.get_json()
    assert response.status_code == 201, payload
    return payload


def calendar_parts(message: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    """(inline text/calendar, attached invite.ics); both must be there."""
    inline = attached = None
    for part in message.walk():
        if part.get_content_type() != "text/calendar":
            continue
        if part.get_content_disposition() == "attachment":
            attached = part
        else:
            inline = part
    assert inline is not None and attached is not None, "invite must be inline and attached"
    assert isinstance(inline, EmailMessage) and isinstance(attached, EmailMessage)
    return inline, attached


def event_of(message: EmailMessage) -> tuple[str, Any]:
    """(METHOD, VEVENT) from the inline calendar; the attachment must say the same."""
    inline, attached = calendar_parts(message)
    raw = inline.get_content()
    ical = raw.encode() if isinstance(raw, str) else raw
    attached_raw = attached.get_content()
    attached_bytes = attached_raw.encode() if isinstance(attached_raw, str) else attached_raw
    assert Calendar.from_ical(attached_bytes).to_ical() == Calendar.from_ical(ical).to_ical()
    calendar = Calendar.from_ical(ical)
    method = str(calendar["METHOD"])
    assert inline.get_param("method") == method
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return method, events[0]


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---- create ------------------------------------------------------------------------------------


async def test_create_mails_request_to_candidate_and_interviewer(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    starts_at = future()
    created = await schedule(client, signed_in, starts_at=starts_at.isoformat())
    assert created["invitation_sent"] is True
    assert created["status"] == "active" and created["sequence"] == 0
    assert parse_time(created["starts_at"]) == starts_at
    assert parse_time(created["ends_at"]) == starts_at + timedelta(minutes=45)
    assert created["interviewer_email"] == signed_in.email
    assert created["timezone"] == "UTC"

    record = await (await client.get(f"/api/interviews/{created['interview_id']}")).get_json()
    assert record["status"] == "scheduled"
    assert parse_time(record["scheduled_at"]) == starts_at
    assert created["join_url"] == record["join_url"]

    for address in (CANDIDATE, signed_in.email):
        mails = smtp_server.to(address)
        assert len(mails) == 1, address
        method, event = event_of(mails[0])
        assert method == "REQUEST"
        assert str(event["UID"]) == created["ical_uid"]
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == starts_at
        assert event.decoded("DTEND") == starts_at + timedelta(minutes=45)
        assert record["join_url"] in str(event["DESCRIPTION"])
        assert str(event["ORGANIZER"]).lower() == f"mailto:{signed_in.email}".lower()
        attendees = {str(a).lower() for a in event["ATTENDEE"]}
        assert attendees == {f"mailto:{CANDIDATE}", f"mailto:{signed_in.email}".lower()}
        assert record["join_url"] in text_body(mails[0])
        assert mails[0]["Subject"] == "Invitation: Backend onsite"
    room_url = f"http://127.0.0.1:8000/rooms/{created['interview_id']}"
    _, candidate_event = event_of(smtp_server.to(CANDIDATE)[0])
    _, interviewer_event = event_of(smtp_server.to(signed_in.email)[0])
    assert str(candidate_event["URL"]) == record["join_url"]
    assert str(interviewer_event["URL"]) == room_url  # never the candidate's way in
    candidate_text = text_body(smtp_server.to(CANDIDATE)[0])
    interviewer_text = text_body(smtp_server.to(signed_in.email)[0])
    assert "no account" in candidate_text and room_url not in candidate_text
    assert f"Your room: {room_url}" in interviewer_text
    assert f"/interviews/{created['interview_id']}" in interviewer_text


async def test_the_invitation_over_smtp_names_each_side_and_carries_a_button(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    """Through the real SMTP server: an HTML and a text part, the interviewer named to the
    candidate and the candidate to the interviewer, what to prepare, the join link a button."""
    created = await schedule(client, signed_in, language="python")
    [mail] = smtp_server.to(CANDIDATE)
    text = text_body(mail)
    interviewer_name = signed_in.user["name"]
    assert f"{interviewer_name} invites you" in text and "with Ada Lovelace" not in text
    assert "browser" in text and "camera" in text and "Python" in text
    rich = mail.get_body(preferencelist=("html",))
    assert rich is not None and rich.get_content_type() == "text/html"
    page = rich.get_content()
    assert f'<a href="{created["join_url"]}" style="display:inline-block' in page
    assert "Join the interview" in page and "What to prepare" in page
    [own] = smtp_server.to(signed_in.email)
    assert "with Ada Lovelace is planned for" in text_body(own)
    own_page = own.get_body(preferencelist=("html",))
    assert own_page is not None and "Open your room" in own_page.get_content()


async def test_interviewer_email_and_timezone_are_used(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    starts_at = datetime(2031, 7, 1, 13, 0, tzinfo=UTC)  # 15:00 in Paris (summer time)
    created = await schedule(
        client,
        signed_in,
        starts_at="2031-07-01T15:00:00+02:00",
        timezone="Europe/Paris",
        interviewer_email="panel@example.com",
    )
    assert parse_time(created["starts_at"]) == starts_at
    assert created["timezone"] == "Europe/Paris"
    assert smtp_server.to(signed_in.email) == []
    panel = smtp_server.to("panel@example.com")
    assert len(panel) == 1
    body = text_body(smtp_server.to(CANDIDATE)[0])
    assert "Tuesday 1 July 2031, 15:00–15:45 (Europe/Paris; 13:00–13:45 UTC)" in body
    _, event = event_of(panel[0])
    assert event.decoded("DTSTART") == starts_at


async def test_schedule_an_existing_interview(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    response = await client.post(
        "/api/interviews",
        json={"title": "Existing", "candidate_name": "Grace", "candidate_email": "g@example.com"},
        headers=signed_in.csrf,
    )
    interview = await response.get_json()
    created = await client.post(
        "/api/schedules",
        json={"interview_id": interview["id"], "starts_at": future().isoformat()},
        headers=signed_in.csrf,
    )
    body = await created.get_json()
    assert created.status_code == 201, body
    assert body["interview_id"] == interview["id"]
    assert body["title"] == "Existing" and body["candidate_email"] == "g@example.com"
    assert body["duration_minutes"] == 60
    assert len(smtp_server.to("g@example.com")) == 1

    again = await client.post(
        "/api/schedules",
        json={"interview_id": interview["id"], "starts_at": future().isoformat()},
        headers=signed_in.csrf,
    )
    assert await error_of(again, 409) == "already_scheduled"


# ---- reschedule and cancel ---------------------------------------------------------------------


async def test_reschedule_keeps_uid_and_raises_sequence_then_cancel(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    created = await schedule(client, signed_in)
    url = f"/api/schedules/{created['id']}"
    moved_to = future(days=9, hour=9)
    response = await client.patch(
        url,
        json={"starts_at": moved_to.isoformat(), "duration_minutes": 90},
        headers=signed_in.csrf,
    )
    moved = await response.get_json()
    assert response.status_code == 200, moved
    assert moved["sequence"] == 1 and moved["invitation_sent"] is True
    assert moved["ical_uid"] == created["ical_uid"]
    assert parse_time(moved["ends_at"]) == moved_to + timedelta(minutes=90)

    mails = smtp_server.to(CANDIDATE)
    assert len(mails) == 2
    method, event = event_of(mails[1])
    assert method == "REQUEST"
    assert str(event["UID"]) == created["ical_uid"]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == moved_to
    assert event.decoded("DTEND") == moved_to + timedelta(minutes=90)
    assert mails[1]["Subject"] == "Updated: Backend onsite"
    record = await (await client.get(f"/api/interviews/{created['interview_id']}")).get_json()
    assert parse_time(record["scheduled_at"]) == moved_to

    response = await client.post(f"{url}/cancel", headers=signed_in.csrf)
    cancelled = await response.get_json()
    assert response.status_code == 200, cancelled
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 2
    mails = smtp_server.to(CANDIDATE)
    assert len(mails) == 3
    method, event = event_of(mails[2])
    assert method == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == created["ical_uid"]
    assert int(event["SEQUENCE"]) == 2
    assert mails[2]["Subject"] == "Cancelled: Backend onsite"
    assert len(smtp_server.to(signed_in.email)) == 3
    record = await (await client.get(f"/api/interviews/{created['interview_id']}")).get_json()
    assert record["status"] == "cancelled"

    response = await client.patch(
        url, json={"starts_at": future().isoformat()}, headers=signed_in.csrf
    )
    assert await error_of(response, 409) == "schedule_cancelled"
    response = await client.post(f"{url}/cancel", headers=signed_in.csrf)
    assert await error_of(response, 409) == "schedule_cancelled"
    assert len(smtp_server.to(CANDIDATE)) == 3  # refused changes mail nothing


async def test_started_interview_cannot_be_moved_or_cancelled(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    created = await schedule(client, signed_in)
    async with unit_of_work(get_state(app).sessions) as session:
        await interviews.mark_in_progress(session, created["interview_id"])
    url = f"/api/schedules/{created['id']}"
    response = await client.patch(
        url, json={"starts_at": future().isoformat()}, headers=signed_in.csrf
    )
    assert await error_of(response, 409) == "interview_started"
    response = await client.post(f"{url}/cancel", headers=signed_in.csrf)
    assert await error_of(response, 409) == "interview_started"


# ---- list --------------------------------------------------------------------------------------


async def test_list_upcoming_leaves_out_cancelled_and_binned(
    client: Client, signed_in: SignedIn
) -> None:
    later = await schedule(client, signed_in, title="Later", starts_at=future(days=5).isoformat())
    sooner = await schedule(client, signed_in, title="Sooner", starts_at=future(2).isoformat())
    dropped = await schedule(client, signed_in, title="Dropped", starts_at=future(3).isoformat())
    binned = await schedule(client, signed_in, title="Binned", starts_at=future(4).isoformat())
    await client.post(f"/api/schedules/{dropped['id']}/cancel", headers=signed_in.csrf)
    await client.delete(f"/api/interviews/{binned['interview_id']}", headers=signed_in.csrf)

    upcoming = await (await client.get("/api/schedules?upcoming=true")).get_json()
    assert [s["id"] for s in upcoming["items"]] == [sooner["id"], later["id"]]
    everything = await (await client.get("/api/schedules")).get_json()
    assert [s["title"] for s in everything["items"]] == ["Sooner", "Dropped", "Later"]
    single = await (await client.get(f"/api/schedules/{later['id']}")).get_json()
    assert single["title"] == "Later"


async def test_a_completed_interview_leaves_upcoming_and_offers_nothing(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    """Issue 11: completed interviews stayed under Upcoming with Reschedule and Cancel."""
    done = await schedule(client, signed_in, title="Done", starts_at=future(2).isoformat())
    live = await schedule(client, signed_in, title="Live", starts_at=future(3).isoformat())
    ahead = await schedule(client, signed_in, title="Ahead", starts_at=future(4).isoformat())
    assert ahead["actions"] == ["open_room", "reschedule", "cancel"]
    assert ahead["interview_status"] == "scheduled"
    async with unit_of_work(get_state(app).sessions) as session:
        await interviews.complete_interview(session, done["interview_id"], "x = 1", "python", "")
        await interviews.mark_in_progress(session, live["interview_id"])

    upcoming = await (await client.get("/api/schedules?upcoming=true")).get_json()
    assert [s["title"] for s in upcoming["items"]] == ["Live", "Ahead"]
    assert upcoming["items"][0]["actions"] == ["open_room"]  # happening: no moving it
    everything = await (await client.get("/api/schedules")).get_json()
    finished = next(s for s in everything["items"] if s["title"] == "Done")
    assert finished["actions"] == [] and finished["interview_status"] == "completed"
    # The server refuses what the page no longer offers.
    url = f"/api/schedules/{done['id']}"
    response = await client.patch(
        url, json={"starts_at": future().isoformat()}, headers=signed_in.csrf
    )
    assert await error_of(response, 409) == "interview_started"
    response = await client.post(f"{url}/cancel", headers=signed_in.csrf)
    assert await error_of(response, 409) == "interview_started"


# ---- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"starts_at": "2020-01-01T10:00:00Z"}, "starts_in_past"),
        ({"starts_at": "2030-01-01T10:00:00"}, "validation_error"),
        ({"starts_at": "next tuesday"}, "validation_error"),
        ({"starts_at": 1900000000}, "validation_error"),
        ({"timezone": "Mars/Olympus_Mons"}, "validation_error"),
        ({"timezone": "../../etc/passwd"}, "validation_error"),
        ({"timezone": "CEST"}, "validation_error"),
        ({"duration_minutes": 4}, "validation_error"),
        ({"duration_minutes": 481}, "validation_error"),
        ({"candidate_email": "nobody"}, "validation_error"),
        ({"candidate_email": None}, "missing_fields"),
        ({"title": None}, "missing_fields"),
        ({"interview_id": "f" * 32}, "interview_not_found"),
        ({"interview_id": "garbage"}, "interview_not_found"),
        ({"language": "cobol"}, "unknown_language"),
        ({"sequence": 7}, "validation_error"),
    ],
)
async def test_create_refuses_bad_input(
    client: Client,
    signed_in: SignedIn,
    smtp_server: SmtpServer,
    change: dict[str, Any],
    code: str,
) -> None:
    body = {
        "title": "T",
        "candidate_name": "Ada",
        "candidate_email": CANDIDATE,
        "starts_at": future().isoformat(),
        "duration_minutes": 30,
    }
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    response = await client.post("/api/schedules", json=body, headers=signed_in.csrf)
    expected = 404 if code == "interview_not_found" else 400
    assert await error_of(response, expected) == code
    assert smtp_server.messages == []
    assert (await (await client.get("/api/schedules")).get_json())["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"starts_at": "2020-01-01T10:00:00Z"},
        {"starts_at": "2030-01-01T10:00:00"},
        {},
        {"starts_at": "2031-01-01T10:00:00Z", "timezone": "Nowhere/Land"},
        {"starts_at": "2031-01-01T10:00:00Z", "duration_minutes": 0},
        {"starts_at": "2031-01-01T10:00:00Z", "status": "active"},
    ],
)
async def test_reschedule_refuses_bad_input(
    client: Client, signed_in: SignedIn, body: dict[str, Any]
) -> None:
    created = await schedule(client, signed_in)
    response = await client.patch(
        f"/api/schedules/{created['id']}", json=body, headers=signed_in.csrf
    )
    assert response.status_code == 400
    after = await (await client.get(f"/api/schedules/{created['id']}")).get_json()
    assert after["sequence"] == 0 and after["starts_at"] == created["starts_at"]


async def test_another_owners_schedule_is_404(
    app: Quart, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    created = await schedule(client, signed_in)
    other = await register_and_login(app.test_client(), name="Mallory")
    url = f"/api/schedules/{created['id']}"
    assert await error_of(await other.client.get(url), 404) == "schedule_not_found"
    response = await other.client.patch(
        url, json={"starts_at": future().isoformat()}, headers=other.csrf
    )
    assert await error_of(response, 404) == "schedule_not_found"
    response = await other.client.post(f"{url}/cancel", headers=other.csrf)
    assert await error_of(response, 404) == "schedule_not_found"
    response = await other.client.post(
        "/api/schedules",
        json={"interview_id": created["interview_id"], "starts_at": future().isoformat()},
        headers=other.csrf,
    )
    assert await error_of(response, 404) == "interview_not_found"
    assert (await (await other.client.get("/api/schedules")).get_json())["items"] == []
    mine = await (await client.get(url)).get_json()
    assert mine["sequence"] == 0 and mine["status"] == "active"
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize("bad_id", ["x", "0" * 31, "f" * 32])
async def test_unknown_or_malformed_schedule_ids_are_404(
    client: Client, signed_in: SignedIn, bad_id: str
) -> None:
    assert await error_of(await client.get(f"/api/schedules/{bad_id}"), 404)
    response = await client.post(f"/api/schedules/{bad_id}/cancel", headers=signed_in.csrf)
    assert await error_of(response, 404) == "schedule_not_found"


async def test_list_query_is_validated(client: Client, signed_in: SignedIn) -> None:
    for query in ("?upcoming=perhaps", "?page=2"):
        response = await client.get(f"/api/schedules{query}")
        assert await error_of(response, 400) == "validation_error"


async def test_schedules_need_sign_in(app: Quart) -> None:
    anonymous = app.test_client()
    assert await error_of(await anonymous.get("/api/schedules"), 401) == "unauthorized"


async def test_purging_a_record_deletes_its_slots(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    created = await schedule(client, signed_in)
    interview_url = f"/api/interviews/{created['interview_id']}"
    await client.delete(interview_url, headers=signed_in.csrf)
    # binning already cancelled the slot and told the calendars (tests/server/schedules/test_bin.py)
    method, _ = event_of(smtp_server.to(CANDIDATE)[-1])
    assert method == "CANCEL"
    response = await client.delete(f"{interview_url}/purge", headers=signed_in.csrf)
    assert response.status_code == 204
    assert await error_of(await client.get(f"/api/schedules/{created['id']}"), 404) == (
        "schedule_not_found"
    )
    assert (await (await client.get("/api/schedules")).get_json())["items"] == []


@pytest.mark.fresh_database  # four requests at once need connections of their own
async def test_concurrent_reschedules_get_distinct_sequences(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    """Calendar clients drop an update whose SEQUENCE is not higher than the one they hold."""
    created = await schedule(client, signed_in)
    url = f"/api/schedules/{created['id']}"

    async def move(days: int) -> dict[str, Any]:
        response = await client.patch(
            url, json={"starts_at": future(days=days).isoformat()}, headers=signed_in.csrf
        )
        body: dict[str, Any] = await response.get_json()
        assert response.status_code == 200, body
        return body

    results = await asyncio.gather(*(move(days) for days in (8, 9, 10, 11)))
    assert sorted(r["sequence"] for r in results) == [1, 2, 3, 4]
    final = await (await client.get(url)).get_json()
    assert final["sequence"] == 4
    sequences = sorted(int(event_of(m)[1]["SEQUENCE"]) for m in smtp_server.to(CANDIDATE))
    assert sequences == [0, 1, 2, 3, 4]


async def test_record_time_of_a_scheduled_interview_moves_only_through_the_slot(
    client: Client, signed_in: SignedIn
) -> None:
    created = await schedule(client, signed_in)
    url = f"/api/interviews/{created['interview_id']}"
    response = await client.patch(
        url,
        json={"scheduled_at": future(days=20).isoformat(), "title": "Renamed"},
        headers=signed_in.csrf,
    )
    assert await error_of(response, 409) == "reschedule_instead"
    record = await (await client.get(url)).get_json()
    assert record["title"] == "Backend onsite"  # the whole change was rolled back
    assert parse_time(record["scheduled_at"]) == parse_time(created["starts_at"])
    response = await client.patch(url, json={"title": "Renamed"}, headers=signed_in.csrf)
    assert response.status_code == 200
    await client.post(f"/api/schedules/{created['id']}/cancel", headers=signed_in.csrf)
    response = await client.patch(url, json={"scheduled_at": None}, headers=signed_in.csrf)
    assert (await response.get_json())["scheduled_at"] is None
