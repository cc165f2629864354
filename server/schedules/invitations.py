"""The invitation e-mails of a slot: one message per recipient, each carrying the iCalendar.

Structure (what Gmail, Outlook and Apple Mail all recognise as an invitation)::

    multipart/mixed
      multipart/alternative
        text/plain                          the human text with the join link
        text/html                           the same, the join link as a button
        text/calendar; method=REQUEST       inline: clients show Accept / Decline
      text/calendar; method=REQUEST         invite.ics attachment, for everything else

Each side is told about the other: the candidate who their interviewer is (never their own
name, as if they were meeting themselves), the interviewer who the candidate is; the candidate
also what to prepare (a browser, a camera and microphone, the language when it is fixed).

Sending never raises: a failure is logged and reported as ``False`` so the caller can store
``invitation_sent`` and answer normally — the schedule is already committed by then.
"""

from __future__ import annotations

import html
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


@dataclass(frozen=True, slots=True)
class Wording:
    """What one recipient's mail says, built once and rendered as text and as HTML."""

    greeting: str
    lead: str
    when: str | None
    button: tuple[str, str] | None
    """(label, url) of the main link, shown as a button in HTML."""
    facts: tuple[tuple[str, str], ...]
    """Further links, (label, url)."""
    prepare_title: str | None
    prepare: tuple[str, ...]
    closing: str


def _wording(
    slot: Slot,
    recipient: Recipient,
    method: InviteMethod,
    links: Links,
    organizer: Organizer,
    language: str | None,
) -> Wording:
    schedule, interview = slot.schedule, slot.interview
    when = describe_time(schedule.starts_at, schedule.duration_minutes, schedule.timezone)
    greeting = f"Hello {recipient.name}," if recipient.name else "Hello,"
    interviewer = organizer.name or organizer.email
    if method is InviteMethod.CANCEL:
        with_whom = (
            f" with {interviewer}"
            if recipient.role == "candidate"
            else f" with {interview.candidate_name}"
        )
        return Wording(
            greeting,
            f"The interview “{interview.title}”{with_whom} planned for {when} has been "
            "cancelled. Your calendar should remove the event automatically.",
            None,
            None,
            (),
            None,
            (),
            "",
        )
    changed = "has been moved to" if schedule.sequence > 0 else "is planned for"
    if recipient.role == "candidate":
        prepare = [
            "A recent browser (Chrome, Edge, Firefox or Safari) on a computer; "
            "you need no account and nothing to install.",
            "A camera and a microphone: the join page lets you check them before you enter.",
            "A quiet place and a steady connection for the length of the interview.",
        ]
        if language:
            prepare.append(f"The interview uses {language}; the editor is set up for it.")
        return Wording(
            greeting,
            f"{interviewer} invites you to the interview “{interview.title}”. It {changed}:",
            when,
            ("Join the interview", links.join_url),
            (),
            "What to prepare",
            tuple(prepare),
            "Open the link at the start time. If you are early, you wait in a lobby until "
            f"{interviewer} joins. You will share a code editor, video and chat.",
        )
    return Wording(
        greeting,
        f"The interview “{interview.title}” with {interview.candidate_name} {changed}:",
        when,
        ("Open your room", links.room_url),
        (
            ("The candidate's join link", links.join_url),
            ("The record and your private notes", links.record_url),
        ),
        None,
        (f"The interview uses {language}.",) if language else (),
        "Open your room a few minutes early: the candidate waits in the lobby until you are in.",
    )


def _text(wording: Wording) -> str:
    lines = [wording.greeting, "", wording.lead]
    if wording.when:
        lines.append(f"  {wording.when}")
    if wording.button:
        label, url = wording.button
        link_name = "Join link" if label.startswith("Join") else "Your room"
        lines += ["", f"{link_name}: {url}"]
    lines += [f"{label}: {url}" for label, url in wording.facts]
    if wording.prepare:
        lines.append("")
        if wording.prepare_title:
            lines.append(f"{wording.prepare_title}:")
        lines += [f"- {item}" for item in wording.prepare]
    if wording.closing:
        lines += ["", wording.closing]
    return "\n".join([*lines, "", "— Onsite", ""])


BUTTON_STYLE = (
    "display:inline-block;background:#2563eb;color:#ffffff;padding:12px 22px;"
    "border-radius:6px;text-decoration:none;font-weight:600;font-size:16px"
)


def _html(wording: Wording) -> str:
    """Plain, inline-styled HTML (mail clients drop style sheets); every value escaped."""
    e = html.escape
    parts = [
        '<!doctype html><html><body style="margin:0;padding:24px;background:#f5f6f8;'
        'font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2328">',
        '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:10px;'
        'padding:28px">',
        f'<p style="margin:0 0 12px">{e(wording.greeting)}</p>',
        f'<p style="margin:0 0 8px">{e(wording.lead)}</p>',
    ]
    if wording.when:
        parts.append(f'<p style="margin:0 0 20px;font-weight:600">{e(wording.when)}</p>')
    if wording.button:
        label, url = wording.button
        parts.append(
            f'<p style="margin:0 0 20px"><a href="{e(url)}" style="{BUTTON_STYLE}">'
            f"{e(label)}</a></p>"
            f'<p style="margin:0 0 20px;font-size:13px;color:#57606a">Or open this link: '
            f'<a href="{e(url)}" style="color:#2563eb">{e(url)}</a></p>'
        )
    for label, url in wording.facts:
        parts.append(
            f'<p style="margin:0 0 8px;font-size:14px">{e(label)}: '
            f'<a href="{e(url)}" style="color:#2563eb">{e(url)}</a></p>'
        )
    if wording.prepare:
        if wording.prepare_title:
            parts.append(
                f'<h2 style="font-size:16px;margin:20px 0 8px">{e(wording.prepare_title)}</h2>'
            )
        parts.append('<ul style="margin:0 0 16px;padding-left:20px">')
        parts += [f'<li style="margin:0 0 6px">{e(item)}</li>' for item in wording.prepare]
        parts.append("</ul>")
    if wording.closing:
        parts.append(f'<p style="margin:16px 0 0">{e(wording.closing)}</p>')
    parts.append('<p style="margin:24px 0 0;color:#57606a;font-size:13px">— Onsite</p>')
    parts.append("</div></body></html>")
    return "".join(parts)


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
    language: str | None = None,
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
        wording = _wording(slot, recipient, method, links, organizer, language)
        message = mailer.compose(
            recipient.email,
            _subject(method, schedule.sequence, interview.title),
            _text(wording),
            _html(wording),
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
    language: str | None = None,
) -> bool:
    """Sends to the candidate and the interviewer; ``True`` only if every message went out.
    ``language`` names the interview's language ("Python 3.13") when it is fixed."""
    try:
        messages = build_messages(mailer, slot, organizer, method, links, language=language)
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
