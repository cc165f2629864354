"""The wire shapes of interview slots.

Times: ``starts_at`` must carry a zone (``2030-03-01T15:30:00+01:00`` or ``…Z``); a naive time is
refused with a 400 rather than guessed, because the server cannot know which zone the caller
meant. ``timezone`` is the IANA zone the invitation text is written in (the calendar event itself
is always in UTC); it defaults to ``UTC``.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, EmailStr, Field, field_validator

from server.interviews.schemas import LanguageId, PersonName, Position, RequestModel, Title, When
from server.schedules.models import ScheduleStatus

DURATION_MIN = 5
DURATION_MAX = 480

Duration = Annotated[int, Field(ge=DURATION_MIN, le=DURATION_MAX, strict=True)]


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str) -> str:
    """Only real IANA names (``Europe/Paris``), never a path or an abbreviation like ``CEST``."""
    if name not in known_timezones():
        raise ValueError(f"unknown timezone {name!r}; use an IANA name such as 'Europe/Paris'")
    return name


class ScheduleCreate(RequestModel):
    """A slot for a new interview record, or — with ``interview_id`` — for an existing one.

    With ``interview_id`` the title, candidate name and e-mail default to the record's.
    ``interviewer_email`` defaults to the signed-in user's e-mail.
    """

    NOT_NULLABLE = ("title", "candidate_name", "candidate_email", "starts_at", "timezone")

    interview_id: str | None = None
    title: Title | None = None
    candidate_name: PersonName | None = None
    candidate_email: EmailStr | None = None
    interviewer_email: EmailStr | None = None
    position: Position | None = None
    language: LanguageId | None = None
    starts_at: When
    duration_minutes: Duration = 60
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return validate_timezone(value)


class ScheduleUpdate(RequestModel):
    """A reschedule: a new start, optionally a new length or zone."""

    starts_at: When
    duration_minutes: Duration | None = None
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return None if value is None else validate_timezone(value)


class ScheduleListQuery(RequestModel):
    upcoming: bool = False
    """Only active slots that have not ended yet, soonest first."""


ScheduleAction = Literal["open_room", "reschedule", "cancel"]
"""What may be done with a slot now (``service.slot_actions``)."""


class ScheduleOut(BaseModel):
    id: str
    interview_id: str
    title: str
    candidate_name: str
    candidate_email: str
    interviewer_email: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    timezone: str
    status: ScheduleStatus
    sequence: int
    ical_uid: str
    join_url: str
    invitation_sent: bool
    """Whether the last invitation (or cancellation) reached every recipient's mail server."""
    interview_status: str
    """The record's status: scheduled, in_progress, completed or cancelled."""
    actions: list[ScheduleAction]
    """What may be done with the slot now; the server refuses the others."""
    created_at: datetime
    updated_at: datetime


class ScheduleList(BaseModel):
    items: list[ScheduleOut]
