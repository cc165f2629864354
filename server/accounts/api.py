"""``/api/auth/*``: thin handlers — authenticate, validate, call one service, answer."""

from __future__ import annotations

import logging
from email.message import EmailMessage

from quart import Blueprint, Response, current_app, request
from quart_schema import document_response, validate_request, validate_response

from server.accounts import mails, oidc, service
from server.accounts.auth import bearer_token, is_api_key, require_user
from server.accounts.schemas import (
    AcceptedResponse,
    ConfirmDeleteRequest,
    DeleteAccountRequest,
    ForgotPasswordRequest,
    LoginRequest,
    OidcProviderOut,
    PreferencesUpdate,
    RegisterRequest,
    ResetPasswordRequest,
    UserOut,
    UserResponse,
)
from server.interviews import service as interviews
from server.kit.db import current_session
from server.kit.errors import (
    ForbiddenError,
    RateLimitedError,
    ServiceUnavailableError,
    UnauthorizedError,
    documents_errors,
)
from server.kit.mail import MailError
from server.kit.openapi import NoContent, Redirect
from server.kit.ratelimit import SlidingWindowLimiter, client_key
from server.kit.responses import empty_response, json_response, redirect_response
from server.kit.security import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    check_csrf,
    clear_session_cookies,
    set_session_cookies,
)
from server.kit.state import get_state
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


def _check_limit(limiter: SlidingWindowLimiter, key: str) -> None:
    wait = limiter.retry_after(key)
    if wait is not None:
        raise RateLimitedError(f"Too many attempts; try again in {wait} seconds.", retry_after=wait)


@blueprint.post("/register")
@validate_request(RegisterRequest)
@document_response(UserResponse, 201)
@documents_errors(400, 409, 413, 415, 429)
async def register(data: RegisterRequest) -> Response:
    """Create an account and sign in (session cookies are set). Limited per client network
    (429 + Retry-After) before any password is hashed."""
    state = get_state()
    network = client_key(request.remote_addr)
    _check_limit(state.signup_limiter, network)
    state.signup_limiter.hit(network)
    session = current_session()
    user = await service.register(session, state.settings, data.email, data.password, data.name)
    tokens = await service.start_session(session, state.settings, user)
    return _session_response(tokens, 201)


@blueprint.post("/login")
@validate_request(LoginRequest)
@document_response(UserResponse, 200)
@documents_errors(400, 401, 413, 415, 429)
async def login(data: LoginRequest) -> Response:
    """Sign in with e-mail and password. Limited per IP, per account from one IP (strict) and
    per account from all IPs (loose), so knowing someone's e-mail is not enough to lock them
    out from their own address (429 + Retry-After)."""
    state = get_state()
    ip_key = client_key(request.remote_addr)
    account_key = data.email.strip().lower()
    pair_key = f"{account_key}\n{ip_key}"
    _check_limit(state.login_ip_limiter, ip_key)
    _check_limit(state.login_account_ip_limiter, pair_key)
    _check_limit(state.login_account_limiter, account_key)
    state.login_ip_limiter.hit(ip_key)
    session = current_session()
    try:
        user = await service.authenticate(session, state.settings, data.email, data.password)
    except Exception:
        state.login_account_ip_limiter.hit(pair_key)
        state.login_account_limiter.hit(account_key)
        raise
    state.login_account_ip_limiter.reset(pair_key)
    tokens = await service.start_session(session, state.settings, user)
    return _session_response(tokens, 200)


@blueprint.post("/refresh")
@document_response(UserResponse, 200)
@documents_errors(401, 403)
async def refresh() -> Response:
    """Swap the refresh cookie for new cookies (rotation; a replayed token ends the family)."""
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise UnauthorizedError("There is no session to refresh; sign in.")
    check_csrf()
    session = current_session()
    try:
        tokens = await service.rotate_refresh_token(session, get_state().settings, token)
    except service.RefreshReuseError:
        await session.commit()  # keep the revocation although we answer 401
        raise
    return _session_response(tokens, 200, keep_csrf=request.cookies.get(CSRF_COOKIE))


@blueprint.post("/logout")
@document_response(NoContent, 204)
@documents_errors(403)
async def logout() -> Response:
    """End this session (its refresh family is revoked, so its access tokens stop working at
    once) and clear the cookies. A bearer access token ends its own session the same way."""
    if request.cookies.get(REFRESH_COOKIE) or request.cookies.get(ACCESS_COOKIE):
        check_csrf()
    bearer = bearer_token()
    access = request.cookies.get(ACCESS_COOKIE) or (
        bearer if bearer and not is_api_key(bearer) else None
    )
    await service.end_session(
        current_session(), get_state().settings, request.cookies.get(REFRESH_COOKIE), access
    )
    response = empty_response(204)
    clear_session_cookies(response)
    return response


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
@documents_errors(400, 413, 415, 429)
async def forgot_password(data: ForgotPasswordRequest) -> tuple[AcceptedResponse, int]:
    """Mail a reset link if the address is registered; the answer is the same either way."""
    state = get_state()
    ip_key = client_key(request.remote_addr)
    _check_limit(state.login_ip_limiter, ip_key)
    state.login_ip_limiter.hit(ip_key)
    address_key = data.email.strip().lower()
    found = None
    if state.reset_mail_limiter.retry_after(address_key) is None:
        state.reset_mail_limiter.hit(address_key)
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
    """Set a new password with an e-mailed token; every session of the account ends."""
    await service.reset_password(current_session(), get_state().settings, data.token, data.password)
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
    _check_limit(state.password_check_limiter, user.id)
    try:
        token = await service.request_account_deletion(
            current_session(), state.settings, user, data.password
        )
    except ForbiddenError:  # wrong_password
        state.password_check_limiter.hit(user.id)
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
    """Step two: the e-mailed token deletes the account and everything it owns."""
    await service.confirm_account_deletion(current_session(), data.token, _close_rooms_of)
    response = empty_response(204)
    clear_session_cookies(response)
    return response


async def _close_rooms_of(user_id: str) -> None:
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
@documents_errors(400, 401, 404, 503)
async def oidc_callback(provider_id: str) -> Response:
    """Finish the flow: exchange the code, verify the ID token, sign in, redirect."""
    login = await oidc.finish_login(provider_id)
    response = redirect_response(login.next_path)
    set_session_cookies(response, login.tokens.access_token, login.tokens.refresh_token)
    oidc.clear_flow_cookie(response)
    return response
