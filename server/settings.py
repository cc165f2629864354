"""One settings object for the whole server: ``config/defaults.toml`` overlaid by ``ONSITE_*``.

Each section is its own pydantic model so a slice can add a field to its own section (``rooms``,
``mail``) without touching anyone else's. Environment variables are named
``ONSITE_<SECTION>_<KEY>`` (``ONSITE_SERVER_PORT=9000``) or ``ONSITE_<KEY>`` for top-level keys
(``ONSITE_DATABASE_URL``); list and table values are given as JSON (``ONSITE_OIDC_PROVIDERS``).

Secrets are never committed: a missing JWT signing key is generated once into the data directory
and read back on every later start, and ``environment = "production"`` refuses a placeholder.

A *multi-node* configuration (``Settings.multi_node``: ``[server] multi_node = true``, a
``[redis] url``, or ``[engine] backend = "redis"``) has several processes that must accept each
other's tokens and TURN credentials, so it refuses to start unless every shared secret
(``[auth] jwt_secret``, ``[turn] secret`` when TURN is on) is given explicitly: generated into
each node's own data directory, each node would sign with a key the others refuse.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import logging
import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = REPO_ROOT / "config" / "defaults.toml"
ENV_PREFIX = "ONSITE_"
# Variables with our prefix that are not settings (test harness, tooling).
_NOT_SETTINGS_PREFIXES = ("ONSITE_TEST_", "ONSITE_CONFIG")
# Values that look like secrets but are someone's placeholder; refused in production.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "dev", "development", "test"}
)
MIN_SECRET_LENGTH = 32
TEST_SHARED_SECRET = "test-only-shared-secret-for-every-node-of-a-test-cluster"
"""What ``Settings.for_tests`` gives a multi-node test configuration that names no secret (the
same for every node, as an operator gives one to all); never read outside tests."""


class SettingsError(Exception):
    """The configuration cannot be used; the message says which key and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    public_url: str = "http://127.0.0.1:8000"
    allow_insecure_http: bool = False
    """Production refuses an ``http://`` public URL (cookies and tokens would cross the network
    in the clear) unless this says the operator knows, e.g. TLS ends at a proxy on this host."""
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    client_dist: Path = REPO_ROOT / "client" / "dist"
    database_connect_attempts: int = Field(default=8, ge=1)
    database_connect_backoff_seconds: float = Field(default=0.5, ge=0)
    multi_node: bool = False
    """Several ``onsite serve`` processes serve this installation (behind haproxy). Requires
    PostgreSQL and ``[redis] url`` (SQLite cannot be shared between hosts; without Redis every
    process would keep its own sign-in throttles) and explicitly given secrets."""
    gc_gen0_threshold: int = Field(default=50_000, ge=0)
    """Allocations between young-generation collections under ``onsite serve``; 0 keeps
    Python's 700. The room keeps thousands of short-lived keystroke tasks in flight, and at 700
    they were promoted to the old generation and paid for with ~90 ms full collections."""


class AuthSettings(_Section):
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=14, ge=1)
    bcrypt_rounds: int = Field(default=12, ge=4, le=31)
    jwt_secret: str = ""
    """HS256 signing key; empty means "generate once into <data_dir>/secrets/jwt_secret"."""
    cookie_secure: bool = False
    """Set the Secure flag on cookies even when ``[server] public_url`` is not https (it is
    always set when it is)."""
    password_reset_minutes: int = Field(default=60, ge=1)
    account_delete_minutes: int = Field(default=60, ge=1)
    login_attempts_per_ip: int = Field(default=20, ge=1)
    login_attempts_per_account: int = Field(default=5, ge=1)
    """Failed sign-ins per account *from one IP* per window: strict, and a stranger's failures
    from elsewhere never count against the owner's own address."""
    login_attempts_per_account_all_ips: int = Field(default=100, ge=1)
    """Failed sign-ins per account from all IPs together per window: a much higher bound that
    slows guessing spread over many addresses without handing a lockout to anyone who knows
    the e-mail (they would need the per-IP limit times this many / 20 addresses)."""
    login_window_seconds: int = Field(default=300, ge=1)
    reset_mails_per_address: int = Field(default=3, ge=1)
    """Reset (and verification) mails per address per login window; more are silently not
    sent (no mail bombing)."""
    signups_per_ip: int = Field(default=10, ge=1)
    """Sign-ups per client network (IPv4 address, IPv6 /64) per login window."""
    require_email_verification: bool = True
    """A new account proves its address through a mailed link before it can sign in or be
    linked to an OpenID Connect identity, and sign-up answers the same whether or not the
    address has an account. Off (tests, a closed lab): sign-up signs in at once."""
    email_verification_minutes: int = Field(default=24 * 60, ge=1)
    cookie_host_prefix: bool = True
    """With an https public URL, the session and CSRF cookies are named ``__Host-…``: the
    browser then only accepts them Secure, for this exact host, at path ``/``."""


class OrganizationSettings(_Section):
    """The installation's organization; what an admin changes lives in the database."""

    name: str = Field(default="Onsite", min_length=1, max_length=200)
    initial_signup_policy: Literal["closed", "invitation", "domains", "sso", "open"] = "closed"
    """The sign-up policy a new organization starts with once its first account (its admin)
    exists. The admin changes it on the admin page."""
    invitation_days: int = Field(default=7, ge=1, le=90)
    mails_per_account_per_day: int = Field(default=50, ge=1)
    """Invitation mails (members, candidates) one account may send per day, when the admin
    has not limited invitations to listed domains."""
    retention_check_minutes: int = Field(default=60, ge=1)
    """How often the retention purge looks for completed interviews past the admin's limit."""


class QuotaSettings(_Section):
    """Per-account bounds on code runs, so one account cannot take the engine from everyone."""

    runs_concurrent_per_account: int = Field(default=2, ge=1)
    """Runs one account may have queued or running at once (REST, Judge0, Piston, its rooms)."""
    runs_per_minute_per_account: int = Field(default=60, ge=1)


class MailSettings(_Section):
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: Literal["auto", "starttls", "tls", "none"] = "auto"
    """``auto``: STARTTLS whenever the server offers it; ``starttls``: refuse to send without it;
    ``tls``: implicit TLS (port 465); ``none``: plain text, for a relay on the same host."""
    smtp_ca_file: str = ""
    """CA bundle to verify the SMTP server with (empty: the system's)."""
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    from_address: str = "Onsite <onsite@localhost>"


class RoomsSettings(_Section):
    reconnect_grace_seconds: int = Field(default=30, ge=0)
    stun_urls: list[str] = Field(default_factory=list)
    """Extra STUN servers; none by default (the installation's own TURN server answers STUN)."""
    turn_urls: list[str] = Field(default_factory=list)
    """Extra TURN servers (``turn:host:3478``) that share ``[turn] secret`` (coturn's
    ``static-auth-secret``): clients get the same short-lived credentials for them."""
    # Bounds of one room, so a join-link holder cannot grow a room (or the server) without end.
    max_participants: int = Field(default=8, ge=1)
    """Distinct people in one room (a participant away within the grace period still counts)."""
    max_sockets: int = Field(default=12, ge=1)
    """Open or opening Socket.IO connections to one room."""
    max_doc_bytes: int = Field(default=4 * 1024 * 1024, ge=65536)
    """Encoded size of each shared document (code, notes, whiteboard)."""
    max_log_bytes: int = Field(default=64 * 1024 * 1024, ge=65536)
    """Update-log bytes of one interview, every document together."""
    max_candidate_tokens: int = Field(default=20, ge=1)
    """Candidate tokens issued for one join code; rotating the link starts a new count."""
    max_send_queue: int = Field(default=2000, ge=16)
    """Packets waiting for one slow socket; past it the socket is disconnected."""
    playback_page_bytes: int = Field(default=1024 * 1024, ge=4096)
    """Update bytes in one playback page (a page also ends at its row limit)."""
    # Several server processes (PostgreSQL): each room is owned by one of them.
    moved_retry_ms: int = Field(default=400, ge=50, le=60_000)
    """How long a client sent away (``room_moved``) waits before it reconnects."""
    handover_min_seconds: float = Field(default=5.0, ge=0, le=3600)
    """A process keeps a room it took at least this long before handing it to another that
    asks, so two proxies that disagree cannot bounce a room between processes."""


class TurnSettings(_Section):
    """The installation's own TURN/STUN server (coturn), and the credentials clients get for it.

    Clients never see the shared secret: each join gets a username ``<expiry>:<participant>``
    and an HMAC of it (the TURN REST API scheme coturn implements), valid until the expiry.
    """

    enabled: bool = True
    host: str = ""
    """The address browsers reach coturn at; empty: the host of ``[server] public_url``."""
    port: int = Field(default=3478, ge=1, le=65535)
    listen_ip: str = "127.0.0.1"
    """Where ``onsite turn-config`` makes coturn listen (``0.0.0.0`` behind a public address)."""
    realm: str = Field(default="onsite", pattern=r"^[A-Za-z0-9.-]{1,64}$")
    secret: str = ""
    """Shared with coturn; empty: generated once into ``<data_dir>/secrets/turn_secret``."""
    credential_ttl_seconds: int = Field(default=4 * 3600, ge=60, le=7 * 24 * 3600)
    """How long one join's TURN credential is valid: long enough for an interview (coturn
    checks it again on every allocation refresh), short enough that a leaked one soon dies."""
    relay_only: bool = False
    """Clients use relayed candidates only, so no participant learns another's IP addresses."""
    relay_min_port: int = Field(default=49160, ge=1024, le=65535)
    relay_max_port: int = Field(default=49200, ge=1024, le=65535)
    allow_loopback_peers: bool = False
    """Tests only: both browsers on one machine relay to each other over loopback."""


class Judge0Settings(_Section):
    """The Judge0-compatible surface (``/api/judge0``); its limits are the engine's maxima."""

    max_queue_size: int = Field(default=100, ge=1)
    """Submissions queued or running at once (all accounts); more answer 503 "queue is full"."""
    max_queue_per_account: int = Field(default=25, ge=1)
    """Of those, one account's at most: one script cannot fill the queue for everyone."""
    max_submission_batch_size: int = Field(default=20, ge=1, le=1000)
    callback_allowed_hosts: list[str] = Field(default_factory=list)
    """Host names (or IP literals) ``callback_url`` may name; empty: callbacks are refused."""
    callback_allow_private: bool = False
    """Allow callbacks to loopback, private, link-local and reserved addresses (tests, LANs)."""
    callbacks_max_tries: int = Field(default=3, ge=1, le=10)
    callbacks_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    callbacks_retry_delay_seconds: float = Field(default=1.0, ge=0, le=60)
    read_hold_ms: int = Field(default=100, ge=0, le=5000)
    """A read of a submission still running here waits up to this long for it (0: never)."""


class OidcProviderSettings(_Section):
    """One OpenID Connect provider (Google, Okta, Keycloak, Azure AD…), found by discovery."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    name: str
    issuer: str
    client_id: str
    client_secret: str = ""
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])


class RedisSettings(_Section):
    url: str = ""
    """Empty: everything stays in this process (the embedded default). ``redis://…`` shares
    rate limits between processes and, with ``[engine] backend = "redis"``, carries the runs."""
    key_prefix: str = Field(default="onsite", pattern=r"^[A-Za-z0-9_.-]{1,32}$")
    """Every key Onsite writes starts with ``<key_prefix>:``, so ACLs can fence it in and two
    installations can share one Redis."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data_dir: Path = Path("data")
    environment: Literal["development", "test", "production"] = "development"
    database_url: str = ""
    """Empty: SQLite in the data directory. ``postgresql+asyncpg://…`` for PostgreSQL."""
    database_schema: str = ""
    """PostgreSQL only: the schema to use (``search_path``); empty means the server default."""
    server: ServerSettings = Field(default_factory=ServerSettings)
    engine: dict[str, Any] = Field(default_factory=dict)
    """Passed through to ``runners`` untouched; the engine validates its own section."""
    auth: AuthSettings = Field(default_factory=AuthSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    rooms: RoomsSettings = Field(default_factory=RoomsSettings)
    turn: TurnSettings = Field(default_factory=TurnSettings)
    judge0: Judge0Settings = Field(default_factory=Judge0Settings)
    organization: OrganizationSettings = Field(default_factory=OrganizationSettings)
    quotas: QuotaSettings = Field(default_factory=QuotaSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    oidc: dict[str, Any] = Field(default_factory=dict)
    """Raw ``[oidc]`` table; use ``oidc_providers``."""
    oidc_providers: list[OidcProviderSettings] = Field(default_factory=list)

    # ---- construction -------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        config_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Defaults file, then an optional extra TOML file (``ONSITE_CONFIG``), then env vars."""
        env = os.environ if environ is None else environ
        data = _read_toml(DEFAULTS_FILE)
        check_known_keys(data, DEFAULTS_FILE)
        extra = config_file or (Path(env["ONSITE_CONFIG"]) if env.get("ONSITE_CONFIG") else None)
        if extra is not None:
            overlay = _read_toml(extra)
            check_known_keys(overlay, extra)
            _deep_merge(data, overlay)
        _deep_merge(data, _env_overrides(env))
        settings = cls._validated(data)
        settings.check_transport()
        settings.check_multi_node()
        settings.resolve_secrets()
        return settings

    @classmethod
    def for_tests(cls, tmp_path: Path, **overrides: Any) -> Settings:
        """Settings for a test: data in ``tmp_path``, cheap bcrypt, mail to the outbox.

        ``overrides`` are top-level keys or whole sections given as dicts, merged over the
        defaults file (env vars are ignored so a developer's shell cannot change a test).
        """
        data = _read_toml(DEFAULTS_FILE)
        base: dict[str, Any] = {
            "data_dir": str(tmp_path / "data"),
            "environment": "test",
            "auth": {"bcrypt_rounds": 4},
            "mail": {"smtp_host": ""},
            "server": {"client_dist": str(tmp_path / "no-client-dist")},
        }
        _deep_merge(data, base)
        _deep_merge(data, overrides)
        settings = cls._validated(data)
        if settings.multi_node:
            settings.auth.jwt_secret = settings.auth.jwt_secret or TEST_SHARED_SECRET
            settings.turn.secret = settings.turn.secret or TEST_SHARED_SECRET
        settings.check_multi_node()
        settings.resolve_secrets()
        return settings

    @classmethod
    def _validated(cls, data: dict[str, Any]) -> Settings:
        oidc = data.get("oidc") or {}
        if "providers" in oidc and "oidc_providers" not in data:
            data["oidc_providers"] = oidc["providers"]
            data["oidc"] = {k: v for k, v in oidc.items() if k != "providers"}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(f"invalid settings: {exc}") from exc

    # ---- derived values -----------------------------------------------------------------------

    def resolve_secrets(self) -> None:
        """Fill missing secrets (the signing key, the TURN secret) from, or generate them once
        into, the data directory."""
        secret = self.auth.jwt_secret
        if secret:
            if self.environment == "production" and (
                secret.lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH
            ):
                raise SettingsError(
                    "auth.jwt_secret looks like a placeholder; in production set a random value "
                    f"of at least {MIN_SECRET_LENGTH} characters, or leave it empty to have one "
                    "generated into the data directory"
                )
        else:
            self.auth.jwt_secret = self._stored_secret("jwt_secret", "a JWT signing key")
        if self.turn.enabled and not self.turn.secret:
            self.turn.secret = self._stored_secret("turn_secret", "a TURN shared secret")

    def _stored_secret(self, name: str, what: str) -> str:
        path = self.data_dir / "secrets" / name
        if path.exists():
            value = path.read_text().strip()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            value = secrets.token_urlsafe(48)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(value + "\n")
            log.info("generated %s into %s", what, path)
        if len(value) < MIN_SECRET_LENGTH:
            raise SettingsError(f"the secret in {path} is too short; delete it to regenerate")
        return value

    @property
    def multi_node(self) -> bool:
        """More than one process serves this installation, or may: ``[server] multi_node``, a
        shared store (``[redis] url``), or runs through Redis (``[engine] backend``)."""
        return (
            self.server.multi_node
            or bool(self.redis.url)
            or self.engine.get("backend", "local") == "redis"
        )

    def multi_node_reason(self) -> str:
        if self.server.multi_node:
            return "server.multi_node is true"
        if self.redis.url:
            return "redis.url is set"
        return 'engine.backend is "redis"'

    def check_multi_node(self) -> None:
        """A multi-node configuration shares its database, its Redis and its secrets."""
        if not self.multi_node:
            return
        reason = self.multi_node_reason()
        if self.server.multi_node and not self.database_url.startswith("postgresql"):
            raise SettingsError(
                "server.multi_node is true but database_url is not PostgreSQL "
                f"({self.database_url or 'empty: SQLite in the data directory'}); every node "
                "must use the same PostgreSQL database (postgresql+asyncpg://…)"
            )
        if self.server.multi_node and not self.redis.url:
            raise SettingsError(
                "server.multi_node is true but redis.url is empty; the nodes share their sign-in "
                "throttles and run quotas through Redis (without it each node would allow the "
                "full number of attempts on its own)"
            )
        missing = []
        if not self.auth.jwt_secret:
            missing.append("auth.jwt_secret (ONSITE_AUTH_JWT_SECRET)")
        if self.turn.enabled and not self.turn.secret:
            missing.append("turn.secret (ONSITE_TURN_SECRET)")
        if missing:
            raise SettingsError(
                f"this is a multi-node configuration ({reason}), so every node must be given "
                f"the same secrets; set {' and '.join(missing)} in the site config or the "
                "environment. Left empty, each node would generate its own into its data "
                "directory and refuse the tokens and TURN credentials the others issue."
            )

    @property
    def uses_https(self) -> bool:
        return self.server.public_url.lower().startswith("https://")

    @property
    def secure_cookies(self) -> bool:
        return self.auth.cookie_secure or self.uses_https

    def check_transport(self) -> None:
        """Production serves over TLS: an ``http`` public URL is refused unless allowed."""
        if (
            self.environment == "production"
            and not self.uses_https
            and not self.server.allow_insecure_http
        ):
            raise SettingsError(
                f"server.public_url is {self.server.public_url!r}; in production it must be "
                "https (sign-in cookies and room links would otherwise cross the network in the "
                "clear). If TLS ends in front of this server on the same host, set "
                "server.allow_insecure_http = true."
            )

    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'onsite.sqlite3').resolve()}"

    def oidc_provider(self, provider_id: str) -> OidcProviderSettings | None:
        return next((p for p in self.oidc_providers if p.id == provider_id), None)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise SettingsError(f"settings file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from exc


def _engine_keys() -> frozenset[str]:
    """``[engine]`` belongs to ``runners``; its dataclass names the keys it understands."""
    from runners.settings import EngineSettings

    return frozenset(f.name for f in dataclasses.fields(EngineSettings))


def _known_keys(section: str) -> frozenset[str]:
    if section == "engine":
        return _engine_keys()
    if section == "oidc":
        return frozenset({"providers"})
    model = Settings.model_fields[section].annotation
    assert isinstance(model, type) and issubclass(model, BaseModel), section
    return frozenset(model.model_fields)


def _unknown_key_error(path: Path, where: str, key: str, known: frozenset[str]) -> SettingsError:
    guess = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" (did you mean {guess[0]!r}?)" if guess else ""
    return SettingsError(
        f"settings file {path}: unknown key {key!r} in {where}{hint}; "
        f"known keys there: {', '.join(sorted(known))}"
    )


def check_known_keys(table: Mapping[str, Any], path: Path) -> None:
    """Refuse a key no setting reads, naming the file, the table and the likely typo: a
    misspelt ``[auth] login_attemps_per_ip`` would otherwise be ignored without a word and the
    server would start with the default."""
    top = frozenset(Settings.model_fields) - {"oidc_providers"}
    for key, value in table.items():
        if key not in top:
            raise _unknown_key_error(path, "the top level", key, top)
        if key not in _SECTIONS:
            continue
        if not isinstance(value, Mapping):
            raise SettingsError(f"settings file {path}: [{key}] must be a table")
        known = _known_keys(key)
        for inner in value:
            if inner not in known:
                raise _unknown_key_error(path, f"[{key}]", inner, known)
        if key == "oidc":
            providers = value.get("providers", [])
            fields = frozenset(OidcProviderSettings.model_fields)
            for provider in providers if isinstance(providers, list) else []:
                for inner in provider if isinstance(provider, Mapping) else {}:
                    if inner not in fields:
                        raise _unknown_key_error(path, "[[oidc.providers]]", inner, fields)


def _deep_merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = value


def _parse_env_value(raw: str) -> Any:
    """JSON for lists/tables/numbers/booleans; anything else stays a string for pydantic."""
    stripped = raw.strip()
    if stripped[:1] in ("[", "{"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"could not parse JSON value {raw!r}: {exc}") from exc
    return raw


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    section_names = sorted(_SECTIONS, key=len, reverse=True)
    out: dict[str, Any] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name.startswith(_NOT_SETTINGS_PREFIXES):
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if key in Settings.model_fields and key not in _SECTIONS:
            out[key] = _parse_env_value(raw)
            continue
        for section in section_names:
            if key.startswith(section + "_"):
                out.setdefault(section, {})[key[len(section) + 1 :]] = _parse_env_value(raw)
                break
        else:
            log.warning("ignoring %s: not a known setting", name)
    return out


_SECTIONS = frozenset(
    {
        "server",
        "engine",
        "auth",
        "mail",
        "rooms",
        "turn",
        "oidc",
        "judge0",
        "organization",
        "quotas",
        "redis",
    }
)
