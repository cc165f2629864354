"""``/api/admin/*``: the admin page's API — organization settings, members, invitations, the
audit log, retention. Every handler answers 403 ``admin_only`` to a member who is not an admin.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence

from quart import Blueprint, Response, current_app
from quart_schema import (
    document_response,
    validate_querystring,
    validate_request,
    validate_response,
)

from server.accounts.auth import require_user
from server.accounts.models import User
from server.kit.db import current_session, unit_of_work, utcnow
from server.kit.errors import documents_errors
from server.kit.mail import MailError
from server.kit.openapi import JsonLines, NoContent
from server.kit.responses import empty_response
from server.kit.state import get_state
from server.organization import mails, retention, service
from server.organization.models import AuditEvent, Invitation, Organization
from server.organization.schemas import (
    AuditEventOut,
    AuditList,
    AuditQueryArgs,
    CandidateErasure,
    ErasureResult,
    InvitationCreate,
    InvitationList,
    InvitationOut,
    MemberList,
    MemberOut,
    MovedRecords,
    MoveRecords,
    OrganizationOut,
    OrganizationUpdate,
    RetentionResult,
    RoleChange,
)
from server.rooms import service as rooms

log = logging.getLogger(__name__)

blueprint = Blueprint("organization", __name__, url_prefix="/api/admin")

EXPORT_PAGE = 500


async def _admin() -> User:
    user = await require_user()
    service.require_admin(user)
    return user


def _organization_out(organization: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=organization.id,
        name=organization.name,
        signup_policy=organization.signup_policy,
        allowed_domains=list(organization.allowed_domains),
        required_providers=list(organization.required_providers),
        invite_domains=list(organization.invite_domains),
        retention_days=organization.retention_days,
        providers=[p.id for p in get_state().settings.oidc_providers],
    )


def _member_out(user: User) -> MemberOut:
    return MemberOut.model_validate(user, from_attributes=True)


def _invitation_out(row: Invitation, mail_sent: bool | None = None) -> InvitationOut:
    if row.accepted_at is not None:
        status = "accepted"
    elif row.revoked_at is not None:
        status = "revoked"
    elif row.expires_at <= utcnow():
        status = "expired"
    else:
        status = "pending"
    return InvitationOut(
        id=row.id,
        email=row.email,
        role=row.role,
        created_at=row.created_at,
        expires_at=row.expires_at,
        accepted_at=row.accepted_at,
        revoked_at=row.revoked_at,
        status=status,
        mail_sent=mail_sent,
    )


def _event_out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut.model_validate(event, from_attributes=True)


# ---- the organization ------------------------------------------------------------------------


@blueprint.get("/organization")
@validate_response(OrganizationOut, 200)
@documents_errors(401, 403)
async def get_organization() -> OrganizationOut:
    """The organization's name, sign-up policy, required providers and retention."""
    admin = await _admin()
    organization = await service.organization_of(current_session(), get_state().settings, admin)
    return _organization_out(organization)


@blueprint.patch("/organization")
@validate_request(OrganizationUpdate)
@validate_response(OrganizationOut, 200)
@documents_errors(400, 401, 403, 413, 415)
async def update_organization(data: OrganizationUpdate) -> OrganizationOut:
    """Change the sign-up policy, its domains, required providers, invitation domains or
    retention (``retention_days: null`` keeps records for ever). Audited."""
    admin = await _admin()
    change = service.PolicyChange(
        name=data.name,
        signup_policy=data.signup_policy,
        allowed_domains=data.allowed_domains,
        required_providers=data.required_providers,
        invite_domains=data.invite_domains,
        retention_days=data.retention_days,
        clear_retention="retention_days" in data.model_fields_set and data.retention_days is None,
    )
    organization = await service.change_settings(
        current_session(), get_state().settings, admin, change, service.request_origin()
    )
    return _organization_out(organization)


# ---- members ---------------------------------------------------------------------------------


@blueprint.get("/members")
@validate_response(MemberList, 200)
@documents_errors(401, 403)
async def list_members() -> MemberList:
    admin = await _admin()
    members = await service.list_members(current_session(), get_state().settings, admin)
    return MemberList(items=[_member_out(m) for m in members])


@blueprint.put("/members/<user_id>/role")
@validate_request(RoleChange)
@validate_response(MemberOut, 200)
@documents_errors(400, 401, 403, 404, 409, 413, 415)
async def change_role(user_id: str, data: RoleChange) -> MemberOut:
    """Make a member an admin or an interviewer (the last active admin stays one: 409)."""
    admin = await _admin()
    member = await service.change_role(
        current_session(), get_state().settings, admin, user_id, data.role, service.request_origin()
    )
    return _member_out(member)


@blueprint.post("/members/<user_id>/deactivate")
@validate_response(MemberOut, 200)
@documents_errors(401, 403, 404, 409)
async def deactivate(user_id: str) -> MemberOut:
    """End the member's sessions, API keys and open room sockets at once; it cannot sign in
    until reactivated. Its records stay (move them to another member)."""
    admin = await _admin()
    member = await service.set_active(
        current_session(), get_state().settings, admin, user_id, False, service.request_origin()
    )
    current_app.add_background_task(_end_sockets, member.id)
    return _member_out(member)


async def _end_sockets(user_id: str) -> None:
    await rooms.end_user_sockets(
        get_state(),
        user_id,
        code="account_deactivated",
        message="Your account was deactivated by your organization's admin.",
    )


@blueprint.post("/members/<user_id>/reactivate")
@validate_response(MemberOut, 200)
@documents_errors(401, 403, 404, 409)
async def reactivate(user_id: str) -> MemberOut:
    admin = await _admin()
    member = await service.set_active(
        current_session(), get_state().settings, admin, user_id, True, service.request_origin()
    )
    return _member_out(member)


@blueprint.post("/members/<user_id>/move-records")
@validate_request(MoveRecords)
@validate_response(MovedRecords, 200)
@documents_errors(400, 401, 403, 404, 409, 413, 415)
async def move_records(user_id: str, data: MoveRecords) -> MovedRecords:
    """Give a departed member's interviews, schedules, questions and scorecard templates to
    another member."""
    admin = await _admin()
    moved = await service.move_records(
        current_session(),
        get_state().settings,
        admin,
        user_id,
        data.to_user_id,
        service.request_origin(),
    )
    return MovedRecords(**moved)


# ---- invitations -----------------------------------------------------------------------------


@blueprint.get("/invitations")
@validate_response(InvitationList, 200)
@documents_errors(401, 403)
async def list_invitations() -> InvitationList:
    admin = await _admin()
    rows = await service.list_invitations(current_session(), get_state().settings, admin)
    return InvitationList(items=[_invitation_out(r) for r in rows])


@blueprint.post("/invitations")
@validate_request(InvitationCreate)
@validate_response(InvitationOut, 201)
@documents_errors(400, 401, 403, 409, 413, 415, 429)
async def create_invitation(data: InvitationCreate) -> tuple[InvitationOut, int]:
    """Mail a single-use link that expires (``[organization] invitation_days``); an older
    open invitation of the same address stops working. Only to the domains the admin allows
    for invitations (403), or up to the daily cap per account (429)."""
    admin = await _admin()
    state = get_state()
    session = current_session()
    made = await service.invite(
        session, state.settings, admin, str(data.email), data.role, service.request_origin()
    )
    organization = await service.organization_of(session, state.settings, admin)
    message = mails.invitation_mail(
        state.mailer,
        made.invitation.email,
        state.settings.server.public_url,
        made.token,
        state.settings.organization.invitation_days,
        organization.name,
        admin.name,
    )
    await session.commit()  # the invitation exists whether or not the mail goes out
    try:
        await state.mailer.send(message)
        sent = True
    except (MailError, OSError) as exc:
        log.error("invitation mail to %s not sent: %s", made.invitation.email, exc)
        sent = False
    return _invitation_out(made.invitation, mail_sent=sent), 201


@blueprint.delete("/invitations/<invitation_id>")
@document_response(NoContent, 204)
@documents_errors(401, 403, 404)
async def revoke_invitation(invitation_id: str) -> Response:
    admin = await _admin()
    await service.revoke_invitation(
        current_session(), get_state().settings, admin, invitation_id, service.request_origin()
    )
    return empty_response(204)


# ---- the audit log ---------------------------------------------------------------------------


def _query(
    args: AuditQueryArgs, *, limit: int | None = None, offset: int = 0
) -> service.AuditQuery:
    return service.AuditQuery(
        action=args.action or None,
        actor=args.actor or None,
        since=args.since,
        until=args.until,
        limit=limit or args.limit,
        offset=offset or args.offset,
    )


@blueprint.get("/audit")
@validate_querystring(AuditQueryArgs)
@validate_response(AuditList, 200)
@documents_errors(400, 401, 403)
async def list_audit(query_args: AuditQueryArgs) -> AuditList:
    """The audit log, newest first, filtered by action, actor (part of the address) and time."""
    admin = await _admin()
    events = await service.list_audit(
        current_session(), get_state().settings, admin, _query(query_args)
    )
    return AuditList(items=[_event_out(e) for e in events], actions=list(service.AuditAction.ALL))


@blueprint.get("/audit/export")
@validate_querystring(AuditQueryArgs)
@document_response(JsonLines, 200)
@documents_errors(400, 401, 403)
async def export_audit(query_args: AuditQueryArgs) -> Response:
    """The whole (filtered) audit log as JSON lines, newest first, streamed in pages."""
    admin = await _admin()
    state = get_state()
    await service.audit(
        current_session(),
        service.AuditAction.AUDIT_EXPORTED,
        actor=admin,
        origin=service.request_origin(),
        details={"action": query_args.action, "actor": query_args.actor},
    )

    async def lines() -> AsyncIterator[bytes]:
        offset = 0
        while True:
            async with unit_of_work(state.sessions) as session:
                page: Sequence[AuditEvent] = await service.list_audit(
                    session,
                    state.settings,
                    admin,
                    _query(query_args, limit=EXPORT_PAGE, offset=offset),
                )
                chunk = b"".join(
                    json.dumps(_event_out(e).model_dump(mode="json")).encode() + b"\n" for e in page
                )
            if chunk:
                yield chunk
            if len(page) < EXPORT_PAGE:
                return
            offset += EXPORT_PAGE

    return Response(
        lines(),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="onsite-audit.jsonl"'},
    )


# ---- retention -------------------------------------------------------------------------------


async def _close_rooms(ids: Sequence[str]) -> None:
    await rooms.close_live_rooms(
        get_state(), ids, "interview_deleted", "This interview's data was erased."
    )


@blueprint.post("/retention/run")
@validate_response(RetentionResult, 200)
@documents_errors(401, 403)
async def run_retention() -> RetentionResult:
    """Purge now what the retention setting would purge on its next pass."""
    await _admin()
    return RetentionResult(interviews=await retention.purge_once(get_state()))


@blueprint.post("/erase-candidate")
@validate_request(CandidateErasure)
@validate_response(ErasureResult, 200)
@documents_errors(400, 401, 403, 413, 415)
async def erase_candidate(data: CandidateErasure) -> ErasureResult:
    """Delete every interview and schedule about this candidate address (a data-erasure
    request), closing live rooms first. Audited, with a hash of the address only."""
    admin = await _admin()
    count = await service.erase_candidate(
        current_session(),
        get_state().settings,
        admin,
        str(data.email),
        service.request_origin(),
        _close_rooms,
    )
    return ErasureResult(interviews=count)
