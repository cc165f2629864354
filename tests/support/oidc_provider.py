"""A small but real OpenID Connect provider for tests (aiohttp, loopback, RS256).

It serves discovery, JWKS, an ``/authorize`` that signs in ``provider.user`` at once (no login
page) and a ``/token`` endpoint that checks the client secret, the single-use code, the redirect
URI and the PKCE verifier before issuing an ID token. ``provider.tamper`` makes the *next* ID
token wrong in one way (expired, another audience, another issuer, a foreign key, a wrong or
missing nonce, ``alg: none``), so tests can show the server refuses each.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.net import free_port

TAMPER_MODES = (
    "expired",
    "wrong_audience",
    "wrong_issuer",
    "foreign_key",
    "wrong_nonce",
    "no_nonce",
    "alg_none",
    "unknown_kid",
)


@dataclass
class PendingCode:
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    user: dict[str, Any]


@dataclass
class OidcProvider:
    client_id: str = "onsite-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    user: dict[str, Any] = field(
        default_factory=lambda: {
            "sub": "user-123",
            "email": "oidc.user@example.com",
            "email_verified": True,
            "name": "Oidc User",
        }
    )
    tamper: str | None = None
    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.codes: dict[str, PendingCode] = {}
        self.token_requests: list[dict[str, str]] = []
        self._runner: web.AppRunner | None = None

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ---- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/jwks", self._jwks)
        app.router.add_get("/authorize", self._authorize)
        app.router.add_post("/token", self._token)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---- endpoints ------------------------------------------------------------------------------

    async def _discovery(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def _jwks(self, request: web.Request) -> web.Response:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return web.json_response({"keys": [jwk]})

    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("response_type") != "code" or q.get("client_id") != self.client_id:
            return web.json_response({"error": "invalid_request"}, status=400)
        redirect_uri = q.get("redirect_uri", "")
        code = secrets.token_urlsafe(16)
        challenge = q.get("code_challenge") if q.get("code_challenge_method") == "S256" else None
        self.codes[code] = PendingCode(
            self.client_id, redirect_uri, q.get("nonce"), challenge, dict(self.user)
        )
        target = f"{redirect_uri}?{urlencode({'code': code, 'state': q.get('state', '')})}"
        raise web.HTTPFound(target)

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append(form)
        if form.get("client_id") != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        pending = self.codes.pop(form.get("code", ""), None)
        if pending is None or pending.redirect_uri != form.get("redirect_uri"):
            return web.json_response({"error": "invalid_grant"}, status=400)
        if pending.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != pending.code_challenge:
                return web.json_response({"error": "invalid_grant"}, status=400)
        return web.json_response(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(pending),
            }
        )

    # ---- tokens ---------------------------------------------------------------------------------

    def id_token(self, pending: PendingCode) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            **pending.user,
        }
        if pending.nonce is not None:
            claims["nonce"] = pending.nonce
        key: Any = self.key
        headers = {"kid": self.kid}
        algorithm = "RS256"
        mode, self.tamper = self.tamper, None
        if mode == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 600
        elif mode == "wrong_audience":
            claims["aud"] = "someone-else"
        elif mode == "wrong_issuer":
            claims["iss"] = "http://evil.example"
        elif mode == "foreign_key":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif mode == "wrong_nonce":
            claims["nonce"] = "not-the-nonce"
        elif mode == "no_nonce":
            claims.pop("nonce", None)
        elif mode == "unknown_kid":
            headers["kid"] = "nobody-knows-me"
        elif mode == "alg_none":
            return _unsigned_token(claims)
        return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


def _unsigned_token(claims: dict[str, Any]) -> str:
    import json

    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
