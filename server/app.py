"""``create_app(settings, engine=None)``: wires the slices and opens resources while serving.

Nothing connects at import: the database (with retries, then migrations), the run engine and the
mailer open in ``before_serving`` and close in ``after_serving``. Slices reach them through
``server.kit.state.get_state(app)`` (settings, session factory, engine, mailer, limiters).

With ``[redis] url`` set, the sign-in throttles and the run quotas live in Redis (every process
counts the same attempts; ``_limiter_factory`` says which fail closed when Redis is down), and
``/api/ready`` asks Redis too; without it, they stay in this process, as they always were.

A slice plugs in with one line in ``SLICE_BLUEPRINTS``: its ``api`` module's ``blueprint``,
imported here by name, so a typo or a missing module stops the import of this module (and
``onsite serve``) instead of shipping a server without that API. The room's Socket.IO server is
wired by ``server.asgi``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from quart import Blueprint, Quart, Response, request, send_from_directory
from quart_schema import APIKeySecurityScheme, HttpSecurityScheme, Info, QuartSchema, hide
from sqlalchemy import text

from runners.contract import Engine
from runners.engine import DockerEngine
from runners.redis_engine import RedisEngine
from runners.settings import EngineSettings
from server.accounts import api as accounts_api
from server.accounts import keys_api
from server.interviews import api as interviews_api
from server.judge0 import api as judge0_api
from server.kit.apidocs import docs_blueprint
from server.kit.db import finish_request_session, open_database
from server.kit.errors import NotFoundError, register_error_handlers
from server.kit.health import blueprint as health_blueprint
from server.kit.mail import Mailer
from server.kit.openapi import OnsiteOpenAPIProvider
from server.kit.quotas import LocalRunQuota, RedisRunQuota, RunQuota
from server.kit.ratelimit import LocalWindowLimiter, WindowLimiter
from server.kit.readiness import add_readiness_check, engine_probe
from server.kit.redis_ratelimit import RedisWindowLimiter
from server.kit.redis_store import RedisStore
from server.kit.state import STATE_KEY, AppState, get_state
from server.kit.text import register_nul_guard
from server.organization import api as organization_api
from server.organization import retention
from server.piston import api as piston_api
from server.questions import api as questions_api
from server.rooms import api as rooms_api
from server.runs import api as runs_api
from server.schedules import api as schedules_api
from server.scorecards import api as scorecards_api
from server.settings import Settings

log = logging.getLogger(__name__)

SLICE_BLUEPRINTS: tuple[Blueprint, ...] = (
    accounts_api.blueprint,
    keys_api.blueprint,
    organization_api.blueprint,
    runs_api.blueprint,
    interviews_api.blueprint,
    schedules_api.blueprint,
    rooms_api.blueprint,
    questions_api.blueprint,
    scorecards_api.blueprint,
    judge0_api.blueprint,
    piston_api.blueprint,
)
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline script, no eval, nothing from elsewhere
        # CodeMirror and Swagger UI set styles from script; style is not script.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self' data:",
        "connect-src 'self'",  # REST and the room's WebSocket (same origin)
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""Sent with every answer. A page of ours can run only our own bundled scripts, and no other
site may frame one (clickjacking the interviewer's "end interview")."""
HSTS = "max-age=31536000; includeSubDomains"
"""Sent when ``[server] public_url`` is https: browsers then refuse plain HTTP to this host."""
NO_CLIENT_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Onsite</title></head>"
    "<body><h1>Onsite</h1><p>The browser app is not built yet: run <code>make client</code>."
    "</p><p>The API is up: see <a href='/docs'>/docs</a>.</p></body></html>"
)


def build_engine(settings: Settings, engine_settings: EngineSettings) -> Engine:
    """The engine ``[engine] backend`` names: ``local`` (this host's Docker engine) or ``redis``
    (the run queue at ``[redis] url``, served by ``onsite runner`` hosts; no Docker socket here).
    A broken catalogue, ``[engine]`` section or a redis backend without a URL stops start-up
    here, with the engine's message."""
    if engine_settings.backend == "redis":
        return RedisEngine(settings.redis.url, settings.redis.key_prefix, engine_settings)
    return DockerEngine(engine_settings)


def _default_engine(settings: Settings) -> Engine:
    return build_engine(settings, EngineSettings.load())


def create_app(settings: Settings, engine: Engine | None = None) -> Quart:
    app = Quart("onsite", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes
    app.config["QUART_SCHEMA_CONVERSION_PREFERENCE"] = "pydantic"
    app.config["JSON_SORT_KEYS"] = False
    QuartSchema(
        app,
        info=Info(title="Onsite API", version="0.1.0"),
        openapi_path="/openapi.json",
        swagger_ui_path=None,
        redoc_ui_path=None,
        scalar_ui_path=None,
        openapi_provider_class=OnsiteOpenAPIProvider,
        security_schemes={
            "cookie": APIKeySecurityScheme(name="onsite_access", in_="cookie"),
            "bearer": HttpSecurityScheme(scheme="bearer"),
        },
    )
    store = RedisStore(settings.redis) if settings.redis.url else None
    limiter = _limiter_factory(store)
    auth = settings.auth
    window = auth.login_window_seconds
    state = AppState(
        settings=settings,
        engine=engine,
        mailer=Mailer(settings.mail, settings.data_dir / "outbox"),
        # Every sign-in throttle fails closed: without its store, a guesser would be unlimited.
        login_ip_limiter=limiter("login_ip", auth.login_attempts_per_ip, window),
        login_account_ip_limiter=limiter(
            "login_account_ip", auth.login_attempts_per_account, window
        ),
        login_account_limiter=limiter(
            "login_account", auth.login_attempts_per_account_all_ips, window
        ),
        reset_mail_limiter=limiter("reset_mail", auth.reset_mails_per_address, window),
        signup_limiter=limiter("signup", auth.signups_per_ip, window),
        password_check_limiter=limiter(
            "password_check", auth.login_attempts_per_account, window
        ),
        run_quota=_run_quota(settings, store),
        redis=store,
    )
    _register_readiness(state)
    app.extensions[STATE_KEY] = state
    register_error_handlers(app)
    register_nul_guard(app)
    _register_unit_of_work(app)
    _register_lifecycle(app, state, engine_given=engine is not None)
    app.while_serving(retention.serving(state))
    app.register_blueprint(health_blueprint)
    for blueprint in SLICE_BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(docs_blueprint(settings.server.client_dist))
    app.register_blueprint(_client_blueprint(settings.server.client_dist))
    return app


def _limiter_factory(store: RedisStore | None) -> Callable[[str, int, float], WindowLimiter]:
    """Limiters in Redis when there is one (keys ``<prefix>:rl:<name>/…``), else in memory.
    These all fail closed: they guard sign-in, sign-up, passwords and mail."""

    def make(name: str, limit: int, window_seconds: float) -> WindowLimiter:
        if store is None:
            return LocalWindowLimiter(limit, window_seconds)
        return RedisWindowLimiter(store, name, limit, window_seconds, fail_open=False)

    return make


def _run_quota(settings: Settings, store: RedisStore | None) -> RunQuota:
    quotas = settings.quotas
    if store is None:
        return LocalRunQuota(quotas.runs_concurrent_per_account, quotas.runs_per_minute_per_account)
    return RedisRunQuota(
        store, quotas.runs_concurrent_per_account, quotas.runs_per_minute_per_account
    )


def _register_readiness(state: AppState) -> None:
    """Database, Redis (when configured), engine; a backend may add its own check later."""

    async def database() -> str:
        if state.db_engine is None:
            raise RuntimeError("the database is not open yet")
        async with state.db_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return state.db_engine.dialect.name

    add_readiness_check(state, "database", database)
    if state.redis is not None:
        store = state.redis

        async def redis() -> str:
            await store.ping()
            return "PING answered"

        add_readiness_check(state, "redis", redis)

    async def engine() -> str | None:
        return await engine_probe(state.engine)

    add_readiness_check(state, "engine", engine)


def _register_unit_of_work(app: Quart) -> None:
    @app.after_request
    async def _commit_or_rollback(response: Response) -> Response:
        await finish_request_session(response.status_code)
        _add_security_headers(response)
        return response

    @app.teardown_request
    async def _rollback_leftover(_exc: BaseException | None) -> None:
        await finish_request_session(None)


def _add_security_headers(response: Response) -> None:
    # Links with secrets (/reset-password?token=…, /join/<code>) must not leak via Referer.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    if get_state().settings.uses_https:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")


def _register_lifecycle(app: Quart, state: AppState, *, engine_given: bool) -> None:
    @app.before_serving
    async def _open() -> None:
        settings = state.settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        state.db_engine, state.session_factory = await open_database(settings)
        await state.mailer.start()
        if not engine_given:
            state.engine = _default_engine(settings)
        try:
            await state.run_engine.start()
        except Exception as exc:  # the app serves without Docker; runs answer 503
            log.error("the run engine did not start: %s", exc)

    @app.after_serving
    async def _close() -> None:
        if state.engine is not None:
            try:
                await state.engine.close()
            except Exception:
                log.exception("closing the run engine failed")
        await state.mailer.close()
        if state.redis is not None:
            await state.redis.close()
        if state.db_engine is not None:
            await state.db_engine.dispose()


def _client_blueprint(dist: Path) -> Blueprint:
    """``client/dist`` at ``/`` with SPA fallback; /api and /socket.io never fall through."""
    blueprint = Blueprint("client", __name__)

    @blueprint.get("/")
    @hide
    async def index() -> Response | str:
        return await _serve_client(dist, "")

    @blueprint.get("/<path:path>")
    @hide
    async def spa(path: str) -> Response | str:
        return await _serve_client(dist, path)

    return blueprint


def _is_client_file(dist: Path, path: str) -> bool:
    """A real file inside ``dist`` (no escaping it with ``..`` or symlinks)."""
    candidate = (dist / path).resolve()
    return candidate.is_file() and candidate.is_relative_to(dist.resolve())


async def _serve_client(dist: Path, path: str) -> Response | str:
    if path == "api" or path.startswith(("api/", "socket.io")):
        raise NotFoundError("There is nothing at this address.")
    if not _is_client_file(dist, "index.html"):
        return NO_CLIENT_PAGE
    if path and _is_client_file(dist, path):
        return await send_from_directory(dist, path)
    response = await send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response
