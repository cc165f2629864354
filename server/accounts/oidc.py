"""Sign-in through any OpenID Connect provider: authorization code + state + nonce + PKCE.

The provider is found by discovery (``{issuer}/.well-known/openid-configuration``). The browser
carries the flow's secrets (state, nonce, PKCE verifier, where to go next) in a short-lived,
signed, httpOnly cookie scoped to ``/api/auth/oidc``, so nothing is kept on the server between the
two legs. The ID token is verified here — signature against the provider's JWKS, issuer,
audience, expiry, nonce — and only then trusted; an e-mail is used to link an existing account
only if the provider marks it verified.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import posixpath
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

import aiohttp
import jwt
from quart import Response, request

from server.accounts import service
from server.kit import jwt as tokens
from server.kit.db import current_session
from server.kit.errors import (
    BadRequestError,
    NotFoundError,
    ServiceUnavailableError,
    UnauthorizedError,
)
from server.kit.responses import redirect_response
from server.kit.security import new_secret
from server.kit.state import get_state
from server.organization import service as organization
from server.settings import OidcProviderSettings, Settings

log = logging.getLogger(__name__)

FLOW_COOKIE = "onsite_oidc"
FLOW_COOKIE_PATH = "/api/auth/oidc"
FLOW_SECONDS = 600
FLOW_KIND = "oidc_flow"
DISCOVERY_TTL_SECONDS = 3600
CLOCK_LEEWAY_SECONDS = 30
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)


@dataclass
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    fetched_at: float
    jwks: dict[str, Any] | None = None


@dataclass(frozen=True)
class OidcLogin:
    tokens: service.SessionTokens
    next_path: str
    """Where the browser goes after signing in (a same-site path)."""


class OidcError(UnauthorizedError):
    code = "oidc_failed"


# ---- discovery ---------------------------------------------------------------------------------


def _cache() -> dict[str, ProviderMetadata]:
    extras = get_state().extras
    cache: dict[str, ProviderMetadata] = extras.setdefault("oidc_metadata", {})
    return cache


async def _get_json(url: str, what: str) -> dict[str, Any]:
    try:
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http, http.get(url) as resp:
            if resp.status != 200:
                raise ServiceUnavailableError(
                    f"The sign-in provider's {what} answered HTTP {resp.status}.",
                    code="oidc_provider_unavailable",
                )
            data = await resp.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise ServiceUnavailableError(
            f"The sign-in provider's {what} could not be read: {exc}",
            code="oidc_provider_unavailable",
        ) from exc
    if not isinstance(data, dict):
        raise ServiceUnavailableError(
            f"The sign-in provider's {what} is not a JSON object.", code="oidc_provider_unavailable"
        )
    return data


async def metadata(provider: OidcProviderSettings) -> ProviderMetadata:
    cache = _cache()
    cached = cache.get(provider.id)
    if cached is not None and time.monotonic() - cached.fetched_at < DISCOVERY_TTL_SECONDS:
        return cached
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    doc = await _get_json(url, "discovery document")
    try:
        meta = ProviderMetadata(
            issuer=str(doc["issuer"]),
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
            fetched_at=time.monotonic(),
        )
    except KeyError as exc:
        raise ServiceUnavailableError(
            f"The sign-in provider's discovery document lacks {exc}.",
            code="oidc_provider_unavailable",
        ) from exc
    if meta.issuer.rstrip("/") != provider.issuer.rstrip("/"):
        raise ServiceUnavailableError(
            "The sign-in provider's discovery document names another issuer.",
            code="oidc_provider_unavailable",
        )
    cache[provider.id] = meta
    return meta


async def _jwks(meta: ProviderMetadata, refresh: bool = False) -> dict[str, Any]:
    if meta.jwks is None or refresh:
        meta.jwks = await _get_json(meta.jwks_uri, "key set")
    return meta.jwks


# ---- ID token verification (pure) --------------------------------------------------------------


def verify_id_token(
    id_token: str,
    jwks: dict[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    leeway: int = CLOCK_LEEWAY_SECONDS,
) -> dict[str, Any]:
    """The claims of a genuine ID token for us; ``OidcError`` for anything else."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise OidcError("The sign-in provider sent a malformed ID token.") from exc
    algorithm = header.get("alg")
    if algorithm not in ID_TOKEN_ALGORITHMS:
        raise OidcError(f"The ID token uses an algorithm we do not accept ({algorithm}).")
    try:
        key_set = jwt.PyJWKSet.from_dict(jwks)
    except jwt.PyJWTError as exc:
        raise OidcError("The sign-in provider's key set is unusable.") from exc
    kid = header.get("kid")
    candidates = [k for k in key_set.keys if kid is None or k.key_id == kid]
    if not candidates:
        raise OidcError("The ID token was signed with a key the provider does not publish.")
    last: Exception | None = None
    for key in candidates:
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key.key,
                algorithms=[str(algorithm)],
                audience=client_id,
                issuer=issuer,
                leeway=leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
            break
        except jwt.ExpiredSignatureError as exc:
            raise OidcError("The ID token has expired.") from exc
        except jwt.InvalidAudienceError as exc:
            raise OidcError("The ID token was issued for another application.") from exc
        except jwt.InvalidIssuerError as exc:
            raise OidcError("The ID token comes from another issuer.") from exc
        except jwt.PyJWTError as exc:
            last = exc
    else:
        raise OidcError(f"The ID token's signature is not valid ({last}).")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce, nonce):
        raise OidcError("The ID token does not answer this sign-in (nonce mismatch).")
    azp = claims.get("azp")
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and azp != client_id:
        raise OidcError("The ID token was issued for another application.")
    return claims


# ---- the flow cookie ---------------------------------------------------------------------------


def _redirect_uri(settings: Settings, provider_id: str) -> str:
    return f"{settings.server.public_url.rstrip('/')}/api/auth/oidc/{provider_id}/callback"


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site, or ``/``.

    Parsed, not pattern-matched: no scheme, no host, one leading slash, no backslash (browsers
    read it as a slash). A value holding control characters is refused outright: browsers drop
    a tab or newline from a URL (``/\t/evil.example`` becomes ``//evil.example``), and a
    newline cannot go into a ``Location`` header at all.
    """
    if not value:
        return "/"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise BadRequestError(
            "The page to return to after signing in is not a valid address.", code="invalid_next"
        )
    parts = urlsplit(value)
    path = parts.path
    if (
        parts.scheme
        or parts.netloc
        or not path.startswith("/")
        or path.startswith("//")
        or "\\" in value
        or "%5c" in value.lower()
    ):
        return "/"
    normal = posixpath.normpath(unquote(path))
    if normal.startswith("//") or not normal.startswith("/"):
        return "/"
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def _provider(provider_id: str) -> OidcProviderSettings:
    provider = get_state().settings.oidc_provider(provider_id)
    if provider is None:
        raise NotFoundError(
            f"There is no sign-in provider called {provider_id!r}.", code="unknown_provider"
        )
    return provider


async def begin_login(provider_id: str) -> Response:
    settings = get_state().settings
    provider = _provider(provider_id)
    meta = await metadata(provider)
    state, nonce, verifier = new_secret(24), new_secret(24), new_secret(48)
    flow = tokens.encode(
        FLOW_KIND,
        {
            "prv": provider.id,
            "state": state,
            "nonce": nonce,
            "pkce": verifier,
            "next": _safe_next(request.args.get("next")),
        },
        timedelta(seconds=FLOW_SECONDS),
        secret=settings.auth.jwt_secret,
    )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": _redirect_uri(settings, provider.id),
            "scope": " ".join(provider.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": _pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in meta.authorization_endpoint else "?"
    response = redirect_response(f"{meta.authorization_endpoint}{separator}{query}")
    response.set_cookie(
        FLOW_COOKIE,
        flow,
        max_age=FLOW_SECONDS,
        path=FLOW_COOKIE_PATH,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="Lax",
    )
    return response


def _read_flow(settings: Settings, provider_id: str) -> dict[str, Any]:
    raw = request.cookies.get(FLOW_COOKIE)
    if not raw:
        raise BadRequestError(
            "The sign-in took too long or was started elsewhere; try again.",
            code="oidc_state_missing",
        )
    try:
        flow = tokens.decode(raw, FLOW_KIND, secret=settings.auth.jwt_secret)
    except tokens.TokenError as exc:
        raise BadRequestError(
            "The sign-in took too long; try again.", code="oidc_state_missing"
        ) from exc
    if flow.get("prv") != provider_id:
        raise BadRequestError(
            "The sign-in was started for another provider; try again.", code="oidc_state_mismatch"
        )
    return flow


async def _exchange_code(
    provider: OidcProviderSettings,
    meta: ProviderMetadata,
    code: str,
    redirect_uri: str,
    verifier: str,
) -> str:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "code_verifier": verifier,
    }
    try:
        async with (
            aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http,
            http.post(
                meta.token_endpoint, data=form, headers={"Accept": "application/json"}
            ) as resp,
        ):
            body = await resp.json(content_type=None)
            status = resp.status
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise ServiceUnavailableError(
            f"The sign-in provider's token endpoint could not be reached: {exc}",
            code="oidc_provider_unavailable",
        ) from exc
    if status != 200 or not isinstance(body, dict):
        detail = body.get("error") if isinstance(body, dict) else None
        raise OidcError(f"The sign-in provider refused the code ({detail or status}).")
    id_token = body.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("The sign-in provider sent no ID token.")
    return id_token


async def finish_login(provider_id: str) -> OidcLogin:
    settings = get_state().settings
    provider = _provider(provider_id)
    if "error" in request.args:
        reason = request.args.get("error_description") or request.args["error"]
        raise OidcError(f"The sign-in provider refused: {reason}", code="oidc_refused")
    flow = _read_flow(settings, provider_id)
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if not state or not hmac.compare_digest(state, str(flow.get("state", ""))):
        raise BadRequestError(
            "The sign-in answer does not match this browser's sign-in.", code="oidc_state_mismatch"
        )
    if not code:
        raise BadRequestError("The sign-in provider sent no code.", code="oidc_code_missing")
    meta = await metadata(provider)
    id_token = await _exchange_code(
        provider, meta, code, _redirect_uri(settings, provider.id), str(flow["pkce"])
    )
    nonce = str(flow["nonce"])

    def verify(keys: dict[str, Any]) -> dict[str, Any]:
        return verify_id_token(
            id_token, keys, issuer=meta.issuer, client_id=provider.client_id, nonce=nonce
        )

    jwks = await _jwks(meta)
    try:
        claims = verify(jwks)
    except OidcError:
        # The provider may have rotated its keys since we cached them: look once more.
        refreshed = await _jwks(meta, refresh=True)
        if refreshed == jwks:
            raise
        claims = verify(refreshed)
    email = claims.get("email") if claims.get("email_verified") is True else None
    name = claims.get("name")
    session = current_session()
    organization.check_provider_allowed(
        await organization.get_organization(session, settings), provider.id
    )

    signed_up: list[str] = []

    async def admit(address: str) -> tuple[str, str]:
        """Only asked when the identity makes a new account."""
        admission = await organization.admit_signup(session, settings, address, through="oidc")
        signed_up.append(address)
        return admission.organization_id, admission.role

    user = await service.user_for_oidc_identity(
        session,
        provider.id,
        str(claims["sub"]),
        str(email).lower() if isinstance(email, str) else None,
        str(name) if isinstance(name, str) else None,
        admit,
    )
    signed_in = organization.AuditAction.SIGN_IN
    actions = [organization.AuditAction.SIGN_UP, signed_in] if signed_up else [signed_in]
    for action in actions:
        await organization.audit(
            session,
            action,
            actor=user,
            origin=organization.request_origin(),
            details={"method": "oidc", "provider": provider.id},
        )
    tokens = await service.start_session(session, settings, user)
    return OidcLogin(tokens=tokens, next_path=_safe_next(str(flow.get("next", "/"))))


def clear_flow_cookie(response: Response) -> None:
    response.delete_cookie(FLOW_COOKIE, path=FLOW_COOKIE_PATH)
