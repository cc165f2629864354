"""The only place that queries the accounts tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Update, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.models import ApiKey, OidcIdentity, OneTimeToken, RefreshToken, User
from server.kit.db import is_valid_id


async def get_user(session: AsyncSession, user_id: str) -> User | None:
    if not is_valid_id(user_id):
        return None
    return await session.get(User, user_id)


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == email.lower()))
    return result.scalar_one_or_none()


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def delete_user(session: AsyncSession, user_id: str) -> None:
    """The database cascades to everything that references ``users.id``."""
    await session.execute(delete(User).where(User.id == user_id))
    session.expunge_all()


# ---- refresh tokens ----------------------------------------------------------------------------


async def get_refresh_token(session: AsyncSession, jti: str) -> RefreshToken | None:
    if not is_valid_id(jti):
        return None
    return await session.get(RefreshToken, jti)


async def _claim_unused(session: AsyncSession, claim: Update, when: datetime) -> bool:
    """Run ``claim`` (an UPDATE already narrowed to one row whose ``used_at`` is still empty)
    and say whether this caller won: the database, not a read-then-write, decides a race."""
    result = await session.execute(
        claim.values(used_at=when).execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def mark_refresh_token_used(session: AsyncSession, jti: str, when: datetime) -> bool:
    """Atomically claim a refresh token; False if someone used it first (a race or a replay)."""
    return await _claim_unused(
        session,
        update(RefreshToken).where(RefreshToken.jti == jti, RefreshToken.used_at.is_(None)),
        when,
    )


async def session_is_live(session: AsyncSession, user_id: str, family_id: str) -> bool:
    """True while the refresh family has a token not revoked. Revocation marks every token of
    the family and account deletion cascades them away, so either ends the session; one lookup
    on the ``family_id`` index, run for every access-token request."""
    if not is_valid_id(family_id):
        return False
    result = await session.execute(
        select(RefreshToken.jti)
        .where(
            RefreshToken.family_id == family_id,
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_(None),
        )
        .limit(1)
    )
    return result.first() is not None


async def revoke_family(session: AsyncSession, family_id: str, when: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=when)
        .execution_options(synchronize_session=False)
    )


async def revoke_all_for_user(session: AsyncSession, user_id: str, when: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=when)
        .execution_options(synchronize_session=False)
    )


# ---- one-time tokens ---------------------------------------------------------------------------


async def get_one_time_token(
    session: AsyncSession, token_hash: str, purpose: str
) -> OneTimeToken | None:
    result = await session.execute(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == token_hash, OneTimeToken.purpose == purpose
        )
    )
    return result.scalar_one_or_none()


async def claim_one_time_token(session: AsyncSession, token_id: str, when: datetime) -> bool:
    return await _claim_unused(
        session,
        update(OneTimeToken).where(OneTimeToken.id == token_id, OneTimeToken.used_at.is_(None)),
        when,
    )


async def retire_unused_tokens(
    session: AsyncSession, user_id: str, purpose: str, when: datetime
) -> None:
    """Marks every still-unused token of ``purpose`` of the user as used."""
    await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=when)
    )


# ---- OIDC identities ---------------------------------------------------------------------------


async def get_oidc_identity(
    session: AsyncSession, provider: str, subject: str
) -> OidcIdentity | None:
    result = await session.execute(
        select(OidcIdentity).where(
            OidcIdentity.provider == provider, OidcIdentity.subject == subject
        )
    )
    return result.scalar_one_or_none()


# ---- API keys ----------------------------------------------------------------------------------


async def get_api_key_by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    result = await session.execute(select(ApiKey).where(ApiKey.key_hash == key_hash))
    return result.scalar_one_or_none()


async def list_api_keys(session: AsyncSession, user_id: str) -> Sequence[ApiKey]:
    result = await session.execute(
        select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at, ApiKey.id)
    )
    return result.scalars().all()


async def delete_api_keys_of(session: AsyncSession, user_id: str) -> None:
    await session.execute(delete(ApiKey).where(ApiKey.user_id == user_id))


async def delete_api_key(session: AsyncSession, user_id: str, key_id: str) -> bool:
    if not is_valid_id(key_id):
        return False
    result = await session.execute(
        delete(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == user_id)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
