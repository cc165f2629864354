"""``/api/auth/*``: thin handlers — authenticate, validate, call one service, answer."""

from __future__ import annotations

import logging
from email.message import EmailMessage

from quart import Blueprint, Response, current_app, request
from quart_schema import document_response, validate_request, validate_response

from server.accounts import mails, oidc, service
from server.accounts.auth import bearer_token, is_api_key, require_user
from server.accounts.models import User
from server.accounts.schemas import (
    AcceptedResponse,
    AcceptInvitationRequest,
    ConfirmDeleteRequest,
    DeleteAccountRequest,
    ForgotPasswordRequest,
    InvitationInfo,
    InvitationTokenRequest,
    LoginRequest,
    OidcProviderOut,
    PreferencesUpdate,
    RegisterRequest,
    ResetPasswordRequest,
    UserOut,
    UserResponse,
    VerifyEmailRequest,
)
from server.interviews import service as interviews
from server.kit.db import current_session, unit_of_work
from server.kit.errors import (
    ForbiddenError,
    RateLimitedError,
    ServiceUnavailableError,
    UnauthorizedError,
    documents_errors,
)
from server.kit.mail import MailError
from server.kit.openapi import NoContent, Redirect
from server.kit.ratelimit import LimiterUnavailableError, WindowLimiter, client_key
from server.kit.responses import empty_response, json_response, redirect_response
from server.kit.security import (
    check_csrf,
    clear_session_cookies,
    cookie_names,
    set_session_cookies,
)
from server.kit.state import get_state
from server.organization import service as organization
from server.rooms import service as rooms

log = logging.getLogger(__name__)

blueprint = Blueprint("accounts", __name__, url_prefix="/api/auth")


def _user_out(user: object) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def _session_response(
    tokens: service.SessionTokens, status: int, keep_csrf: str | None = None
) -> Response:
    response = json_response(UserResponse(user=_user_out(tokens.user)), status)
    set_session_cookies(response, tokens.access_token, tokens.refresh_token, keep_csrf=keep_csrf)
    return response


def _refuse(wait: int | None) -> None:
    if wait is not None:
        raise RateLimitedError(f"Too many attempts; try again in {wait} seconds.", retry_after=wait)


async def _check_limit(limiter: WindowLimiter, key: str) -> None:
    _refuse(await limiter.retry_after(key))


async def _take_limit(limiter: WindowLimiter, key: str) -> None:
    """Count this attempt, or refuse it (429) if the limit is reached: in one step, so a burst
    of concurrent requests cannot all pass before the first is counted."""
    _refuse(await limiter.take(key))


@blueprint.post("/register")
@validate_request(RegisterRequest)
@document_response(UserResponse, 201)
@validate_response(AcceptedResponse, 202)
@documents_errors(400, 403, 409, 413, 415, 429, 503)
async def register(data: RegisterRequest) -> Response | tuple[AcceptedResponse, int]:
    """Open an account. Limited per client network (429 + Retry-After) before any password is
    hashed; refused when the organization's sign-up policy says so (403). The first account of
    the installation becomes its admin.

    With e-mail verification on (the default) the answer is 202 whether or not the address
    has an account: a new account gets a link to confirm the address, an existing one a
    password-reset link. With it off, 201 signs in at once (409 for a taken address)."""
    state = get_state()
    network = client_key(request.remote_addr)
    await _take_limit(state.signup_limiter, network)
    session = current_session()
    email = service.normalise_email(data.email)
    admission = await organization.admit_signup(session, state.settings, email)
    outcome = await service.register(
        session,
        state.settings,
        email,
        data.password,
        data.name,
        organization_id=admission.organization_id,
        role=admission.role,
    )
    origin = organization.request_origin()
    if outcome.user is not None:
        await organization.audit(
            session,
            organization.AuditAction.SIGN_UP,
            actor=outcome.user,
            origin=origin,
            target=f"user:{outcome.user.id}",
            details={"role": outcome.user.role, "verified": outcome.verify_token is None},
        )
    if outcome.user is not None and outcome.verify_token is None:
        tokens = await service.start_session(session, state.settings, outcome.user)
        return _session_response(tokens, 201)
    _mail_after_answer(_signup_mail(outcome))
    return AcceptedResponse(
        message="Check your e-mail: we have sent a link to confirm the address."
    ), 202


def _signup_mail(outcome: service.SignUp) -> EmailMessage | None:
    settings = get_state().settings
    mailer = get_state().mailer
    if outcome.user is not None and outcome.verify_token is not None:
        return mails.verify_email_mail(
            mailer,
            outcome.user.email,
            settings.server.public_url,
            outcome.verify_token,
            settings.auth.email_verification_minutes,
        )
    if outcome.existing is not None and outcome.reset_token is not None:
        return mails.already_registered_mail(
            mailer,
            outcome.existing.email,
            settings.server.public_url,
            outcome.reset_token,
            settings.auth.password_reset_minutes,
        )
    return None


def _mail_after_answer(message: EmailMessage | None) -> None:
    """Sent after the answer, so the response time does not tell whether the address exists."""
    if message is not None:
        current_app.add_background_task(_send_quietly, message)


@blueprint.post("/email/verify")
@validate_request(VerifyEmailRequest)
@document_response(UserResponse, 200)
@documents_errors(400, 401, 403, 413, 415, 429, 503)
async def verify_email(data: VerifyEmailRequest) -> Response:
    """Confirm the address with the mailed token and the account's password; signs in."""
    state = get_state()
    ip_key = client_key(request.remote_addr)
    await _take_limit(state.login_ip_limiter, ip_key)
    session = current_session()
    user = await service.verify_email(session, data.token, data.password)
    await organization.audit(
        session,
        organization.AuditAction.EMAIL_VERIFIED,
        actor=user,
        origin=organization.request_origin(),
        target=f"user:{user.id}",
    )
    tokens = await service.start_session(session, state.settings, user)
    return _session_response(tokens, 200)


@blueprint.post("/invitations/inspect")
@validate_request(InvitationTokenRequest)
@validate_response(InvitationInfo, 200)
@documents_errors(400, 413, 415, 429, 503)
async def inspect_invitation(data: InvitationTokenRequest) -> InvitationInfo:
    """What an invitation link offers (address, organization), for the page that accepts it."""
    state = get_state()
    ip_key = client_key(request.remote_addr)
    await _take_limit(state.login_ip_limiter, ip_key)
    session = current_session()
    row = await organization.valid_invitation(session, data.token)
    org = await organization.get_organization(session, state.settings)
    return InvitationInfo(email=row.email, role=row.role, organization=org.name)


@blueprint.post("/invitations/accept")
@validate_request(AcceptInvitationRequest)
@document_response(UserResponse, 201)
@documents_errors(400, 409, 413, 415, 429, 503)
async def accept_invitation(data: AcceptInvitationRequest) -> Response:
    """Open the invited account (its address is proven by the link) and sign in."""
    state = get_state()
    network = client_key(request.remote_addr)
    await _take_limit(state.signup_limiter, network)
    session = current_session()
    user = await organization.accept_invitation(
        session, state.settings, data.token, data.name, data.password, organization.request_origin()
    )
    tokens = await service.start_session(session, state.settings, user)
    return _session_response(tokens, 201)


@blueprint.post("/login")
@validate_request(LoginRequest)
@document_response(UserResponse, 200)
@documents_errors(400, 401, 403, 413, 415, 429, 503)
async def login(data: LoginRequest) -> Response:
    """Sign in with e-mail and password. Limited per IP, per account from one IP (strict) and
    per account from all IPs (loose), so knowing someone's e-mail is not enough to lock them
    out from their own address (429 + Retry-After). An account that never confirmed its
    address gets a new link (403 ``email_unverified``); with providers required by the
    organization, members sign in through them (403 ``sso_required``)."""
    state = get_state()
    ip_key = client_key(request.remote_addr)
    account_key = data.email.strip().lower()
    pair_key = f"{account_key}\n{ip_key}"
    await _check_limit(state.login_account_ip_limiter, pair_key)
    await _check_limit(state.login_account_limiter, account_key)
    await _take_limit(state.login_ip_limiter, ip_key)
    session = current_session()
    origin = organization.request_origin()
    try:
        user = await service.authenticate(session, state.settings, data.email, data.password)
    except service.EmailUnverifiedError as exc:
        await _resend_verification(exc.user)
        raise
    except Exception as exc:
        await state.login_account_ip_limiter.hit(pair_key)
        await state.login_account_limiter.hit(account_key)
        await organization.audit(
            session,
            organization.AuditAction.SIGN_IN_FAILED,
            actor_email=account_key[:320],
            origin=origin,
            details={"reason": getattr(exc, "code", "error")},
            organization_id=await organization.organization_id(session),
        )
        await session.commit()  # kept although we answer an error (as refresh reuse does)
        raise
    await state.login_account_ip_limiter.reset(pair_key)
    org = await organization.organization_of(session, state.settings, user)
    organization.check_password_sign_in(org, user)
    await organization.audit(
        session,
        organization.AuditAction.SIGN_IN,
        actor=user,
        origin=origin,
        details={"method": "password"},
    )
    tokens = await service.start_session(session, state.settings, user)
    return _session_response(tokens, 200)


async def _resend_verification(user: User) -> None:
    """A new link, at most as often as reset mails (no mail bombing through sign-in). With
    the limiter's store down no link goes out, and the answer stays ``email_unverified``."""
    state = get_state()
    try:
        if await state.reset_mail_limiter.take(user.email) is not None:
            return
    except LimiterUnavailableError:
        return
    current_app.add_background_task(_send_verification, user.id)


async def _send_verification(user_id: str) -> None:
    state = get_state()
    async with unit_of_work(state.sessions) as session:
        user = await service.get_user(session, user_id)
        if user is None or user.email_verified_at is not None:
            return
        token = await service.new_verification_token(session, state.settings, user)
        email = user.email
    await _send_quietly(
        mails.verify_email_mail(
            state.mailer,
            email,
            state.settings.server.public_url,
            token,
            state.settings.auth.email_verification_minutes,
        )
    )


@blueprint.post("/refresh")
@document_response(UserResponse, 200)
@documents_errors(401, 403)
async def refresh() -> Response:
    """Swap the refresh cookie for new cookies (rotation; a replayed token ends the family)."""
    token = request.cookies.get(cookie_names().refresh)
    if not token:
        raise UnauthorizedError("There is no session to refresh; sign in.")
    check_csrf()
    session = current_session()
    try:
        tokens = await service.rotate_refresh_token(session, get_state().settings, token)
    except service.RefreshReuseError:
        await session.commit()  # keep the revocation although we answer 401
        raise
    return _session_response(tokens, 200, keep_csrf=request.cookies.get(cookie_names().csrf))


@blueprint.post("/logout")
@document_response(NoContent, 204)
@documents_errors(403)
async def logout() -> Response:
    """End this session (its refresh family is revoked, so its access tokens stop working at
    once) and clear the cookies. A bearer access token ends its own session the same way."""
    if request.cookies.get(cookie_names().refresh) or request.cookies.get(cookie_names().access):
        check_csrf()
    bearer = bearer_token()
    access = request.cookies.get(cookie_names().access) or (
        bearer if bearer and not is_api_key(bearer) else None
    )
    ended = await service.end_session(
        current_session(), get_state().settings, request.cookies.get(cookie_names().refresh), access
    )
    for user_id, session_id in ended:
        current_app.add_background_task(_end_sockets, user_id, session_id, "You signed out.")
    response = empty_response(204)
    clear_session_cookies(response)
    return response


async def _end_sockets(user_id: str, session_id: str | None, message: str) -> None:
    """After the commit: a socket that reconnects at once must find the session revoked."""
    await rooms.end_user_sockets(get_state(), user_id, session_id=session_id, message=message)


@blueprint.get("/me")
@validate_response(UserOut, 200)
@documents_errors(401)
async def me() -> UserOut:
    """Who is signed in."""
    return _user_out(await require_user())


@blueprint.patch("/me")
@validate_request(PreferencesUpdate)
@validate_response(UserOut, 200)
@documents_errors(400, 401)
async def update_me(data: PreferencesUpdate) -> UserOut:
    """Changes the signed-in interviewer's preferences (how candidates enter their rooms)."""
    user = await require_user()
    await service.set_admit_candidates(current_session(), user, data.admit_candidates)
    return _user_out(user)


async def _send_quietly(message: EmailMessage) -> None:
    try:
        await get_state().mailer.send(message)
    except MailError as exc:
        log.error("password reset mail not sent: %s", exc)


@blueprint.post("/password/forgot")
@validate_request(ForgotPasswordRequest)
@validate_response(AcceptedResponse, 202)
@documents_errors(400, 413, 415, 429, 503)
async def forgot_password(data: ForgotPasswordRequest) -> tuple[AcceptedResponse, int]:
    """Mail a reset link if the address is registered; the answer is the same either way."""
    state = get_state()
    ip_key = client_key(request.remote_addr)
    await _take_limit(state.login_ip_limiter, ip_key)
    address_key = data.email.strip().lower()
    found = None
    if await state.reset_mail_limiter.take(address_key) is None:
        found = await service.start_password_reset(current_session(), state.settings, data.email)
    if found is not None:
        user, token = found
        message = mails.password_reset_mail(
            state.mailer,
            user.email,
            state.settings.server.public_url,
            token,
            state.settings.auth.password_reset_minutes,
        )
        # Sent after the answer, so the response time does not tell whether the address exists.
        current_app.add_background_task(_send_quietly, message)
    return AcceptedResponse(
        message="If this address has an account, a reset link is on its way."
    ), 202


@blueprint.post("/password/reset")
@validate_request(ResetPasswordRequest)
@document_response(NoContent, 204)
@documents_errors(400, 413, 415)
async def reset_password(data: ResetPasswordRequest) -> Response:
    """Set a new password with an e-mailed token; every session of the account ends, with its
    open room sockets, and every API key too if ``end_api_keys``."""
    session = current_session()
    user = await service.reset_password(
        session, get_state().settings, data.token, data.password, end_api_keys=data.end_api_keys
    )
    await organization.audit(
        session,
        organization.AuditAction.PASSWORD_RESET,
        actor=user,
        origin=organization.request_origin(),
        details={"api_keys_ended": data.end_api_keys},
    )
    current_app.add_background_task(
        _end_sockets, user.id, None, "Your password was changed; sign in again."
    )
    return empty_response(204)


@blueprint.post("/account/delete")
@validate_request(DeleteAccountRequest)
@validate_response(AcceptedResponse, 202)
@documents_errors(400, 401, 403, 413, 415, 429, 503)
async def request_account_deletion(data: DeleteAccountRequest) -> tuple[AcceptedResponse, int]:
    """Step one of two: mail a confirmation link (nothing is deleted yet). Wrong passwords are
    limited per account (429 + Retry-After), so a stolen session cannot guess the password."""
    user = await require_user()
    state = get_state()
    await _check_limit(state.password_check_limiter, user.id)
    try:
        token = await service.request_account_deletion(
            current_session(), state.settings, user, data.password
        )
    except ForbiddenError:  # wrong_password
        await state.password_check_limiter.hit(user.id)
        raise
    message = mails.account_delete_mail(
        state.mailer,
        user.email,
        state.settings.server.public_url,
        token,
        state.settings.auth.account_delete_minutes,
    )
    try:
        await state.mailer.send(message)
    except MailError as exc:
        raise ServiceUnavailableError(
            "The confirmation e-mail could not be sent; try again later.", code="mail_failed"
        ) from exc
    return AcceptedResponse(message="Check your e-mail to confirm deleting the account."), 202


@blueprint.post("/account/delete/confirm")
@validate_request(ConfirmDeleteRequest)
@document_response(NoContent, 204)
@documents_errors(400, 413, 415)
async def confirm_account_deletion(data: ConfirmDeleteRequest) -> Response:
    """Step two: the e-mailed token deletes the account and everything it owns; its open room
    sockets end."""
    session = current_session()
    user_id = await service.confirm_account_deletion(session, data.token, _close_rooms_of)
    await organization.audit(
        session,
        organization.AuditAction.ACCOUNT_DELETED,
        actor_email=None,
        origin=organization.request_origin(),
        target=f"user:{user_id}",
        organization_id=(await organization.get_organization(session, get_state().settings)).id,
    )
    current_app.add_background_task(_end_sockets, user_id, None, "The account was deleted.")
    response = empty_response(204)
    clear_session_cookies(response)
    return response


async def _close_rooms_of(user_id: str) -> None:
    await rooms.end_user_sockets(get_state(), user_id, message="The account was deleted.")
    ids = await interviews.ids_of_owner(current_session(), user_id)
    await rooms.close_live_rooms(
        get_state(), ids, "interview_deleted", "The interviewer's account was deleted."
    )


@blueprint.get("/oidc/providers")
@validate_response(list[OidcProviderOut], 200)
async def oidc_providers() -> list[OidcProviderOut]:
    """The configured OpenID Connect providers, for the sign-in page's buttons."""
    return [OidcProviderOut(id=p.id, name=p.name) for p in get_state().settings.oidc_providers]


@blueprint.get("/oidc/<provider_id>/login")
@document_response(Redirect, 302)
@documents_errors(404, 503)
async def oidc_login(provider_id: str) -> Response:
    """Start the authorization-code flow (state, nonce, PKCE) and redirect to the provider."""
    return await oidc.begin_login(provider_id)


@blueprint.get("/oidc/<provider_id>/callback")
@document_response(Redirect, 302)
@documents_errors(400, 401, 403, 404, 503)
async def oidc_callback(provider_id: str) -> Response:
    """Finish the flow: exchange the code, verify the ID token, sign in, redirect."""
    login = await oidc.finish_login(provider_id)
    response = redirect_response(login.next_path)
    set_session_cookies(response, login.tokens.access_token, login.tokens.refresh_token)
    oidc.clear_flow_cookie(response)
    return response
