"""REST for the room: the public join page and token, the QR codes, and playback.

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
from server.kit.db import current_session
from server.kit.errors import documents_errors
from server.kit.state import get_state
from server.rooms import service
from server.rooms.schemas import (
    JoinInfo,
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
@documents_errors(400, 404, 409)
async def join(code: str, data: JoinRequest) -> JoinToken:
    """A token for this room only, for the candidate's display name (409 once it has ended)."""
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
    """The update log, oldest first: apply each update to a fresh Y.Doc to replay the interview."""
    user = await require_user()
    data = await service.playback(
        current_session(),
        user.id,
        interview_id,
        query_args.doc,
        query_args.after,
        query_args.limit,
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
