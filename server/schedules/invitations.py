"""The invitation e-mails of a slot: one message per recipient, each carrying the iCalendar.

Structure (what Gmail, Outlook and Apple Mail all recognise as an invitation)::

    multipart/mixed
      multipart/alternative
        text/plain                          the human text with the join link
        text/calendar; method=REQUEST       inline: clients show Accept / Decline
      text/calendar; method=REQUEST         invite.ics attachment, for everything else

Sending never raises: a failure is logged and reported as ``False`` so the caller can store
``invitation_sent`` and answer normally — the schedule is already committed by then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from server.interviews import service as interviews
from server.kit.db import utcnow
from server.kit.mail import Mailer, MailError, attach_calendar
from server.schedules.calendar import (
    InviteEvent,
    InviteMethod,
    Participant,
    build_invitation,
)
from server.schedules.models import Slot

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Organizer:
    """The interviewer who owns the slot (the account, not necessarily ``interviewer_email``)."""

    email: str
    name: str


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    name: str | None
    role: str
    """``candidate`` or ``interviewer``: decides the wording."""


def describe_time(starts_at: datetime, duration_minutes: int, timezone: str) -> str:
    """E.g. "Friday 1 March 2030, 15:30–16:15 (Europe/Paris; 14:30–15:15 UTC)"."""
    zone = ZoneInfo(timezone)
    local_start = starts_at.astimezone(zone)
    local_end = local_start + timedelta(minutes=duration_minutes)
    day = f"{local_start:%A} {local_start.day} {local_start:%B %Y}"
    text = f"{day}, {local_start:%H:%M}–{local_end:%H:%M} ({timezone}"
    if timezone != "UTC":
        utc_start = starts_at.astimezone(ZoneInfo("UTC"))
        utc_end = utc_start + timedelta(minutes=duration_minutes)
        text += f"; {utc_start:%H:%M}–{utc_end:%H:%M} UTC"
    return text + ")"


def _subject(method: InviteMethod, sequence: int, title: str) -> str:
    if method is InviteMethod.CANCEL:
        return f"Cancelled: {title}"
    if sequence > 0:
        return f"Updated: {title}"
    return f"Invitation: {title}"


@dataclass(frozen=True, slots=True)
class Links:
    """Where each side goes: the candidate's join link must never be the interviewer's way in
    (opening it would join them as a candidate)."""

    join_url: str
    room_url: str
    record_url: str


def links_for(public_url: str, join_code: str, interview_id: str) -> Links:
    return Links(
        join_url=interviews.join_url(public_url, join_code),
        room_url=interviews.room_url(public_url, interview_id),
        record_url=interviews.record_url(public_url, interview_id),
    )


def _body(slot: Slot, recipient: Recipient, method: InviteMethod, links: Links) -> str:
    schedule, interview = slot.schedule, slot.interview
    when = describe_time(schedule.starts_at, schedule.duration_minutes, schedule.timezone)
    greeting = f"Hello {recipient.name}," if recipient.name else "Hello,"
    if method is InviteMethod.CANCEL:
        lines = [
            greeting,
            "",
            f"The interview “{interview.title}” planned for {when} has been cancelled.",
            "Your calendar should remove the event automatically.",
        ]
    else:
        changed = "has been moved to" if schedule.sequence > 0 else "is planned for"
        lines = [
            greeting,
            "",
            f"The interview “{interview.title}” with {interview.candidate_name} {changed}:",
            f"  {when}",
            "",
        ]
        if recipient.role == "candidate":
            lines += [
                f"Join link: {links.join_url}",
                "",
                "Open the link at the start time in a recent browser; you need no account.",
                "You will share a code editor, video and chat with your interviewer.",
            ]
        else:
            lines += [
                f"Your room: {links.room_url}",
                f"The candidate's join link: {links.join_url}",
                f"The record and your private notes: {links.record_url}",
            ]
    return "\n".join([*lines, "", "— Onsite", ""])


def _event(
    slot: Slot,
    organizer: Organizer,
    recipients: list[Recipient],
    recipient: Recipient,
    links: Links,
    stamp: datetime,
) -> InviteEvent:
    schedule, interview = slot.schedule, slot.interview
    intro = f"Technical interview with {interview.candidate_name}."
    if recipient.role == "candidate":
        url, description = links.join_url, f"{intro}\nJoin: {links.join_url}"
    else:
        url = links.room_url
        description = f"{intro}\nYour room: {links.room_url}\nCandidate's link: {links.join_url}"
    return InviteEvent(
        uid=schedule.ical_uid,
        sequence=schedule.sequence,
        summary=f"Interview: {interview.title}",
        description=description,
        url=url,
        starts_at=schedule.starts_at,
        duration_minutes=schedule.duration_minutes,
        organizer=Participant(organizer.email, organizer.name),
        attendees=tuple(Participant(r.email, r.name) for r in recipients),
        stamp=stamp,
    )


def build_messages(
    mailer: Mailer,
    slot: Slot,
    organizer: Organizer,
    method: InviteMethod,
    links: Links,
    *,
    now: datetime | None = None,
) -> list[EmailMessage]:
    """One message per recipient; the events share UID and SEQUENCE and differ only in links."""
    schedule, interview = slot.schedule, slot.interview
    recipients = [
        Recipient(schedule.candidate_email, interview.candidate_name, "candidate"),
        Recipient(
            schedule.interviewer_email,
            organizer.name if schedule.interviewer_email == organizer.email else None,
            "interviewer",
        ),
    ]
    stamp = now or utcnow()
    messages = []
    for recipient in recipients:
        ics = build_invitation(_event(slot, organizer, recipients, recipient, links, stamp), method)
        message = mailer.compose(
            recipient.email,
            _subject(method, schedule.sequence, interview.title),
            _body(slot, recipient, method, links),
        )
        message.add_alternative(
            ics.decode("utf-8"), subtype="calendar", params={"method": method.value}
        )
        attach_calendar(message, ics, method.value)
        messages.append(message)
    return messages


async def send_invitations(
    mailer: Mailer,
    slot: Slot,
    organizer: Organizer,
    method: InviteMethod,
    links: Links,
) -> bool:
    """Sends to the candidate and the interviewer; ``True`` only if every message went out."""
    try:
        messages = build_messages(mailer, slot, organizer, method, links)
    except ValueError:
        log.exception("could not build the invitation for schedule %s", slot.schedule.id)
        return False
    all_sent = True
    for message in messages:
        try:
            await mailer.send(message)
        except (MailError, OSError) as exc:
            all_sent = False
            _, address = parseaddr(str(message["To"]))
            log.warning(
                "invitation (%s) for schedule %s to %s not sent: %s",
                method.value,
                slot.schedule.id,
                address,
                exc,
            )
    return all_sent
