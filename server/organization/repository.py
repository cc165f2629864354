"""The only place that queries the organization's tables, and the member-level queries that
cross slices (moving records, the retention purge's candidates)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.models import ApiKey, RefreshToken, User
from server.interviews.models import Interview
from server.kit.db import LIKE_ESCAPE, is_valid_id, like_pattern
from server.organization.models import AuditEvent, Invitation, Organization
from server.questions.models import Question
from server.schedules.models import Schedule
from server.scorecards.models import ScorecardTemplate

DEFAULT_SLUG = "default"


# ---- the organization ----------------------------------------------------------------------------


async def get_default(session: AsyncSession) -> Organization | None:
    result = await session.execute(select(Organization).where(Organization.slug == DEFAULT_SLUG))
    return result.scalar_one_or_none()


async def add_default(session: AsyncSession, organization: Organization) -> Organization:
    """Adds the installation's organization; when another request made it first, that one."""
    try:
        async with session.begin_nested():
            session.add(organization)
            await session.flush()
    except IntegrityError:
        existing = await get_default(session)
        if existing is None:  # pragma: no cover - the unique slug is the only constraint
            raise
        return existing
    return organization


async def count_members(session: AsyncSession, organization_id: str) -> int:
    result = await session.execute(
        select(func.count()).select_from(User).where(User.organization_id == organization_id)
    )
    return int(result.scalar_one())


async def count_users(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


async def adopt_strays(session: AsyncSession, organization_id: str) -> None:
    """Accounts made without an organization (none through the API) join the only one."""
    await session.execute(
        update(User)
        .where(User.organization_id.is_(None))
        .values(organization_id=organization_id)
        .execution_options(synchronize_session=False)
    )


# ---- members ---------------------------------------------------------------------------------


async def list_members(session: AsyncSession, organization_id: str) -> Sequence[User]:
    result = await session.execute(
        select(User)
        .where(User.organization_id == organization_id)
        .order_by(User.created_at, User.id)
    )
    return result.scalars().all()


async def get_member(session: AsyncSession, organization_id: str, user_id: str) -> User | None:
    if not is_valid_id(user_id):
        return None
    user = await session.get(User, user_id)
    if user is None or user.organization_id != organization_id:
        return None
    return user


async def count_active_admins(session: AsyncSession, organization_id: str) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(User)
        .where(
            User.organization_id == organization_id,
            User.role == "admin",
            User.is_active.is_(True),
        )
    )
    return int(result.scalar_one())


async def end_sessions_and_keys(session: AsyncSession, user_id: str, when: datetime) -> None:
    """Every refresh family revoked (their access tokens stop at once) and every API key
    gone."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=when)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        ApiKey.__table__.delete().where(ApiKey.user_id == user_id)  # type: ignore[attr-defined]
    )


async def move_records(session: AsyncSession, from_id: str, to_id: str) -> dict[str, int]:
    """Interviews, schedules, questions and scorecard templates change owner; how many of
    each."""
    moved: dict[str, int] = {}
    for name, model in (
        ("interviews", Interview),
        ("schedules", Schedule),
        ("questions", Question),
        ("scorecard_templates", ScorecardTemplate),
    ):
        result = await session.execute(
            update(model)
            .where(model.owner_id == from_id)
            .values(owner_id=to_id)
            .execution_options(synchronize_session=False)
        )
        moved[name] = int(getattr(result, "rowcount", 0) or 0)
    return moved


# ---- invitations -----------------------------------------------------------------------------


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def list_invitations(session: AsyncSession, organization_id: str) -> Sequence[Invitation]:
    result = await session.execute(
        select(Invitation)
        .where(Invitation.organization_id == organization_id)
        .order_by(Invitation.created_at.desc(), Invitation.id)
        .limit(500)
    )
    return result.scalars().all()


async def get_invitation(
    session: AsyncSession, organization_id: str, invitation_id: str
) -> Invitation | None:
    if not is_valid_id(invitation_id):
        return None
    row = await session.get(Invitation, invitation_id)
    return row if row is not None and row.organization_id == organization_id else None


async def get_invitation_by_hash(session: AsyncSession, token_hash: str) -> Invitation | None:
    result = await session.execute(select(Invitation).where(Invitation.token_hash == token_hash))
    return result.scalar_one_or_none()


async def claim_invitation(session: AsyncSession, invitation_id: str, when: datetime) -> bool:
    """Marks it accepted unless someone did first: the database decides a race."""
    result = await session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=when)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def retire_invitations(
    session: AsyncSession, organization_id: str, email: str, when: datetime
) -> None:
    """Older open invitations of the same address stop working (only the newest link does)."""
    await session.execute(
        update(Invitation)
        .where(
            Invitation.organization_id == organization_id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=when)
        .execution_options(synchronize_session=False)
    )


# ---- the audit log ---------------------------------------------------------------------------


async def list_audit(
    session: AsyncSession,
    organization_id: str | None,
    *,
    action: str | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).where(
        (AuditEvent.organization_id == organization_id) | AuditEvent.organization_id.is_(None)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(
            AuditEvent.actor_email.like(like_pattern(actor.lower()), escape=LIKE_ESCAPE)
        )
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset)
    return (await session.execute(query)).scalars().all()


async def count_actions_since(
    session: AsyncSession, actor_id: str, action: str, since: datetime
) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.actor_id == actor_id, AuditEvent.action == action, AuditEvent.at >= since)
    )
    return int(result.scalar_one())


# ---- retention -------------------------------------------------------------------------------


async def expired_interview_ids(
    session: AsyncSession, organization_id: str, ended_before: datetime, limit: int
) -> list[str]:
    """Completed interviews of the organization's members that ended before the cut-off."""
    members = select(User.id).where(User.organization_id == organization_id)
    result = await session.execute(
        select(Interview.id)
        .where(
            Interview.owner_id.in_(members),
            Interview.status == "completed",
            func.coalesce(Interview.ended_at, Interview.updated_at) < ended_before,
        )
        .limit(limit)
    )
    return list(result.scalars())


async def interview_ids_of_candidate(
    session: AsyncSession, organization_id: str, email: str
) -> list[str]:
    members = select(User.id).where(User.organization_id == organization_id)
    result = await session.execute(
        select(Interview.id).where(
            Interview.owner_id.in_(members), func.lower(Interview.candidate_email) == email
        )
    )
    ids = set(result.scalars())
    result = await session.execute(
        select(Schedule.interview_id).where(
            Schedule.owner_id.in_(members), func.lower(Schedule.candidate_email) == email
        )
    )
    ids.update(result.scalars())
    return sorted(ids)


async def delete_interviews(session: AsyncSession, interview_ids: Sequence[str]) -> int:
    """The database cascades to the update log, chat, runs, schedules and scorecards."""
    if not interview_ids:
        return 0
    result = await session.execute(
        Interview.__table__.delete().where(Interview.id.in_(interview_ids))  # type: ignore[attr-defined]
    )
    session.expunge_all()
    return int(getattr(result, "rowcount", 0) or 0)
