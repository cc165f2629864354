"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations for an interview slot.

Pure: builds bytes from a plain description of the event, so it is tested without a database or a
mail server. Calendar clients match updates to the original invitation by ``UID`` and accept one
only if its ``SEQUENCE`` is higher, which is why both come from the stored schedule rather than
being generated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Onsite//Interview scheduling//EN"


class InviteMethod(StrEnum):
    """The iTIP method; the value is what goes on the ``METHOD`` line and the MIME type."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True, slots=True)
class Participant:
    email: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class InviteEvent:
    """Everything an invitation says about one slot."""

    uid: str
    sequence: int
    summary: str
    description: str
    url: str
    starts_at: datetime
    duration_minutes: int
    organizer: Participant
    attendees: tuple[Participant, ...]
    stamp: datetime


def _as_utc(moment: datetime, what: str) -> datetime:
    """Refuses naive datetimes: a floating time would be read in each recipient's own zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment.astimezone(UTC)


def _address(participant: Participant) -> vCalAddress:
    address = vCalAddress(f"mailto:{participant.email}")
    if participant.name:
        address.params["CN"] = vText(participant.name)
    return address


def build_invitation(event: InviteEvent, method: InviteMethod) -> bytes:
    """Serialises ``event`` as a one-event VCALENDAR for ``method``.

    DTSTART/DTEND are written in UTC (``…Z``) so no VTIMEZONE block is needed and every client
    agrees on the instant; the organiser's zone only matters for the human-readable text.
    """
    if event.duration_minutes <= 0:
        raise ValueError("duration_minutes must be positive")
    if event.sequence < 0:
        raise ValueError("sequence must not be negative")
    starts_at = _as_utc(event.starts_at, "starts_at")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _as_utc(event.stamp, "stamp"))
    vevent.add("dtstart", starts_at)
    vevent.add("dtend", starts_at + timedelta(minutes=event.duration_minutes))
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    vevent.add("url", event.url)
    vevent.add("location", event.url)
    vevent.add("organizer", _address(event.organizer))
    for participant in event.attendees:
        attendee = _address(participant)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE")
        vevent.add("attendee", attendee)
    if method is InviteMethod.CANCEL:
        vevent.add("status", "CANCELLED")
    else:
        vevent.add("status", "CONFIRMED")
        vevent.add("transp", "OPAQUE")
    calendar.add_component(vevent)
    ical: bytes = calendar.to_ical()
    return ical


def content_type(method: InviteMethod) -> str:
    """The MIME type calendar clients look for to offer Accept/Decline (iMIP, RFC 6047)."""
    return f'text/calendar; charset="utf-8"; method={method.value}'
