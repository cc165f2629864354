"""REST for the room: the public join page and token, the QR codes, playback, the interview's
questions and the activity its room recorded.

Joining is public (the join code is the secret); the QR codes and the playback are for the
interview's owner only, and another owner's id answers 404.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from quart import Blueprint, Response
from quart_schema import validate_querystring, validate_request, validate_response

from server.accounts.auth import require_user
from server.kit.db import current_session, unit_of_work
from server.kit.errors import documents_errors
from server.kit.state import get_state
from server.rooms import service
from server.rooms.models import RoomQuestion
from server.rooms.schemas import (
    ActivityList,
    ActivityOut,
    InterviewEnded,
    InterviewQuestionList,
    InterviewQuestionOut,
    InterviewQuestionsIn,
    JoinInfo,
    JoinLink,
    JoinRequest,
    JoinToken,
    Playback,
    PlaybackQuery,
    PlaybackUpdate,
)

blueprint = Blueprint("rooms", __name__, url_prefix="/api")


@blueprint.get("/join/<code>")
@validate_response(JoinInfo, 200)
@documents_errors(404)
async def join_info(code: str) -> JoinInfo:
    """What the join page shows before the candidate enters a name."""
    return JoinInfo(**await service.describe_join(current_session(), code))


@blueprint.post("/join/<code>")
@validate_request(JoinRequest)
@validate_response(JoinToken, 200)
@documents_errors(400, 404, 409, 429)
async def join(code: str, data: JoinRequest) -> JoinToken:
    """A token for this room only, for the candidate's display name (409 once it has ended;
    429 once the link has issued ``[rooms] max_candidate_tokens``: a new link starts afresh)."""
    granted = await service.join_as_candidate(
        current_session(), code, data.name, get_state().settings, data.previous_token
    )
    return JoinToken(
        token=granted.token,
        interview_id=granted.interview_id,
        participant_id=granted.participant_id,
    )


async def _owned_join_url(interview_id: str) -> str:
    user = await require_user()
    public_url = get_state().settings.server.public_url
    return await service.owned_join_url(current_session(), user.id, interview_id, public_url)


@blueprint.post("/interviews/<interview_id>/join-link/rotate")
@validate_response(JoinLink, 200)
@documents_errors(401, 403, 404, 409)
async def rotate_join_link(interview_id: str) -> JoinLink:
    """A new join link: the old one, and every candidate token issued from it, stop working, and
    candidates in the room are disconnected (they rejoin through the new link)."""
    user = await require_user()
    state = get_state()
    # Committed before anyone is sent away, so a candidate reconnecting at once is refused.
    async with unit_of_work(state.sessions) as session:
        url = await service.rotate_join_link(
            session, user.id, interview_id, state.settings.server.public_url
        )
    await service.send_candidates_away(
        state,
        interview_id,
        "link_rotated",
        "the interviewer replaced the join link; ask them for the new one",
    )
    return JoinLink(join_url=url)


@blueprint.post("/interviews/<interview_id>/end")
@validate_response(InterviewEnded, 200)
@documents_errors(401, 403, 404, 409)
async def end_interview(interview_id: str) -> InterviewEnded:
    """Ends the interview as the room's End button does: a live room (on whichever server
    process owns it) saves its final code, tells everyone ``room:ended`` and becomes read-only;
    with no live room the record is completed with the code its room last saved."""
    user = await require_user()
    state = get_state()
    async with unit_of_work(state.sessions) as session:
        await service.check_can_end(session, user.id, interview_id)
    if await service.end_live_room(state, interview_id):
        return InterviewEnded(status="completed", live=True)
    async with unit_of_work(state.sessions) as session:
        await service.complete_without_room(session, user.id, interview_id)
    return InterviewEnded(status="completed", live=False)


@blueprint.get("/interviews/<interview_id>/qr.png")
@documents_errors(401, 404)
async def qr_png(interview_id: str) -> Response:
    """The join link as a PNG QR code, to show on a screen or print."""
    url = await _owned_join_url(interview_id)
    buffer = io.BytesIO()
    qrcode.make(url, box_size=8, border=2).save(buffer)
    return Response(buffer.getvalue(), mimetype="image/png", headers={"Cache-Control": "no-store"})


@blueprint.get("/interviews/<interview_id>/qr.svg")
@documents_errors(401, 404)
async def qr_svg(interview_id: str) -> Response:
    url = await _owned_join_url(interview_id)
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(
        buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


@blueprint.get("/interviews/<interview_id>/playback")
@validate_querystring(PlaybackQuery)
@validate_response(Playback, 200)
@documents_errors(400, 401, 404)
async def playback(interview_id: str, query_args: PlaybackQuery) -> Playback:
    """The update log, oldest first: apply each update to a fresh Y.Doc to replay the interview.
    A page holds at most ``limit`` rows and about ``[rooms] playback_page_bytes`` of updates;
    pass ``next_after`` as ``after`` for the next one."""
    user = await require_user()
    data = await service.playback(
        current_session(),
        user.id,
        interview_id,
        query_args.doc,
        query_args.after,
        query_args.limit,
        get_state().settings.rooms.playback_page_bytes,
    )
    return Playback(
        interview_id=data["interview_id"],
        doc=data["doc"],
        next_after=data["next_after"],
        updates=[
            PlaybackUpdate(**{**u, "update": base64.b64encode(u["update"]).decode()})
            for u in data["updates"]
        ],
    )


def _question_out(row: RoomQuestion) -> InterviewQuestionOut:
    spec = service.spec_of(row)
    content = spec.content
    summary = spec.summary()
    return InterviewQuestionOut(
        question_id=row.question_id,
        revision=row.revision,
        title=spec.title,
        prompt=str(content.get("prompt", "")),
        guide=str(content.get("guide", "")),
        starters=dict(content.get("starters") or {}),
        test_count=summary["test_count"],
        hidden_test_count=summary["hidden_test_count"],
        loaded_at=row.loaded_at,
    )


@blueprint.get("/interviews/<interview_id>/questions")
@validate_response(InterviewQuestionList, 200)
@documents_errors(401, 404)
async def list_interview_questions(interview_id: str) -> InterviewQuestionList:
    """The questions picked for this interview, each as frozen at its revision."""
    user = await require_user()
    rows = await service.interview_questions(current_session(), user.id, interview_id)
    return InterviewQuestionList(items=[_question_out(row) for row in rows])


@blueprint.put("/interviews/<interview_id>/questions")
@validate_request(InterviewQuestionsIn)
@validate_response(InterviewQuestionList, 200)
@documents_errors(400, 401, 404)
async def set_interview_questions(
    interview_id: str, data: InterviewQuestionsIn
) -> InterviewQuestionList:
    """Pick the interview's questions (when scheduling, or later). A new one is frozen at its
    current revision; one already picked keeps its revision. 404 for a question you cannot see."""
    user = await require_user()
    rows = await service.set_interview_questions(
        current_session(), user.id, interview_id, data.question_ids
    )
    return InterviewQuestionList(items=[_question_out(row) for row in rows])


@blueprint.get("/interviews/<interview_id>/activity")
@validate_response(ActivityList, 200)
@documents_errors(401, 404)
async def list_activity(interview_id: str) -> ActivityList:
    """What the room's clients reported (pastes by size, leaving and returning), oldest first."""
    user = await require_user()
    rows = await service.activity(current_session(), user.id, interview_id)
    return ActivityList(
        items=[
            ActivityOut(
                kind=row.kind,
                author_name=row.author_name,
                author_role=row.author_role,
                detail=dict(row.detail),
                created_at=row.created_at,
            )
            for row in rows
        ]
    )
