"""``create_app(settings, engine=None)``: wires the slices and opens resources while serving.

Nothing connects at import: the database (with retries, then migrations), the run engine and the
mailer open in ``before_serving`` and close in ``after_serving``. Slices reach them through
``get_state(app)`` (settings, session factory, engine, mailer, limiters).

A slice plugs in by exposing ``blueprint: quart.Blueprint`` in its ``api`` module; the modules in
``SLICE_API_MODULES`` that exist are registered (so slices can land in any order).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quart import Blueprint, Quart, Response, current_app, request, send_from_directory
from quart_schema import APIKeySecurityScheme, HttpSecurityScheme, Info, QuartSchema, hide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from runners.contract import Engine
from server.kit.db import finish_request_session, open_database
from server.kit.errors import NotFoundError, register_error_handlers
from server.kit.mail import Mailer
from server.kit.openapi import OnsiteOpenAPIProvider
from server.kit.ratelimit import SlidingWindowLimiter
from server.kit.text import register_nul_guard
from server.settings import Settings

log = logging.getLogger(__name__)

STATE_KEY = "onsite"
SLICE_API_MODULES = (
    "server.accounts.api",
    "server.accounts.keys_api",
    "server.runs.api",
    "server.interviews.api",
    "server.schedules.api",
    "server.rooms.api",
    "server.judge0.api",
    "server.piston.api",
)
NO_CLIENT_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Onsite</title></head>"
    "<body><h1>Onsite</h1><p>The browser app is not built yet: run <code>make client</code>."
    "</p><p>The API is up: see <a href='/docs'>/docs</a>.</p></body></html>"
)


@dataclass
class AppState:
    """What the slices share; one per app, built by ``create_app``."""

    settings: Settings
    engine: Engine | None
    mailer: Mailer
    login_ip_limiter: SlidingWindowLimiter
    """Every sign-in attempt per IP."""
    login_account_ip_limiter: SlidingWindowLimiter
    """Failed sign-ins per (account, IP): the strict per-account limit."""
    login_account_limiter: SlidingWindowLimiter
    """Failed sign-ins per account from every IP: a loose bound (see ``AuthSettings``)."""
    reset_mail_limiter: SlidingWindowLimiter
    db_engine: AsyncEngine | None = None
    session_factory: async_sessionmaker[AsyncSession] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    """Room for other slices' objects (e.g. the room registry, the socket server)."""

    @property
    def run_engine(self) -> Engine:
        if self.engine is None:
            raise RuntimeError("the run engine is not open yet (before_serving has not run)")
        return self.engine


def get_state(app: Quart | None = None) -> AppState:
    target = app if app is not None else current_app
    state: AppState = target.extensions[STATE_KEY]
    return state


def _default_engine() -> Engine:
    """The Docker engine, or a stand-in that answers 503 when ``runners.engine`` is missing."""
    try:
        from runners.engine import DockerEngine
        from runners.settings import EngineSettings
    except ImportError as exc:
        log.warning("runners.engine is not importable (%s): runs will answer 503", exc)
        from server.runs.unavailable import UnavailableEngine

        return UnavailableEngine(f"the run engine could not be loaded: {exc}")
    # A broken catalogue or [engine] section stops start-up here, with the engine's message.
    engine: Engine = DockerEngine(EngineSettings.load())
    return engine


def create_app(settings: Settings, engine: Engine | None = None) -> Quart:
    app = Quart("onsite", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes
    app.config["QUART_SCHEMA_CONVERSION_PREFERENCE"] = "pydantic"
    app.config["JSON_SORT_KEYS"] = False
    QuartSchema(
        app,
        info=Info(title="Onsite API", version="0.1.0"),
        openapi_path="/openapi.json",
        swagger_ui_path="/docs",
        redoc_ui_path=None,
        scalar_ui_path=None,
        openapi_provider_class=OnsiteOpenAPIProvider,
        security_schemes={
            "cookie": APIKeySecurityScheme(name="onsite_access", in_="cookie"),
            "bearer": HttpSecurityScheme(scheme="bearer"),
        },
    )
    state = AppState(
        settings=settings,
        engine=engine,
        mailer=Mailer(settings.mail, settings.data_dir / "outbox"),
        login_ip_limiter=SlidingWindowLimiter(
            settings.auth.login_attempts_per_ip, settings.auth.login_window_seconds
        ),
        login_account_ip_limiter=SlidingWindowLimiter(
            settings.auth.login_attempts_per_account, settings.auth.login_window_seconds
        ),
        login_account_limiter=SlidingWindowLimiter(
            settings.auth.login_attempts_per_account_all_ips, settings.auth.login_window_seconds
        ),
        reset_mail_limiter=SlidingWindowLimiter(
            settings.auth.reset_mails_per_address, settings.auth.login_window_seconds
        ),
    )
    app.extensions[STATE_KEY] = state
    register_error_handlers(app)
    register_nul_guard(app)
    _register_unit_of_work(app)
    _register_lifecycle(app, state, engine_given=engine is not None)
    for module_name in SLICE_API_MODULES:
        _register_slice(app, module_name)
    app.register_blueprint(_client_blueprint(settings.server.client_dist))
    return app


def _register_slice(app: Quart, module_name: str) -> None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return
        raise
    blueprint = getattr(module, "blueprint", None)
    if not isinstance(blueprint, Blueprint):
        raise RuntimeError(f"{module_name} must define `blueprint: quart.Blueprint`")
    app.register_blueprint(blueprint)


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
            state.engine = _default_engine()
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
