"""Invitation mails built without a database or a mail server: MIME structure, wording per role,
non-ASCII names, and local times across daylight-saving changes and date lines."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from server.interviews.models import Interview
from server.kit.mail import Mailer
from server.schedules.calendar import InviteMethod
from server.schedules.invitations import Links, Organizer, build_messages, describe_time
from server.schedules.models import Schedule
from server.schedules.service import Slot
from server.settings import MailSettings
from tests.support.mail import text_body

STARTS = datetime(2030, 3, 1, 14, 30, tzinfo=UTC)
LINKS = Links(
    join_url="https://onsite.test/join/CODE",
    room_url="https://onsite.test/rooms/abc",
    record_url="https://onsite.test/interviews/abc",
)
ORGANIZER = Organizer(email="grace@onsite.test", name="Grace Hopper")


def make_slot(**schedule_changes: Any) -> Slot:
    interview = Interview(
        id="a" * 32,
        owner_id="b" * 32,
        title="Backend — Zoë 李",
        candidate_name="Zoë Ünal",
        candidate_email="zoe@example.com",
        join_code="CODE",
    )
    fields: dict[str, Any] = {
        "id": "c" * 32,
        "interview_id": interview.id,
        "owner_id": interview.owner_id,
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(minutes=45),
        "duration_minutes": 45,
        "timezone": "Europe/Paris",
        "candidate_email": "zoe@example.com",
        "interviewer_email": "grace@onsite.test",
        "ical_uid": "c" * 32 + "@onsite.test",
        "sequence": 0,
        "status": "active",
    }
    fields.update(schedule_changes)
    return Slot(Schedule(**fields), interview)


@pytest.fixture
def mailer(tmp_path: Path) -> Mailer:
    return Mailer(MailSettings(from_address="Onsite <onsite@onsite.test>"), tmp_path / "outbox")


def over_the_wire(message: EmailMessage) -> EmailMessage:
    """Serialise and parse back, as the receiving mail server would."""
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_structure_is_text_plus_inline_and_attached_calendar(mailer: Mailer) -> None:
    messages = build_messages(mailer, make_slot(), ORGANIZER, InviteMethod.REQUEST, LINKS)
    assert [m["To"] for m in messages] == ["zoe@example.com", "grace@onsite.test"]
    for message in map(over_the_wire, messages):
        assert message.get_content_type() == "multipart/mixed"
        alternative, attachment = message.iter_parts()
        assert alternative.get_content_type() == "multipart/alternative"
        text, rich, inline = alternative.iter_parts()
        assert text.get_content_type() == "text/plain"
        assert rich.get_content_type() == "text/html"
        assert inline.get_content_type() == "text/calendar"
        assert inline.get_param("method") == "REQUEST"
        assert inline.get_content_disposition() is None
        assert attachment.get_content_type() == "text/calendar"
        assert attachment.get_filename() == "invite.ics"
        assert attachment.get_content_disposition() == "attachment"
        assert message["Subject"] == "Invitation: Backend — Zoë 李"
        assert message["Message-ID"] and message["Date"]


def test_candidate_gets_the_join_link_and_interviewer_the_room(mailer: Mailer) -> None:
    candidate, interviewer = (
        over_the_wire(m)
        for m in build_messages(mailer, make_slot(), ORGANIZER, InviteMethod.REQUEST, LINKS)
    )
    candidate_text = text_body(candidate)
    interviewer_text = text_body(interviewer)
    assert candidate_text.startswith("Hello Zoë Ünal,")
    assert "Join link: https://onsite.test/join/CODE" in candidate_text
    assert LINKS.room_url not in candidate_text and LINKS.record_url not in candidate_text
    assert interviewer_text.startswith("Hello Grace Hopper,")
    assert f"Your room: {LINKS.room_url}" in interviewer_text
    assert LINKS.record_url in interviewer_text
    for message, url in ((candidate, LINKS.join_url), (interviewer, LINKS.room_url)):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        event: Any = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
        assert str(event["URL"]) == url
        assert LINKS.join_url in str(event["DESCRIPTION"])
        assert str(event["SUMMARY"]) == "Interview: Backend — Zoë 李"
        attendee_names = {a.params.get("CN") for a in event["ATTENDEE"]}
        assert "Zoë Ünal" in attendee_names


def test_each_side_is_told_about_the_other_and_what_to_prepare(mailer: Mailer) -> None:
    """Issue 11: the candidate's mail named the candidate ("…with Zoë Ünal…" to Zoë) and never
    the interviewer, and it was text only."""
    candidate, interviewer = (
        over_the_wire(m)
        for m in build_messages(
            mailer, make_slot(), ORGANIZER, InviteMethod.REQUEST, LINKS, language="Python 3.13"
        )
    )
    text = text_body(candidate)
    assert "Grace Hopper invites you" in text and "with Zoë Ünal" not in text
    for needed in ("browser", "camera", "microphone", "Python 3.13", "lobby"):
        assert needed in text, needed
    html_part = candidate.get_body(preferencelist=("html",))
    assert html_part is not None
    page = html_part.get_content()
    assert f'<a href="{LINKS.join_url}" style="display:inline-block' in page  # the button
    assert "Join the interview" in page and "Grace Hopper invites you" in page
    assert "Backend — Zoë 李" in page and "What to prepare" in page
    assert LINKS.room_url not in page and LINKS.record_url not in page

    other = text_body(interviewer)
    assert "with Zoë Ünal is planned for" in other and "invites you" not in other
    rich = interviewer.get_body(preferencelist=("html",))
    assert rich is not None and f'<a href="{LINKS.room_url}"' in rich.get_content()


def test_the_html_part_escapes_what_people_typed(mailer: Mailer) -> None:
    slot = make_slot()
    slot.interview.title = '<script>alert(1)</script> & "x"'
    organizer = Organizer(email="grace@onsite.test", name="<b>Grace</b>")
    candidate, _ = build_messages(mailer, slot, organizer, InviteMethod.REQUEST, LINKS)
    rich = over_the_wire(candidate).get_body(preferencelist=("html",))
    assert rich is not None
    page = rich.get_content()
    assert "<script>" not in page and "<b>Grace</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;Grace&lt;/b&gt;" in page


def test_another_interviewer_address_is_not_greeted_as_the_organizer(mailer: Mailer) -> None:
    slot = make_slot(interviewer_email="panel@example.com")
    _, panel = build_messages(mailer, slot, ORGANIZER, InviteMethod.REQUEST, LINKS)
    assert panel["To"] == "panel@example.com"
    assert text_body(panel).startswith("Hello,")


@pytest.mark.parametrize(
    ("method", "sequence", "subject", "phrase"),
    [
        (InviteMethod.REQUEST, 0, "Invitation: ", "is planned for"),
        (InviteMethod.REQUEST, 3, "Updated: ", "has been moved to"),
        (InviteMethod.CANCEL, 4, "Cancelled: ", "has been cancelled"),
    ],
)
def test_subject_and_wording_follow_the_change(
    mailer: Mailer, method: InviteMethod, sequence: int, subject: str, phrase: str
) -> None:
    messages = build_messages(mailer, make_slot(sequence=sequence), ORGANIZER, method, LINKS)
    for message in messages:
        assert message["Subject"].startswith(subject)
        assert phrase in text_body(message)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        calendar = Calendar.from_ical(part.get_content())
        assert str(calendar["METHOD"]) == method.value
        event: Any = calendar.walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == sequence


@pytest.mark.parametrize(
    ("starts_at", "zone", "expected"),
    [
        (
            datetime(2030, 3, 1, 14, 30, tzinfo=UTC),
            "Europe/Paris",
            "Friday 1 March 2030, 15:30–16:15 (Europe/Paris; 14:30–15:15 UTC)",
        ),
        (
            datetime(2030, 7, 1, 14, 30, tzinfo=UTC),
            "Europe/Paris",
            "Monday 1 July 2030, 16:30–17:15 (Europe/Paris; 14:30–15:15 UTC)",
        ),
        (
            datetime(2030, 3, 2, 2, 30, tzinfo=UTC),
            "America/New_York",
            "Friday 1 March 2030, 21:30–22:15 (America/New_York; 02:30–03:15 UTC)",
        ),
        (
            datetime(2030, 3, 1, 14, 30, tzinfo=UTC),
            "UTC",
            "Friday 1 March 2030, 14:30–15:15 (UTC)",
        ),
        (
            datetime(2030, 3, 1, 14, 30, tzinfo=UTC),
            "Asia/Kathmandu",
            "Friday 1 March 2030, 20:15–21:00 (Asia/Kathmandu; 14:30–15:15 UTC)",
        ),
    ],
)
def test_local_time_in_the_text(starts_at: datetime, zone: str, expected: str) -> None:
    assert describe_time(starts_at, 45, zone) == expected
