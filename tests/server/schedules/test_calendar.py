"""The iCalendar builder, parsed back with ``icalendar`` the way a calendar client would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from icalendar import Calendar

from server.schedules.calendar import (
    InviteEvent,
    InviteMethod,
    Participant,
    build_invitation,
    content_type,
)

STARTS = datetime(2030, 3, 1, 14, 30, tzinfo=UTC)


def make_event(**changes: Any) -> InviteEvent:
    fields: dict[str, Any] = {
        "uid": "schedule-1@onsite.test",
        "sequence": 0,
        "summary": "Interview: Backend, Ada Lovelace",
        "description": "Join: https://onsite.test/join/abc",
        "url": "https://onsite.test/join/abc",
        "starts_at": STARTS,
        "duration_minutes": 45,
        "organizer": Participant("boss@onsite.test", "Grace Hopper"),
        "attendees": (
            Participant("ada@example.com", "Ada Lovelace"),
            Participant("boss@onsite.test", "Grace Hopper"),
        ),
        "stamp": datetime(2030, 2, 1, 9, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return InviteEvent(**fields)


def parse_event(ical: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(ical)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_request_has_the_fields_calendar_clients_need() -> None:
    calendar, event = parse_event(build_invitation(make_event(), InviteMethod.REQUEST))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "schedule-1@onsite.test"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == STARTS
    assert event.decoded("DTEND") == STARTS + timedelta(minutes=45)
    assert event.decoded("DTSTAMP") == datetime(2030, 2, 1, 9, 0, tzinfo=UTC)
    assert str(event["URL"]) == "https://onsite.test/join/abc"
    assert "https://onsite.test/join/abc" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:boss@onsite.test"
    assert event["ORGANIZER"].params["CN"] == "Grace Hopper"
    attendees = [str(a) for a in event["ATTENDEE"]]
    assert attendees == ["mailto:ada@example.com", "mailto:boss@onsite.test"]


def test_times_are_written_in_utc_whatever_zone_was_given() -> None:
    paris_winter = timezone(timedelta(hours=1))
    local = STARTS.astimezone(paris_winter)
    ical = build_invitation(make_event(starts_at=local), InviteMethod.REQUEST)
    assert b"DTSTART:20300301T143000Z" in ical
    assert b"DTEND:20300301T151500Z" in ical
    assert b"VTIMEZONE" not in ical


def test_cancel_keeps_the_uid_and_marks_the_event_cancelled() -> None:
    calendar, event = parse_event(build_invitation(make_event(sequence=2), InviteMethod.CANCEL))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "schedule-1@onsite.test"
    assert int(event["SEQUENCE"]) == 2


def test_text_with_commas_semicolons_and_newlines_round_trips() -> None:
    summary = "Interview; Backend, senior\\lead"
    description = "Line one, with comma;\nLine two: https://onsite.test/join/x?y=1"
    _, event = parse_event(
        build_invitation(make_event(summary=summary, description=description), InviteMethod.REQUEST)
    )
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == description


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_invitation(make_event(starts_at=datetime(2030, 3, 1, 14, 30)), InviteMethod.REQUEST)


def test_non_positive_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="duration"):
        build_invitation(make_event(duration_minutes=0), InviteMethod.REQUEST)


def test_content_type_names_the_method() -> None:
    assert content_type(InviteMethod.REQUEST).endswith("method=REQUEST")
    assert content_type(InviteMethod.CANCEL).endswith("method=CANCEL")
