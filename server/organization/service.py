"""Organization rules: who may sign up, invitations, members and roles, the audit log,
retention.

One installation holds one organization (slug ``default``), made with the first account, which
becomes its admin; sign-up then follows the organization's policy (``closed`` unless
``[organization] initial_signup_policy`` says otherwise). Services only flush; the boundary
commits (a failed sign-in's entry too: the handler commits it before answering the error).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from quart import has_request_context, request
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts import service as accounts
from server.accounts.models import User
from server.kit.db import new_id, utcnow
from server.kit.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
)
from server.kit.security import hash_secret, new_secret
from server.organization import repository
from server.organization.models import AuditEvent, Invitation, Organization, Role, SignupPolicy
from server.settings import Settings

log = logging.getLogger(__name__)

RETENTION_BATCH = 200
"""Interviews purged per pass; the next pass takes the rest."""


class AuditAction:
    """The audit log's action names (wire strings of the admin page and the export)."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_UP = "sign_up"
    EMAIL_VERIFIED = "email_verified"
    INVITATION_SENT = "invitation_sent"
    INVITATION_ACCEPTED = "invitation_accepted"
    INVITATION_REVOKED = "invitation_revoked"
    ROLE_CHANGED = "role_changed"
    MEMBER_DEACTIVATED = "member_deactivated"
    MEMBER_REACTIVATED = "member_reactivated"
    RECORDS_MOVED = "records_moved"
    API_KEY_CREATED = "api_key_created"
    API_KEY_REVOKED = "api_key_revoked"
    RECORD_PURGED = "record_purged"
    ACCOUNT_DELETED = "account_deleted"
    PASSWORD_RESET = "password_reset"
    SETTINGS_CHANGED = "settings_changed"
    RETENTION_PURGED = "retention_purged"
    CANDIDATE_ERASED = "candidate_erased"
    CANDIDATE_MAIL_SENT = "candidate_mail_sent"
    AUDIT_EXPORTED = "audit_exported"

    ALL = (
        SIGN_IN,
        SIGN_IN_FAILED,
        SIGN_UP,
        EMAIL_VERIFIED,
        INVITATION_SENT,
        INVITATION_ACCEPTED,
        INVITATION_REVOKED,
        ROLE_CHANGED,
        MEMBER_DEACTIVATED,
        MEMBER_REACTIVATED,
        RECORDS_MOVED,
        API_KEY_CREATED,
        API_KEY_REVOKED,
        RECORD_PURGED,
        ACCOUNT_DELETED,
        PASSWORD_RESET,
        SETTINGS_CHANGED,
        RETENTION_PURGED,
        CANDIDATE_ERASED,
        CANDIDATE_MAIL_SENT,
        AUDIT_EXPORTED,
    )


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from, for the audit log."""

    ip: str | None = None
    user_agent: str | None = None


def request_origin() -> Origin:
    """The current request's client address and user agent (empty outside a request)."""
    if not has_request_context():
        return Origin()
    agent = request.headers.get("User-Agent")
    return Origin(ip=request.remote_addr, user_agent=agent[:300] if agent else None)


# ---- the organization ------------------------------------------------------------------------


async def get_organization(session: AsyncSession, settings: Settings) -> Organization:
    """The installation's organization, made on first need (before the first account)."""
    organization = await repository.get_default(session)
    if organization is not None:
        return organization
    now = utcnow()
    return await repository.add_default(
        session,
        Organization(
            id=new_id(),
            slug=repository.DEFAULT_SLUG,
            name=settings.organization.name,
            signup_policy=settings.organization.initial_signup_policy,
            allowed_domains=[],
            required_providers=[],
            invite_domains=[],
            retention_days=None,
            created_at=now,
            updated_at=now,
        ),
    )


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def _domain_listed(email: str, domains: Sequence[str]) -> bool:
    domain = _domain(email)
    return any(domain == d or domain.endswith("." + d) for d in domains)


@dataclass(frozen=True, slots=True)
class Admission:
    """Where a new account goes: its organization and its role."""

    organization_id: str
    role: str


async def admit_signup(
    session: AsyncSession, settings: Settings, email: str, *, through: str = "password"
) -> Admission:
    """May ``email`` open an account (``through`` ``password`` or ``oidc``)? The first account
    of the installation always may, and becomes the admin; after that the policy decides
    (403 ``signup_closed``, ``invitation_required``, ``domain_not_allowed``,
    ``sso_required``)."""
    organization = await get_organization(session, settings)
    if await repository.count_members(session, organization.id) == 0:
        await repository.adopt_strays(session, organization.id)
        if await repository.count_members(session, organization.id) == 0:
            return Admission(organization.id, Role.ADMIN.value)
    policy = organization.signup_policy
    if policy == SignupPolicy.OPEN:
        return Admission(organization.id, Role.INTERVIEWER.value)
    if policy == SignupPolicy.CLOSED:
        raise ForbiddenError(
            "Sign-up is closed; ask your organization's admin for an invitation.",
            code="signup_closed",
        )
    if policy == SignupPolicy.INVITATION:
        raise ForbiddenError(
            "Accounts are opened through invitations; ask your admin for one.",
            code="invitation_required",
        )
    if policy == SignupPolicy.SSO:
        if through == "oidc":
            return Admission(organization.id, Role.INTERVIEWER.value)
        raise ForbiddenError(
            "Accounts are opened by signing in with your company's provider.",
            code="sso_required",
        )
    if _domain_listed(email, organization.allowed_domains):
        return Admission(organization.id, Role.INTERVIEWER.value)
    raise ForbiddenError(
        "Addresses of this domain cannot sign up here; ask your admin for an invitation.",
        code="domain_not_allowed",
    )


def check_password_sign_in(organization: Organization, user: User) -> None:
    """With required providers, members sign in only through them (403 ``sso_required``);
    admins keep their password, so a broken provider cannot lock the organization out."""
    if organization.required_providers and user.role != Role.ADMIN:
        names = ", ".join(organization.required_providers)
        raise ForbiddenError(
            f"Sign in with your company's provider ({names}).", code="sso_required"
        )


def check_provider_allowed(organization: Organization, provider_id: str) -> None:
    if organization.required_providers and provider_id not in organization.required_providers:
        raise ForbiddenError(
            "This organization signs in through another provider.", code="provider_not_allowed"
        )


async def organization_of(session: AsyncSession, settings: Settings, user: User) -> Organization:
    organization = await get_organization(session, settings)
    if user.organization_id is None:
        user.organization_id = organization.id
        await session.flush()
    return organization


@dataclass(frozen=True, slots=True)
class PolicyChange:
    name: str | None = None
    signup_policy: str | None = None
    allowed_domains: list[str] | None = None
    required_providers: list[str] | None = None
    invite_domains: list[str] | None = None
    retention_days: int | None = None
    clear_retention: bool = False


def _clean_domains(domains: Sequence[str]) -> list[str]:
    cleaned = []
    for raw in domains:
        domain = raw.strip().lower().lstrip("@")
        if not domain or "." not in domain or any(c in domain for c in " /@\\"):
            raise BadRequestError(f"{raw!r} is not an e-mail domain.", code="invalid_domain")
        if domain not in cleaned:
            cleaned.append(domain)
    return cleaned


async def change_settings(
    session: AsyncSession,
    settings: Settings,
    admin: User,
    change: PolicyChange,
    origin: Origin,
) -> Organization:
    organization = await organization_of(session, settings, admin)
    changed: dict[str, Any] = {}
    if change.name is not None and change.name.strip() != organization.name:
        organization.name = changed["name"] = change.name.strip()
    if change.allowed_domains is not None:
        organization.allowed_domains = changed["allowed_domains"] = _clean_domains(
            change.allowed_domains
        )
    if change.invite_domains is not None:
        organization.invite_domains = changed["invite_domains"] = _clean_domains(
            change.invite_domains
        )
    if change.required_providers is not None:
        known = {p.id for p in settings.oidc_providers}
        unknown = [p for p in change.required_providers if p not in known]
        if unknown:
            raise BadRequestError(
                f"No OpenID Connect provider is configured as {unknown[0]!r}.",
                code="unknown_provider",
            )
        organization.required_providers = changed["required_providers"] = sorted(
            set(change.required_providers)
        )
    if change.signup_policy is not None and change.signup_policy != organization.signup_policy:
        organization.signup_policy = changed["signup_policy"] = change.signup_policy
    if organization.signup_policy == SignupPolicy.DOMAINS and not organization.allowed_domains:
        raise BadRequestError(
            "List at least one e-mail domain for the domains policy.", code="no_domains"
        )
    if organization.signup_policy == SignupPolicy.SSO and not settings.oidc_providers:
        raise BadRequestError(
            "SSO-only sign-up needs an OpenID Connect provider in the settings.",
            code="no_providers",
        )
    if change.clear_retention:
        if organization.retention_days is not None:
            organization.retention_days = changed["retention_days"] = None
    elif change.retention_days is not None and change.retention_days != organization.retention_days:
        organization.retention_days = changed["retention_days"] = change.retention_days
    if changed:
        organization.updated_at = utcnow()
        await audit(
            session,
            AuditAction.SETTINGS_CHANGED,
            actor=admin,
            origin=origin,
            target=f"organization:{organization.id}",
            details=changed,
        )
    await session.flush()
    return organization


# ---- the audit log ---------------------------------------------------------------------------


async def audit(
    session: AsyncSession,
    action: str,
    *,
    actor: User | None = None,
    actor_email: str | None = None,
    origin: Origin | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    organization_id: str | None = None,
) -> None:
    """Appends one entry. Never holds a password, a token or a candidate's address."""
    origin = origin or Origin()
    await repository.add(
        session,
        AuditEvent(
            id=new_id(),
            organization_id=organization_id or (actor.organization_id if actor else None),
            at=utcnow(),
            action=action,
            actor_id=actor.id if actor else None,
            actor_email=(actor.email if actor else actor_email),
            target=target[:400] if target else None,
            ip=origin.ip[:64] if origin.ip else None,
            user_agent=origin.user_agent,
            details=details or {},
            message="",
        ),
    )


async def organization_id(session: AsyncSession) -> str | None:
    """The organization's id if it exists yet (an entry about nobody in particular)."""
    organization = await repository.get_default(session)
    return organization.id if organization is not None else None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    action: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


async def list_audit(
    session: AsyncSession, settings: Settings, admin: User, query: AuditQuery
) -> Sequence[AuditEvent]:
    organization = await organization_of(session, settings, admin)
    return await repository.list_audit(
        session,
        organization.id,
        action=query.action,
        actor=query.actor,
        since=query.since,
        until=query.until,
        limit=query.limit,
        offset=query.offset,
    )


# ---- admins ----------------------------------------------------------------------------------


def require_admin(user: User) -> None:
    """403 ``admin_only`` for a member who is not an admin."""
    if user.role != Role.ADMIN:
        raise ForbiddenError("Only an admin of the organization can do this.", code="admin_only")


async def create_admin(
    session: AsyncSession, settings: Settings, email: str, name: str, password: str | None
) -> tuple[User, bool]:
    """``onsite admin create``: a verified admin account, or an existing one made admin (and
    reactivated). ``True`` when the account is new."""
    organization = await get_organization(session, settings)
    user = await accounts.user_by_email(session, email)
    created = user is None
    if user is None:
        user = await accounts.create_account(
            session,
            settings,
            email=email,
            name=name or email.split("@")[0],
            password=password,
            organization_id=organization.id,
            role=Role.ADMIN.value,
            verified=True,
        )
    else:
        user.organization_id = organization.id
        user.role = Role.ADMIN.value
        user.is_active = True
        user.email_verified_at = user.email_verified_at or utcnow()
        if password:
            await accounts.set_password(session, settings, user, password)
    await audit(
        session,
        AuditAction.ROLE_CHANGED if not created else AuditAction.SIGN_UP,
        actor_email="onsite admin create",
        target=f"user:{user.id}",
        details={"role": Role.ADMIN.value, "via": "command line", "email": user.email},
        organization_id=organization.id,
    )
    await session.flush()
    return user, created


# ---- members ---------------------------------------------------------------------------------


async def list_members(session: AsyncSession, settings: Settings, admin: User) -> Sequence[User]:
    organization = await organization_of(session, settings, admin)
    await repository.adopt_strays(session, organization.id)
    return await repository.list_members(session, organization.id)


async def _member(
    session: AsyncSession, settings: Settings, admin: User, user_id: str
) -> tuple[Organization, User]:
    organization = await organization_of(session, settings, admin)
    member = await repository.get_member(session, organization.id, user_id)
    if member is None:
        raise NotFoundError("There is no such member.", code="member_not_found")
    return organization, member


async def _keep_an_admin(session: AsyncSession, organization: Organization, member: User) -> None:
    if (
        member.role == Role.ADMIN
        and member.is_active
        and await repository.count_active_admins(session, organization.id) <= 1
    ):
        raise ConflictError("The organization needs at least one active admin.", code="last_admin")


async def change_role(
    session: AsyncSession,
    settings: Settings,
    admin: User,
    user_id: str,
    role: str,
    origin: Origin,
) -> User:
    organization, member = await _member(session, settings, admin, user_id)
    if member.role == role:
        return member
    if role != Role.ADMIN:
        await _keep_an_admin(session, organization, member)
    before = member.role
    member.role = role
    await audit(
        session,
        AuditAction.ROLE_CHANGED,
        actor=admin,
        origin=origin,
        target=f"user:{member.id}",
        details={"email": member.email, "from": before, "to": role},
    )
    await session.flush()
    return member


SocketCloser = Callable[[str], Awaitable[None]]


async def set_active(
    session: AsyncSession,
    settings: Settings,
    admin: User,
    user_id: str,
    active: bool,
    origin: Origin,
) -> User:
    """Deactivation ends every session and API key of the member at once (the caller closes
    its sockets after the commit); reactivation lets it sign in again."""
    organization, member = await _member(session, settings, admin, user_id)
    if member.is_active == active:
        return member
    if not active:
        if member.id == admin.id:
            raise ConflictError("You cannot deactivate yourself.", code="cannot_deactivate_self")
        await _keep_an_admin(session, organization, member)
        await repository.end_sessions_and_keys(session, member.id, utcnow())
    member.is_active = active
    await audit(
        session,
        AuditAction.MEMBER_REACTIVATED if active else AuditAction.MEMBER_DEACTIVATED,
        actor=admin,
        origin=origin,
        target=f"user:{member.id}",
        details={"email": member.email},
    )
    await session.flush()
    return member


async def move_records(
    session: AsyncSession,
    settings: Settings,
    admin: User,
    from_id: str,
    to_id: str,
    origin: Origin,
) -> dict[str, int]:
    """A departed member's interviews, schedules, questions and templates go to another."""
    _, source = await _member(session, settings, admin, from_id)
    _, target = await _member(session, settings, admin, to_id)
    if source.id == target.id:
        raise BadRequestError("Choose another member to receive the records.", code="same_member")
    if not target.is_active:
        raise ConflictError("The receiving member is deactivated.", code="member_inactive")
    moved = await repository.move_records(session, source.id, target.id)
    await audit(
        session,
        AuditAction.RECORDS_MOVED,
        actor=admin,
        origin=origin,
        target=f"user:{source.id}",
        details={"from": source.email, "to": target.email, **moved},
    )
    return moved


# ---- invitations -----------------------------------------------------------------------------


async def check_mail_allowed(
    session: AsyncSession, settings: Settings, sender: User, address: str
) -> Organization:
    """May ``sender`` make the server mail ``address`` (an invitation)? To a domain the admin
    listed, always; with no list, up to the per-account daily cap (429 ``mail_quota``); to
    another domain when there is a list, never (403 ``address_not_allowed``)."""
    organization = await organization_of(session, settings, sender)
    if organization.invite_domains:
        if not _domain_listed(address, organization.invite_domains):
            raise ForbiddenError(
                "Invitations go only to the e-mail domains your admin allows.",
                code="address_not_allowed",
            )
        return organization
    since = utcnow() - timedelta(days=1)
    sent = 0
    for action in (AuditAction.INVITATION_SENT, AuditAction.CANDIDATE_MAIL_SENT):
        sent += await repository.count_actions_since(session, sender.id, action, since)
    if sent >= settings.organization.mails_per_account_per_day:
        raise RateLimitedError(
            "You have sent as many invitations as one account may in a day; try tomorrow.",
            retry_after=3600,
        )
    return organization


@dataclass(frozen=True, slots=True)
class NewInvitation:
    invitation: Invitation
    token: str


async def invite(
    session: AsyncSession,
    settings: Settings,
    admin: User,
    email: str,
    role: str,
    origin: Origin,
) -> NewInvitation:
    email = accounts.normalise_email(email)
    organization = await check_mail_allowed(session, settings, admin, email)
    existing = await accounts.user_by_email(session, email)
    if existing is not None and existing.email_verified_at is not None:
        raise ConflictError("This address already has an account.", code="already_member")
    now = utcnow()
    await repository.retire_invitations(session, organization.id, email, now)
    token = new_secret(32)
    invitation = Invitation(
        id=new_id(),
        organization_id=organization.id,
        email=email,
        role=role,
        token_hash=hash_secret(token),
        invited_by=admin.id,
        created_at=now,
        expires_at=now + timedelta(days=settings.organization.invitation_days),
    )
    await repository.add(session, invitation)
    await audit(
        session,
        AuditAction.INVITATION_SENT,
        actor=admin,
        origin=origin,
        target=f"invitation:{invitation.id}",
        details={"email": email, "role": role},
    )
    return NewInvitation(invitation, token)


async def list_invitations(
    session: AsyncSession, settings: Settings, admin: User
) -> Sequence[Invitation]:
    organization = await organization_of(session, settings, admin)
    return await repository.list_invitations(session, organization.id)


async def revoke_invitation(
    session: AsyncSession, settings: Settings, admin: User, invitation_id: str, origin: Origin
) -> None:
    organization = await organization_of(session, settings, admin)
    row = await repository.get_invitation(session, organization.id, invitation_id)
    if row is None:
        raise NotFoundError("There is no such invitation.", code="invitation_not_found")
    if row.accepted_at is None and row.revoked_at is None:
        row.revoked_at = utcnow()
        await audit(
            session,
            AuditAction.INVITATION_REVOKED,
            actor=admin,
            origin=origin,
            target=f"invitation:{row.id}",
            details={"email": row.email},
        )
        await session.flush()


async def valid_invitation(session: AsyncSession, token: str) -> Invitation:
    """The invitation of this link while it can be used: forged, used, revoked and expired
    links are distinct, clear 400s."""
    row = await repository.get_invitation_by_hash(session, hash_secret(token))
    if row is None:
        raise BadRequestError("This invitation link is not valid.", code="invalid_token")
    if row.accepted_at is not None:
        raise BadRequestError("This invitation has already been used.", code="token_used")
    if row.revoked_at is not None:
        raise BadRequestError("This invitation was withdrawn.", code="token_revoked")
    if row.expires_at <= utcnow():
        raise BadRequestError(
            "This invitation has expired; ask for a new one.", code="token_expired"
        )
    return row


async def accept_invitation(
    session: AsyncSession,
    settings: Settings,
    token: str,
    name: str,
    password: str,
    origin: Origin,
) -> User:
    """Opens the invited account (its address is proven: the link was mailed to it). An
    unverified account already holding the address (a squatter's) is taken over."""
    row = await valid_invitation(session, token)
    if not await repository.claim_invitation(session, row.id, utcnow()):
        raise BadRequestError("This invitation has already been used.", code="token_used")
    existing = await accounts.user_by_email(session, row.email)
    if existing is not None and existing.email_verified_at is not None:
        raise ConflictError("This address already has an account; sign in.", code="already_member")
    if existing is not None:
        user = await accounts.claim_unverified(session, settings, existing, password, name)
        user.organization_id, user.role = row.organization_id, row.role
    else:
        user = await accounts.create_account(
            session,
            settings,
            email=row.email,
            name=name,
            password=password,
            organization_id=row.organization_id,
            role=row.role,
            verified=True,
        )
    await audit(
        session,
        AuditAction.INVITATION_ACCEPTED,
        actor=user,
        origin=origin,
        target=f"invitation:{row.id}",
        details={"role": row.role},
    )
    await session.flush()
    return user


# ---- retention -------------------------------------------------------------------------------


RoomsCloser = Callable[[Sequence[str]], Awaitable[None]]


async def expired_interview_ids(session: AsyncSession) -> list[str]:
    """The completed interviews past the organization's retention (one batch). The caller
    closes their live rooms, then purges them in a new unit of work: the rooms flush their
    logs in sessions of their own, which an open write transaction would block on SQLite."""
    organization = await repository.get_default(session)
    if organization is None or organization.retention_days is None:
        return []
    cutoff = utcnow() - timedelta(days=organization.retention_days)
    return await repository.expired_interview_ids(session, organization.id, cutoff, RETENTION_BATCH)


async def purge_expired(session: AsyncSession, interview_ids: Sequence[str]) -> int:
    """Deletes these interviews if they are still past the retention (record, update log,
    chat, runs, scorecards, schedules); audited."""
    organization = await repository.get_default(session)
    if organization is None or organization.retention_days is None or not interview_ids:
        return 0
    still = set(await expired_interview_ids(session)) & set(interview_ids)
    count = await repository.delete_interviews(session, sorted(still))
    if count:
        await audit(
            session,
            AuditAction.RETENTION_PURGED,
            actor_email="retention",
            organization_id=organization.id,
            details={"interviews": count, "retention_days": organization.retention_days},
        )
    return count


async def erase_candidate(
    session: AsyncSession,
    settings: Settings,
    admin: User,
    email: str,
    origin: Origin,
    close_rooms: RoomsCloser,
) -> int:
    """Every interview (and schedule) of the organization about this candidate address goes,
    live rooms closed first. The audit entry names a hash of the address, not the address."""
    organization = await organization_of(session, settings, admin)
    address = accounts.normalise_email(email)
    ids = await repository.interview_ids_of_candidate(session, organization.id, address)
    if ids:
        await close_rooms(ids)  # before this request writes: see ``expired_interview_ids``
    count = await repository.delete_interviews(session, ids)
    await audit(
        session,
        AuditAction.CANDIDATE_ERASED,
        actor=admin,
        origin=origin,
        details={"candidate": hash_secret(address)[:16], "interviews": count},
        organization_id=organization.id,
    )
    return count


async def candidate_interview_ids(
    session: AsyncSession, settings: Settings, admin: User, email: str
) -> list[str]:
    organization = await organization_of(session, settings, admin)
    return await repository.interview_ids_of_candidate(
        session, organization.id, accounts.normalise_email(email)
    )
