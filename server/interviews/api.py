"""REST for interview records: list, create, read, change, bin, restore, purge, and the panel
(co-interviewers, each mailed an invitation when added).

Each handler authenticates, lets quart-schema validate the body or query string, calls one
service function and shapes the answer; the request boundary commits.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from quart import Blueprint
from quart_schema import (
    document_response,
    validate_querystring,
    validate_request,
    validate_response,
)

from server.accounts.auth import require_user
from server.interviews import service
from server.interviews.models import Interview, InterviewMessage, InterviewRun
from server.interviews.repository import Page
from server.interviews.schemas import (
    BinListQuery,
    ChatMessageOut,
    CoInterviewerIn,
    CoInterviewerList,
    CoInterviewerOut,
    InterviewCreate,
    InterviewDetail,
    InterviewListQuery,
    InterviewPage,
    InterviewStatus,
    InterviewSummary,
    InterviewUpdate,
    Recommendation,
    RunOut,
)
from server.kit.db import current_session
from server.kit.errors import documents_errors
from server.kit.openapi import NoContent
from server.kit.state import get_state
from server.organization import service as organization
from server.rooms import service as rooms
from server.schedules import service as schedules

blueprint = Blueprint("interviews", __name__, url_prefix="/api/interviews")
log = logging.getLogger(__name__)


def check_language(language: str | None) -> None:
    service.check_language(language, get_state().run_engine.languages())


def summary_of(interview: Interview, viewer_id: str) -> InterviewSummary:
    return InterviewSummary(
        role="owner" if interview.owner_id == viewer_id else "co_interviewer",
        id=interview.id,
        title=interview.title,
        candidate_name=interview.candidate_name,
        candidate_email=interview.candidate_email,
        position=interview.position,
        status=InterviewStatus(interview.status),
        recommendation=Recommendation(interview.recommendation)
        if interview.recommendation
        else None,
        scheduled_at=interview.scheduled_at,
        language=interview.language,
        tags=list(interview.tags or []),
        join_code=interview.join_code,
        join_url=service.join_url(get_state().settings.server.public_url, interview.join_code),
        created_at=interview.created_at,
        updated_at=interview.updated_at,
        deleted_at=interview.deleted_at,
    )


def detail_of(
    interview: Interview,
    chat: Sequence[InterviewMessage],
    runs: Sequence[InterviewRun],
    viewer_id: str,
) -> InterviewDetail:
    return InterviewDetail(
        **summary_of(interview, viewer_id).model_dump(),
        final_code=interview.final_code,
        notes=interview.notes,
        started_at=interview.started_at,
        ended_at=interview.ended_at,
        chat=[
            ChatMessageOut(
                author_name=m.author_name,
                author_role=m.author_role,
                text=m.text,
                sent_at=m.sent_at,
            )
            for m in chat
        ],
        runs=[
            RunOut(
                started_by=r.started_by,
                language=r.language,
                stdin=r.stdin,
                source=r.source,
                result=r.result,
                created_at=r.created_at,
            )
            for r in runs
        ],
    )


def page_of(page: Page, number: int, per_page: int, viewer_id: str) -> InterviewPage:
    return InterviewPage(
        items=[summary_of(i, viewer_id) for i in page.items],
        total=page.total,
        page=number,
        per_page=per_page,
    )


@blueprint.get("")
@validate_querystring(InterviewListQuery)
@validate_response(InterviewPage, 200)
@documents_errors(400, 401, 403)
async def list_interviews(query_args: InterviewListQuery) -> InterviewPage:
    """Your interviews and those you are a co-interviewer of (``role`` says which; not the
    bin): filter by role, status and verdict, search, sort, page."""
    user = await require_user()
    page = await service.list_interviews(current_session(), user.id, query_args)
    return page_of(page, query_args.page, query_args.per_page, user.id)


@blueprint.post("")
@validate_request(InterviewCreate)
@validate_response(InterviewDetail, 201)
@documents_errors(400, 401, 403)
async def create_interview(data: InterviewCreate) -> tuple[InterviewDetail, int]:
    user = await require_user()
    check_language(data.language)
    interview = await service.create_interview(current_session(), user.id, data)
    return detail_of(interview, [], [], user.id), 201


@blueprint.get("/bin")
@validate_querystring(BinListQuery)
@validate_response(InterviewPage, 200)
@documents_errors(400, 401, 403)
async def list_bin(query_args: BinListQuery) -> InterviewPage:
    """Interviews moved to the bin, most recently deleted first."""
    user = await require_user()
    page = await service.list_bin(
        current_session(), user.id, page=query_args.page, per_page=query_args.per_page
    )
    return page_of(page, query_args.page, query_args.per_page, user.id)


async def _detail(owner_id: str, interview_id: str) -> InterviewDetail:
    record = await service.get_interview(current_session(), owner_id, interview_id)
    return detail_of(record.interview, record.chat, record.runs, owner_id)


@blueprint.get("/<interview_id>")
@validate_response(InterviewDetail, 200)
@documents_errors(401, 403, 404)
async def get_interview(interview_id: str) -> InterviewDetail:
    """The full record: final code, notes, chat transcript, runs."""
    user = await require_user()
    return await _detail(user.id, interview_id)


@blueprint.patch("/<interview_id>")
@validate_request(InterviewUpdate)
@validate_response(InterviewDetail, 200)
@documents_errors(400, 401, 403, 404, 409)
async def update_interview(interview_id: str, data: InterviewUpdate) -> InterviewDetail:
    """Change some fields; only the keys sent change, ``null`` clears an optional one."""
    user = await require_user()
    check_language(data.language)
    await schedules.update_interview(current_session(), user.id, interview_id, data)
    return await _detail(user.id, interview_id)


@blueprint.delete("/<interview_id>")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404, 409)
async def move_to_bin(interview_id: str) -> tuple[str, int]:
    """Moves the record to the bin (it can be restored). A slot still to come is cancelled and
    METHOD:CANCEL mailed, so the candidate is not left with a live invitation; restoring sends
    nothing. A mail failure is logged and does not undo the delete."""
    user = await require_user()
    state = get_state()
    await schedules.move_interview_to_bin(
        current_session(), state.mailer, state.settings.server.public_url, user, interview_id
    )
    return "", 204


@blueprint.post("/<interview_id>/restore")
@validate_response(InterviewDetail, 200)
@documents_errors(401, 403, 404, 409)
async def restore_interview(interview_id: str) -> InterviewDetail:
    user = await require_user()
    await service.restore_interview(current_session(), user.id, interview_id)
    return await _detail(user.id, interview_id)


@blueprint.delete("/<interview_id>/purge")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404, 409)
async def purge_interview(interview_id: str) -> tuple[str, int]:
    """Deletes for good, only from the bin; chat, runs and schedules go with it."""
    user = await require_user()
    session = current_session()
    await service.purge_interview(session, user.id, interview_id, _close_room)
    await organization.audit(
        session,
        organization.AuditAction.RECORD_PURGED,
        actor=user,
        origin=organization.request_origin(),
        target=f"interview:{interview_id}",
    )
    return "", 204


async def _close_room(interview_id: str) -> None:
    await rooms.close_live_rooms(
        get_state(), [interview_id], "interview_deleted", "This interview was deleted."
    )


@blueprint.get("/<interview_id>/interviewers")
@validate_response(CoInterviewerList, 200)
@documents_errors(401, 403, 404)
async def list_co_interviewers(interview_id: str) -> CoInterviewerList:
    """The panel: the interviewers the owner added (the owner and the panel may read it)."""
    user = await require_user()
    people = await service.panel_of(current_session(), user.id, interview_id)
    return CoInterviewerList(
        items=[
            CoInterviewerOut(user_id=row.user_id, name=name, email=email, added_at=row.added_at)
            for row, name, email in people
        ]
    )


@blueprint.post("/<interview_id>/interviewers")
@validate_request(CoInterviewerIn)
@validate_response(CoInterviewerOut, 201)
@documents_errors(400, 401, 403, 404)
async def add_co_interviewer(
    interview_id: str, data: CoInterviewerIn
) -> tuple[CoInterviewerOut, int]:
    """Adds an interviewer of this server (by account e-mail) to the panel and mails them the
    room and record links. They open the room as an interviewer and fill their own scorecard."""
    user = await require_user()
    interview, row, name, email = await service.add_co_interviewer_by_email(
        current_session(), user.id, interview_id, data.email
    )
    state = get_state()
    public_url = state.settings.server.public_url
    text = (
        f'{user.name} added you to the interview panel of "{interview.title}" '
        f"with {interview.candidate_name}.\n\n"
        f"Room: {service.room_url(public_url, interview.id)}\n"
        f"Record and scorecard: {service.record_url(public_url, interview.id)}\n"
    )
    try:
        await state.mailer.send(
            state.mailer.compose(email, f"Interview panel: {interview.title}", text)
        )
    except Exception:
        log.exception("the panel invitation to %s could not be sent", email)
    return CoInterviewerOut(user_id=row.user_id, name=name, email=email, added_at=row.added_at), 201


@blueprint.delete("/<interview_id>/interviewers/<user_id>")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404)
async def remove_co_interviewer(interview_id: str, user_id: str) -> tuple[str, int]:
    user = await require_user()
    await service.remove_co_interviewer(current_session(), user.id, interview_id, user_id)
    return "", 204
