"""REST for interview slots: ``/api/schedules`` (list, create, reschedule, cancel).

A mutating handler ends with ``service.commit_and_invite``: the schedule is committed first and
only then is the invitation mailed, so a mail server that is down costs the invitation
(``invitation_sent: false``), never the schedule.
"""

from __future__ import annotations

from quart import Blueprint
from quart_schema import validate_querystring, validate_request, validate_response
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.auth import require_user
from server.accounts.models import User
from server.interviews import service as interviews
from server.kit.db import current_session
from server.kit.errors import documents_errors
from server.kit.state import get_state
from server.organization import service as organization
from server.schedules import service
from server.schedules.calendar import InviteMethod
from server.schedules.models import ScheduleStatus
from server.schedules.schemas import (
    ScheduleCreate,
    ScheduleList,
    ScheduleListQuery,
    ScheduleOut,
    ScheduleUpdate,
)

blueprint = Blueprint("schedules", __name__, url_prefix="/api/schedules")


def schedule_out(slot: service.Slot) -> ScheduleOut:
    schedule, interview = slot.schedule, slot.interview
    return ScheduleOut(
        id=schedule.id,
        interview_id=interview.id,
        title=interview.title,
        candidate_name=interview.candidate_name,
        candidate_email=schedule.candidate_email,
        interviewer_email=schedule.interviewer_email,
        starts_at=schedule.starts_at,
        ends_at=schedule.ends_at,
        duration_minutes=schedule.duration_minutes,
        timezone=schedule.timezone,
        status=ScheduleStatus(schedule.status),
        sequence=schedule.sequence,
        ical_uid=schedule.ical_uid,
        join_url=interviews.join_url(get_state().settings.server.public_url, interview.join_code),
        invitation_sent=schedule.invitation_sent,
        interview_status=interview.status,
        actions=service.slot_actions(slot),
        created_at=schedule.created_at,
        updated_at=schedule.updated_at,
    )


async def _commit_then_mail(
    session: AsyncSession, slot: service.Slot, owner: User, method: InviteMethod
) -> ScheduleOut:
    state = get_state()
    await service.commit_and_invite(
        session,
        state.mailer,
        state.settings.server.public_url,
        slot,
        owner,
        method,
        _language_label(slot.interview.language),
    )
    return schedule_out(slot)


def _language_label(language_id: str | None) -> str | None:
    """The catalogue's name and version of a fixed language ("Python 3.13"), for the mail."""
    if not language_id:
        return None
    for language in get_state().run_engine.languages():
        if language.id == language_id:
            return f"{language.name} {language.version}"
    return language_id


@blueprint.get("")
@validate_querystring(ScheduleListQuery)
@validate_response(ScheduleList, 200)
@documents_errors(400, 401, 403)
async def list_schedules(query_args: ScheduleListQuery) -> ScheduleList:
    """Your slots, soonest first; ``upcoming=true`` keeps active ones that have not ended."""
    user = await require_user()
    slots = await service.list_schedules(current_session(), user.id, upcoming=query_args.upcoming)
    return ScheduleList(items=[schedule_out(slot) for slot in slots])


@blueprint.post("")
@validate_request(ScheduleCreate)
@validate_response(ScheduleOut, 201)
@documents_errors(400, 401, 403, 404, 409, 429)
async def create_schedule(data: ScheduleCreate) -> tuple[ScheduleOut, int]:
    """Creates the slot (and the record) and mails the invitation to candidate and interviewer.
    The server mails a stranger here, so only to the domains the admin allows for invitations
    (403 ``address_not_allowed``), or up to a daily cap per account (429)."""
    user = await require_user()
    interviews.check_language(data.language, get_state().run_engine.languages())
    session = current_session()
    if data.candidate_email:
        settings = get_state().settings
        await organization.check_mail_allowed(session, settings, user, str(data.candidate_email))
        await organization.audit(
            session,
            organization.AuditAction.CANDIDATE_MAIL_SENT,
            actor=user,
            origin=organization.request_origin(),
            details={"kind": "schedule invitation"},
        )
    slot = await service.schedule_interview(
        session, user, data, public_url=get_state().settings.server.public_url
    )
    return await _commit_then_mail(session, slot, user, InviteMethod.REQUEST), 201


@blueprint.get("/<schedule_id>")
@validate_response(ScheduleOut, 200)
@documents_errors(401, 403, 404)
async def get_schedule(schedule_id: str) -> ScheduleOut:
    user = await require_user()
    return schedule_out(await service.get_schedule(current_session(), user.id, schedule_id))


@blueprint.patch("/<schedule_id>")
@validate_request(ScheduleUpdate)
@validate_response(ScheduleOut, 200)
@documents_errors(400, 401, 403, 404, 409)
async def reschedule(schedule_id: str, data: ScheduleUpdate) -> ScheduleOut:
    """Moves the slot; the updated invitation (same UID, higher SEQUENCE) is mailed again."""
    user = await require_user()
    session = current_session()
    slot = await service.reschedule(session, user.id, schedule_id, data)
    return await _commit_then_mail(session, slot, user, InviteMethod.REQUEST)


@blueprint.post("/<schedule_id>/cancel")
@validate_response(ScheduleOut, 200)
@documents_errors(401, 403, 404, 409)
async def cancel_schedule(schedule_id: str) -> ScheduleOut:
    """Cancels the slot and the record; mails METHOD:CANCEL so calendars drop the event."""
    user = await require_user()
    session = current_session()
    slot = await service.cancel(session, user.id, schedule_id)
    return await _commit_then_mail(session, slot, user, InviteMethod.CANCEL)
