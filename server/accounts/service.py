"""Account rules: sign-up, sign-in, refresh rotation, reset, deletion, API keys.

Services only flush; the request boundary commits. The one exception is deliberate: when a used
refresh token comes back (``RefreshReuseError``) the family is revoked and the handler commits
that before answering 401, because a rolled-back revocation would protect nobody.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts import repository
from server.accounts.models import ApiKey, OidcIdentity, OneTimeToken, RefreshToken, User
from server.kit.db import new_id, utcnow
from server.kit.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
)
from server.kit.security import (
    API_KEY_PREFIX,
    AccessClaims,
    create_access_token,
    create_refresh_token,
    decode_access_claims,
    decode_refresh_token,
    dummy_password_check,
    hash_password,
    hash_secret,
    new_secret,
    validate_password,
    verify_password,
)
from server.settings import Settings

log = logging.getLogger(__name__)

PURPOSE_PASSWORD_RESET = "password_reset"
PURPOSE_ACCOUNT_DELETE = "account_delete"
PURPOSE_EMAIL_VERIFY = "email_verify"
SCOPE_FULL = "full"
SCOPE_RUNS = "runs"
API_KEY_SCOPES = (SCOPE_FULL, SCOPE_RUNS)


class EmailUnverifiedError(ForbiddenError):
    """The password was right but the address was never proven; a new link is mailed."""

    code = "email_unverified"

    def __init__(self, user: User) -> None:
        super().__init__("Confirm your e-mail address first: we have sent you a link.")
        self.user = user


class AccountDeactivatedError(ForbiddenError):
    code = "account_deactivated"

    def __init__(self) -> None:
        super().__init__("This account was deactivated by your organization's admin.")


class RefreshReuseError(UnauthorizedError):
    """A refresh token came back after it was used: the whole family is now revoked."""

    code = "refresh_reused"


@dataclass(frozen=True, slots=True)
class SessionTokens:
    user: User
    access_token: str
    refresh_token: str


async def get_user(session: AsyncSession, user_id: str) -> User | None:
    """A user by id; ``None`` for an unknown or malformed id."""
    return await repository.get_user(session, user_id)


async def set_admit_candidates(session: AsyncSession, user: User, value: str) -> None:
    """Whether this interviewer's candidates wait to be admitted (``manual``) or enter once the
    interviewer is in the room (``auto``); rooms opened from now on follow it."""
    user.admit_candidates = value
    await session.flush()


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise BadRequestError(
            f"That is not a valid e-mail address: {exc}", code="invalid_email"
        ) from exc


# ---- sign-up and sign-in -----------------------------------------------------------------------


async def create_account(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    name: str,
    password: str | None,
    organization_id: str | None,
    role: str,
    verified: bool,
) -> User:
    """A new account (409 ``email_taken`` if the address has one). ``verified``: the caller
    has proof the owner controls the address (an invitation, the command line)."""
    email = normalise_email(email)
    if password is not None:
        validate_password(password)
    if await repository.get_user_by_email(session, email) is not None:
        raise ConflictError("An account with this e-mail already exists.", code="email_taken")
    now = utcnow()
    user = User(
        id=new_id(),
        email=email,
        name=name.strip()[:200],
        password_hash=(
            await hash_password(password, settings.auth.bcrypt_rounds) if password else None
        ),
        created_at=now,
        organization_id=organization_id,
        role=role,
        is_active=True,
        email_verified_at=now if verified else None,
    )
    try:
        await repository.add(session, user)
    except IntegrityError as exc:  # a concurrent sign-up with the same address won the race
        raise ConflictError(
            "An account with this e-mail already exists.", code="email_taken"
        ) from exc
    return user


async def set_password(
    session: AsyncSession, settings: Settings, user: User, password: str
) -> None:
    validate_password(password)
    user.password_hash = await hash_password(password, settings.auth.bcrypt_rounds)
    await session.flush()


async def claim_unverified(
    session: AsyncSession, settings: Settings, user: User, password: str | None, name: str | None
) -> User:
    """Someone proved they own the address of an account that never proved it (a mailed
    invitation, a provider's verified claim): the account is theirs now. Whoever opened it
    loses the password they chose, every session and every key."""
    if password is not None:
        validate_password(password)
    user.password_hash = (
        await hash_password(password, settings.auth.bcrypt_rounds) if password else None
    )
    if name:
        user.name = name.strip()[:200]
    user.email_verified_at = utcnow()
    await repository.revoke_all_for_user(session, user.id, utcnow())
    await repository.delete_api_keys_of(session, user.id)
    await session.flush()
    return user


@dataclass(frozen=True, slots=True)
class SignUp:
    """What a sign-up did: a new account and, if it must verify, its link's token; or nothing
    because the address already has an account (``existing``, which is mailed a reset link
    instead: with verification on the answer does not tell)."""

    user: User | None
    verify_token: str | None
    existing: User | None
    reset_token: str | None = None


async def register(
    session: AsyncSession,
    settings: Settings,
    email: str,
    password: str,
    name: str,
    *,
    organization_id: str | None = None,
    role: str = "interviewer",
) -> SignUp:
    """With verification on (the default) the answer must not tell whether the address has an
    account: a known address costs the same hash, and its owner is mailed a password-reset
    link (which also proves the address of an account that never verified)."""
    email = normalise_email(email)
    validate_password(password)
    verify = settings.auth.require_email_verification
    existing = await repository.get_user_by_email(session, email)
    if existing is not None:
        if not verify:
            raise ConflictError("An account with this e-mail already exists.", code="email_taken")
        await dummy_password_check(password, settings.auth.bcrypt_rounds)
        found = await start_password_reset(session, settings, email)
        return SignUp(None, None, existing, found[1] if found else None)
    user = await create_account(
        session,
        settings,
        email=email,
        password=password,
        name=name,
        organization_id=organization_id,
        role=role,
        verified=not verify,
    )
    token = await _verification_token(session, settings, user) if verify else None
    return SignUp(user, token, None)


async def _verification_token(session: AsyncSession, settings: Settings, user: User) -> str:
    lifetime = timedelta(minutes=settings.auth.email_verification_minutes)
    return await create_one_time_token(session, user, PURPOSE_EMAIL_VERIFY, lifetime)


async def new_verification_token(session: AsyncSession, settings: Settings, user: User) -> str:
    """A fresh link for an account that has not verified yet (older links stop working)."""
    await repository.retire_unused_tokens(session, user.id, PURPOSE_EMAIL_VERIFY, utcnow())
    return await _verification_token(session, settings, user)


async def verify_email(session: AsyncSession, secret: str, password: str) -> User:
    """The mailed link proves the address, and the password proves the one who opens it opened
    the account: someone who signed up with another person's address cannot have that person
    verify it for them by clicking a link (they would not know the password; they reset it)."""
    row = await _valid_token(session, secret, PURPOSE_EMAIL_VERIFY)
    owner = await repository.get_user(session, row.user_id)
    if owner is None or (
        owner.password_hash is not None and not await verify_password(password, owner.password_hash)
    ):
        raise UnauthorizedError("Wrong password for this account.", code="invalid_credentials")
    user = await use_one_time_token(session, secret, PURPOSE_EMAIL_VERIFY)
    if not user.is_active:
        raise AccountDeactivatedError()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        await session.flush()
    return user


async def authenticate(
    session: AsyncSession, settings: Settings, email: str, password: str
) -> User:
    """The user for these credentials; one vague 401 for every kind of mismatch."""
    user = await repository.get_user_by_email(session, email.strip().lower())
    if user is None or user.password_hash is None:
        await dummy_password_check(password, settings.auth.bcrypt_rounds)
        raise UnauthorizedError("Wrong e-mail or password.", code="invalid_credentials")
    if not await verify_password(password, user.password_hash):
        raise UnauthorizedError("Wrong e-mail or password.", code="invalid_credentials")
    check_can_sign_in(settings, user)
    return user


def check_can_sign_in(settings: Settings, user: User) -> None:
    """A deactivated account (403 ``account_deactivated``) or one whose address was never
    proven (403 ``email_unverified``) gets no session."""
    if not user.is_active:
        raise AccountDeactivatedError()
    if user.email_verified_at is None and settings.auth.require_email_verification:
        raise EmailUnverifiedError(user)


# ---- sessions ----------------------------------------------------------------------------------


async def _issue(
    session: AsyncSession, settings: Settings, user: User, family_id: str
) -> SessionTokens:
    jti = new_id()
    refresh, expires_at = create_refresh_token(user.id, jti, family_id, settings)
    await repository.add(
        session,
        RefreshToken(
            jti=jti,
            user_id=user.id,
            family_id=family_id,
            created_at=utcnow(),
            expires_at=expires_at,
        ),
    )
    access = create_access_token(user.id, settings, session_id=family_id)
    return SessionTokens(user, access, refresh)


async def user_of_live_session(session: AsyncSession, claims: AccessClaims) -> User | None:
    """The token's user, after checking its session was not signed out (401
    ``session_revoked``). Shared by REST requests and Socket.IO connections, so signing out
    ends both at once."""
    if claims.session_id is not None and not await repository.session_is_live(
        session, claims.user_id, claims.session_id
    ):
        raise UnauthorizedError(
            "This session was signed out; sign in again.", code="session_revoked"
        )
    user = await repository.get_user(session, claims.user_id)
    if user is not None and not user.is_active:
        raise UnauthorizedError(
            "This account was deactivated by your organization's admin.",
            code="account_deactivated",
        )
    return user


async def start_session(session: AsyncSession, settings: Settings, user: User) -> SessionTokens:
    return await _issue(session, settings, user, family_id=new_id())


async def rotate_refresh_token(
    session: AsyncSession, settings: Settings, token: str
) -> SessionTokens:
    """Swap a refresh token for a new pair. A replayed token revokes its family."""
    claims = decode_refresh_token(token, settings)
    row = await repository.get_refresh_token(session, claims.jti)
    if row is None or row.user_id != claims.user_id:
        raise UnauthorizedError("The session is not valid; sign in again.", code="invalid_token")
    now = utcnow()
    if row.revoked_at is not None:
        raise UnauthorizedError(
            "This session was signed out; sign in again.", code="session_revoked"
        )
    if row.used_at is not None or not await repository.mark_refresh_token_used(
        session, row.jti, now
    ):
        await repository.revoke_family(session, row.family_id, now)
        log.warning(
            "refresh token reuse for user %s: family %s revoked", row.user_id, row.family_id
        )
        raise RefreshReuseError(
            "This session was used twice, so it has been signed out everywhere; sign in again."
        )
    user = await repository.get_user(session, row.user_id)
    if user is None:
        raise UnauthorizedError("The account no longer exists.", code="invalid_token")
    if not user.is_active:
        raise UnauthorizedError(
            "This account was deactivated by your organization's admin.",
            code="account_deactivated",
        )
    return await _issue(session, settings, user, family_id=row.family_id)


async def end_session(
    session: AsyncSession,
    settings: Settings,
    refresh_token: str | None,
    access_token: str | None = None,
) -> set[tuple[str, str]]:
    """Revoke the session of these cookies (the refresh token's family, or the access token's
    ``sid`` when only that came); an unusable token just means nothing to do. The (user id,
    session id) pairs ended, so the caller can end their sockets too."""
    families: set[tuple[str, str]] = set()
    if refresh_token:
        with contextlib.suppress(UnauthorizedError):
            claims = decode_refresh_token(refresh_token, settings)
            families.add((claims.user_id, claims.family_id))
    if access_token:
        try:
            access = decode_access_claims(access_token, settings)
        except UnauthorizedError:
            access = None
        if access is not None and access.session_id is not None:
            families.add((access.user_id, access.session_id))
    for _user_id, family_id in families:
        await repository.revoke_family(session, family_id, utcnow())
    return families


# ---- e-mailed one-time tokens ------------------------------------------------------------------


async def create_one_time_token(
    session: AsyncSession, user: User, purpose: str, lifetime: timedelta
) -> str:
    secret = new_secret(32)
    now = utcnow()
    await repository.add(
        session,
        OneTimeToken(
            id=new_id(),
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + lifetime,
        ),
    )
    return secret


async def _valid_token(session: AsyncSession, secret: str, purpose: str) -> OneTimeToken:
    """The token's row if it can still be used. Forged, expired and used tokens are distinct,
    clear 400s. Reads only."""
    row = await repository.get_one_time_token(session, hash_secret(secret), purpose)
    if row is None:
        raise BadRequestError("This link is not valid.", code="invalid_token")
    if row.used_at is not None:
        raise BadRequestError("This link has already been used.", code="token_used")
    if row.expires_at <= utcnow():
        raise BadRequestError("This link has expired; ask for a new one.", code="token_expired")
    return row


async def use_one_time_token(session: AsyncSession, secret: str, purpose: str) -> User:
    """Claim the token once."""
    row = await _valid_token(session, secret, purpose)
    if not await repository.claim_one_time_token(session, row.id, utcnow()):
        raise BadRequestError("This link has already been used.", code="token_used")
    user = await repository.get_user(session, row.user_id)
    if user is None:
        raise BadRequestError("This link is not valid.", code="invalid_token")
    return user


async def start_password_reset(
    session: AsyncSession, settings: Settings, email: str
) -> tuple[User, str] | None:
    """A reset token for a registered address, or None (the caller answers the same either way)."""
    user = await repository.get_user_by_email(session, email.strip().lower())
    if user is None:
        return None
    lifetime = timedelta(minutes=settings.auth.password_reset_minutes)
    # Only the newest link works: an older one still sitting in a mailbox is dead.
    await repository.retire_unused_tokens(session, user.id, PURPOSE_PASSWORD_RESET, utcnow())
    return user, await create_one_time_token(session, user, PURPOSE_PASSWORD_RESET, lifetime)


async def reset_password(
    session: AsyncSession,
    settings: Settings,
    secret: str,
    password: str,
    *,
    end_api_keys: bool = False,
) -> User:
    """Every session ends; with ``end_api_keys`` every API key too. Opening the mailed link
    proves the address, so an unverified account is verified by it."""
    validate_password(password)
    user = await use_one_time_token(session, secret, PURPOSE_PASSWORD_RESET)
    user.password_hash = await hash_password(password, settings.auth.bcrypt_rounds)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    await repository.revoke_all_for_user(session, user.id, utcnow())
    if end_api_keys:
        await repository.delete_api_keys_of(session, user.id)
    await session.flush()
    return user


async def request_account_deletion(
    session: AsyncSession, settings: Settings, user: User, password: str
) -> str:
    if user.password_hash is not None and not await verify_password(password, user.password_hash):
        raise ForbiddenError("The password is wrong.", code="wrong_password")
    lifetime = timedelta(minutes=settings.auth.account_delete_minutes)
    return await create_one_time_token(session, user, PURPOSE_ACCOUNT_DELETE, lifetime)


async def confirm_account_deletion(
    session: AsyncSession,
    secret: str,
    before_delete: Callable[[str], Awaitable[None]] | None = None,
) -> str:
    """Delete the account; the database cascades to its records, schedules and rooms.
    ``before_delete`` gets the user id first (the API closes the account's live rooms)."""
    if before_delete is not None:
        # Before this request writes anything: the rooms flush their logs in sessions of their
        # own, which an open write transaction here would block on SQLite.
        await before_delete((await _valid_token(session, secret, PURPOSE_ACCOUNT_DELETE)).user_id)
    user = await use_one_time_token(session, secret, PURPOSE_ACCOUNT_DELETE)
    user_id = user.id
    await repository.delete_user(session, user_id)
    return user_id


# ---- OIDC --------------------------------------------------------------------------------------


AdmitNewAccount = Callable[[str], Awaitable[tuple[str, str]]]
"""Asked before an OIDC sign-in opens a new account: the address in, (organization id, role)
out, or an ``AppError`` when the organization's sign-up policy says no."""


async def user_for_oidc_identity(
    session: AsyncSession,
    provider: str,
    subject: str,
    email: str | None,
    name: str | None,
    admit: AdmitNewAccount | None = None,
) -> User:
    """The user linked to (provider, subject); link or create one on first sign-in.

    An existing account is linked by e-mail only when the provider verified that address (the
    caller passes ``email=None`` otherwise) *and* the account proved it too: an account someone
    opened with that address and never verified (a pre-account takeover waiting for the real
    owner's first SSO sign-in) is claimed by the provider's user instead, its password and
    sessions void.
    """
    identity = await repository.get_oidc_identity(session, provider, subject)
    if identity is not None:
        user = await repository.get_user(session, identity.user_id)
        if user is None:  # pragma: no cover - the cascade removes identities with their user
            raise UnauthorizedError("The account no longer exists.", code="invalid_token")
        if not user.is_active:
            raise AccountDeactivatedError()
        return user
    user = await repository.get_user_by_email(session, email) if email else None
    if user is not None and not user.is_active:
        raise AccountDeactivatedError()
    if user is not None and user.email_verified_at is None:
        user.password_hash = None
        user.email_verified_at = utcnow()
        await repository.revoke_all_for_user(session, user.id, utcnow())
        await repository.delete_api_keys_of(session, user.id)
        await session.flush()
    if user is None:
        address = email or f"{provider}-{hash_secret(subject)[:16]}@users.invalid"
        organization_id, role = (
            await admit(address.lower()) if admit is not None else (None, "interviewer")
        )
        user = User(
            id=new_id(),
            email=address.lower(),
            name=(name or address.split("@")[0])[:200],
            password_hash=None,
            created_at=utcnow(),
            organization_id=organization_id,
            role=role,
            is_active=True,
            email_verified_at=utcnow() if email else None,
        )
        await repository.add(session, user)
    await repository.add(
        session,
        OidcIdentity(
            id=new_id(),
            user_id=user.id,
            provider=provider,
            subject=subject,
            email=email,
            created_at=utcnow(),
        ),
    )
    return user


# ---- API keys ----------------------------------------------------------------------------------


async def create_api_key(
    session: AsyncSession,
    user: User,
    name: str,
    *,
    scopes: Sequence[str] = (SCOPE_FULL,),
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """``scopes``: ``full`` (everything the owner may do) or ``runs`` (code runs only: the run
    API and the Judge0/Piston surfaces). ``expires_at``: the key stops working then."""
    unknown = [scope for scope in scopes if scope not in API_KEY_SCOPES]
    if unknown or not scopes:
        raise BadRequestError(f"Scopes are {' or '.join(API_KEY_SCOPES)}.", code="invalid_scope")
    if expires_at is not None and expires_at <= utcnow():
        raise BadRequestError("The expiry must be in the future.", code="invalid_expiry")
    secret = API_KEY_PREFIX + new_secret(32)
    key = ApiKey(
        id=new_id(),
        user_id=user.id,
        name=name,
        prefix=secret[: len(API_KEY_PREFIX) + 6],
        key_hash=hash_secret(secret),
        created_at=utcnow(),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    await repository.add(session, key)
    return key, secret


async def authenticate_api_key(session: AsyncSession, secret: str) -> User:
    """The owner of the API key ``secret``; see ``authenticate_api_key_with_scopes``."""
    user, _ = await authenticate_api_key_with_scopes(session, secret)
    return user


async def authenticate_api_key_with_scopes(
    session: AsyncSession, secret: str
) -> tuple[User, list[str]]:
    """The owner of the API key ``secret`` (the whole ``onsk_…`` string) and the key's scopes,
    its ``last_used_at`` stamped; 401 ``invalid_api_key`` for an unknown key,
    ``api_key_expired`` past its expiry, ``account_deactivated`` for a deactivated owner,
    ``invalid_token`` if its account is gone."""
    key = await repository.get_api_key_by_hash(session, hash_secret(secret))
    if key is None:
        raise UnauthorizedError("The API key is not valid.", code="invalid_api_key")
    if key.expires_at is not None and key.expires_at <= utcnow():
        raise UnauthorizedError("The API key has expired.", code="api_key_expired")
    key.last_used_at = utcnow()
    user = await repository.get_user(session, key.user_id)
    if user is None:
        raise UnauthorizedError("The account no longer exists.", code="invalid_token")
    if not user.is_active:
        raise UnauthorizedError(
            "This account was deactivated by your organization's admin.",
            code="account_deactivated",
        )
    return user, list(key.scopes or [SCOPE_FULL])


async def list_api_keys(session: AsyncSession, user: User) -> Sequence[ApiKey]:
    return await repository.list_api_keys(session, user.id)


async def delete_api_key(session: AsyncSession, user: User, key_id: str) -> None:
    """Revokes one of ``user``'s keys; another user's key id is a 404 like an unknown one."""
    if not await repository.delete_api_key(session, user.id, key_id):
        raise NotFoundError("There is no such API key.")


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    """The account with this address (for the command line, which names people by e-mail)."""
    return await repository.get_user_by_email(session, normalise_email(email))
