"""Creating, moving and cancelling interview slots, and the records' changes that touch them.

These functions change the database only (and only flush), with one deliberate exception:
``commit_and_invite`` commits the slot before it mails the invitation, so a mail server that is
down or slow can never lose or hold up a schedule — the outcome is then stored with
``record_invitation_result`` (``invitation_sent``). Every workflow that mails an invitation
(create, reschedule, cancel, moving a record to the bin) ends through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.models import User
from server.interviews import service as interviews
from server.interviews.models import Interview
from server.interviews.schemas import InterviewStatus, InterviewUpdate
from server.interviews.service import InterviewInBinError
from server.kit.db import new_id, utcnow
from server.kit.errors import BadRequestError, ConflictError, NotFoundError
from server.kit.mail import Mailer
from server.schedules import repository
from server.schedules.calendar import InviteMethod
from server.schedules.invitations import Organizer, links_for, send_invitations
from server.schedules.models import Schedule, ScheduleStatus, Slot
from server.schedules.schemas import ScheduleAction, ScheduleCreate, ScheduleUpdate

__all__ = ["Slot"]


class ScheduleNotFoundError(NotFoundError):
    code = "schedule_not_found"

    def __init__(self, message: str = "No such schedule.") -> None:
        super().__init__(message)


class StartsInPastError(BadRequestError):
    code = "starts_in_past"

    def __init__(self) -> None:
        super().__init__("starts_at must be in the future.")


class MissingFieldsError(BadRequestError):
    code = "missing_fields"


class ScheduleCancelledError(ConflictError):
    code = "schedule_cancelled"


class AlreadyScheduledError(ConflictError):
    code = "already_scheduled"


class InterviewStartedError(ConflictError):
    code = "interview_started"


class RescheduleInsteadError(ConflictError):
    code = "reschedule_instead"


def ical_uid_for(schedule_id: str, public_url: str) -> str:
    """Globally unique and fixed for the slot's life (RFC 5545 suggests ``id@host``)."""
    host = urlsplit(public_url).hostname or "onsite"
    return f"{schedule_id}@{host}"


def _require_future(starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise StartsInPastError()


def slot_actions(slot: Slot) -> list[ScheduleAction]:
    """What the Schedule page offers for a slot, decided by the same rules that refuse the
    requests (``reschedule``, ``cancel``), so a button is never offered only to fail."""
    schedule, interview = slot.schedule, slot.interview
    if schedule.status == ScheduleStatus.CANCELLED.value or interview.deleted_at is not None:
        return []
    if interview.status in (InterviewStatus.COMPLETED.value, InterviewStatus.CANCELLED.value):
        return []
    if interview.status == InterviewStatus.IN_PROGRESS.value:
        return ["open_room"]
    return ["open_room", "reschedule", "cancel"]


def _refuse_if_started(interview: Interview) -> None:
    if interview.status in (InterviewStatus.IN_PROGRESS.value, InterviewStatus.COMPLETED.value):
        raise InterviewStartedError(
            f"The interview is {interview.status.replace('_', ' ')}; its slot cannot change."
        )


async def _interview_for_new_slot(
    session: AsyncSession, owner: User, data: ScheduleCreate
) -> Interview:
    if data.interview_id is None:
        missing = [
            name
            for name in ("title", "candidate_name", "candidate_email")
            if getattr(data, name) is None
        ]
        if missing:
            raise MissingFieldsError(
                "Give interview_id, or title, candidate_name and candidate_email: missing "
                + ", ".join(missing)
                + "."
            )
        assert data.title is not None and data.candidate_name is not None
        return await interviews.add_interview(
            session,
            owner.id,
            title=data.title,
            candidate_name=data.candidate_name,
            candidate_email=str(data.candidate_email),
            position=data.position or None,
            language=data.language,
        )

    found = await interviews.owned_interview(session, owner.id, data.interview_id, which="live")
    _refuse_if_started(found)
    if await repository.active_for_interview(session, found.id) is not None:
        raise AlreadyScheduledError(
            "The interview already has a slot; reschedule or cancel it instead."
        )
    for name in ("title", "candidate_name", "position", "language"):
        value = getattr(data, name)
        if value is not None:
            setattr(found, name, value)
    if data.candidate_email is not None:
        found.candidate_email = str(data.candidate_email)
    if not found.candidate_email:
        raise MissingFieldsError("The interview has no candidate_email; give one.")
    found.status = InterviewStatus.SCHEDULED.value
    found.refresh_search_text()
    return found


async def schedule_interview(
    session: AsyncSession, owner: User, data: ScheduleCreate, *, public_url: str
) -> Slot:
    """Creates the slot (and the record, unless ``interview_id`` names an existing one)."""
    now = utcnow()
    _require_future(data.starts_at, now)
    interview = await _interview_for_new_slot(session, owner, data)
    starts_at = data.starts_at.astimezone(UTC)
    interview.scheduled_at = starts_at
    interview.updated_at = now
    schedule_id = new_id()
    schedule = Schedule(
        id=schedule_id,
        interview_id=interview.id,
        owner_id=owner.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=data.duration_minutes),
        duration_minutes=data.duration_minutes,
        timezone=data.timezone,
        candidate_email=str(interview.candidate_email),
        interviewer_email=str(data.interviewer_email or owner.email),
        ical_uid=ical_uid_for(schedule_id, public_url),
        sequence=0,
        status=ScheduleStatus.ACTIVE.value,
        invitation_sent=False,
    )
    await repository.add(session, schedule)
    return Slot(schedule, interview)


async def list_schedules(session: AsyncSession, owner_id: str, *, upcoming: bool) -> Sequence[Slot]:
    rows = await repository.list_owned(
        session, owner_id, ending_after=utcnow() if upcoming else None
    )
    return [Slot(schedule, interview) for schedule, interview in rows]


async def _owned(
    session: AsyncSession, owner_id: str, schedule_id: str, *, for_update: bool = False
) -> Slot:
    found = await repository.get_owned(session, owner_id, schedule_id, for_update=for_update)
    if found is None:
        raise ScheduleNotFoundError()
    return Slot(*found)


async def get_schedule(session: AsyncSession, owner_id: str, schedule_id: str) -> Slot:
    return await _owned(session, owner_id, schedule_id)


async def reschedule(
    session: AsyncSession, owner_id: str, schedule_id: str, data: ScheduleUpdate
) -> Slot:
    """New time (and length/zone); ``SEQUENCE`` goes up so calendars replace the old event."""
    slot = await _owned(session, owner_id, schedule_id, for_update=True)
    schedule, interview = slot.schedule, slot.interview
    if schedule.status == ScheduleStatus.CANCELLED.value:
        raise ScheduleCancelledError("The slot was cancelled; schedule a new one instead.")
    if interview.deleted_at is not None:
        raise InterviewInBinError("The interview is in the bin; restore it first.")
    _refuse_if_started(interview)
    now = utcnow()
    _require_future(data.starts_at, now)
    if data.duration_minutes is not None:
        schedule.duration_minutes = data.duration_minutes
    if data.timezone is not None:
        schedule.timezone = data.timezone
    schedule.starts_at = data.starts_at.astimezone(UTC)
    schedule.ends_at = schedule.starts_at + timedelta(minutes=schedule.duration_minutes)
    await repository.bump_sequence(session, schedule)
    schedule.invitation_sent = False
    schedule.updated_at = now
    interview.scheduled_at = schedule.starts_at
    interview.updated_at = now
    await session.flush()
    return slot


async def cancel(session: AsyncSession, owner_id: str, schedule_id: str) -> Slot:
    """Cancels the slot and the record (``cancelled``); works for a binned record too, so the
    candidate's calendar can still be cleaned up."""
    slot = await _owned(session, owner_id, schedule_id, for_update=True)
    schedule, interview = slot.schedule, slot.interview
    if schedule.status == ScheduleStatus.CANCELLED.value:
        raise ScheduleCancelledError("The slot is already cancelled.")
    _refuse_if_started(interview)
    now = utcnow()
    schedule.status = ScheduleStatus.CANCELLED.value
    await repository.bump_sequence(session, schedule)
    schedule.invitation_sent = False
    schedule.updated_at = now
    interview.status = InterviewStatus.CANCELLED.value
    interview.updated_at = now
    await session.flush()
    return slot


async def cancel_slot_of_binned(
    session: AsyncSession, owner_id: str, interview_id: str
) -> Slot | None:
    """A record moved to the bin must not leave the candidate holding a live invitation: its
    active slot is cancelled (and the record with it) so the caller can mail METHOD:CANCEL.
    ``None`` when there is nothing to call off: no active slot, or the interview already
    started (its slot is history, not an invitation). Restoring the record later sends
    nothing; the interviewer schedules it anew."""
    active = await repository.active_for_interview(session, interview_id)
    if active is None:
        return None
    slot = await _owned(session, owner_id, active.id, for_update=True)
    if slot.schedule.status != ScheduleStatus.ACTIVE.value or slot.interview.status in (
        InterviewStatus.IN_PROGRESS.value,
        InterviewStatus.COMPLETED.value,
    ):
        return None
    return await cancel(session, owner_id, active.id)


async def has_active_slot(session: AsyncSession, interview_id: str) -> bool:
    """Whether an invitation is out for this record (its time then belongs to the slot)."""
    return await repository.active_for_interview(session, interview_id) is not None


async def record_invitation_result(session: AsyncSession, slot: Slot, sent: bool) -> None:
    slot.schedule.invitation_sent = sent
    await session.flush()


async def commit_and_invite(
    session: AsyncSession,
    mailer: Mailer,
    public_url: str,
    slot: Slot,
    owner: User,
    method: InviteMethod,
    language: str | None = None,
) -> Slot:
    """Commits what the caller changed, then mails the invitation (``method``) and stores
    whether it went out. The commit comes first so a mail failure costs the invitation
    (``invitation_sent`` false), never the schedule; sending itself never raises."""
    await session.commit()
    links = links_for(public_url, slot.interview.join_code, slot.interview.id)
    organizer = Organizer(email=owner.email, name=owner.name)
    sent = await send_invitations(mailer, slot, organizer, method, links, language)
    await record_invitation_result(session, slot, sent)
    return slot


async def move_interview_to_bin(
    session: AsyncSession, mailer: Mailer, public_url: str, owner: User, interview_id: str
) -> None:
    """Moves the record to the bin; a slot still to come is cancelled and METHOD:CANCEL
    mailed, so the candidate is not left with a live invitation. A mail failure is logged and
    does not undo the delete. Restoring sends nothing."""
    await interviews.move_to_bin(session, owner.id, interview_id)
    slot = await cancel_slot_of_binned(session, owner.id, interview_id)
    if slot is not None:
        await commit_and_invite(session, mailer, public_url, slot, owner, InviteMethod.CANCEL)


async def update_interview(
    session: AsyncSession, owner_id: str, interview_id: str, data: InterviewUpdate
) -> None:
    """A record's fields change here rather than in the interviews slice alone, because once
    an invitation is out its time belongs to the slot: ``scheduled_at`` is then refused (409
    ``reschedule_instead``) so the calendars are updated too. The check runs after the owner
    check (a stranger gets 404 first); the error rolls the change back."""
    await interviews.update_interview(session, owner_id, interview_id, data)
    if "scheduled_at" in data.model_fields_set and await has_active_slot(session, interview_id):
        raise RescheduleInsteadError(
            "The interview has a slot with invitations out; reschedule it through "
            "/api/schedules so the calendars are updated too."
        )
