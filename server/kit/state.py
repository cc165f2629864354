"""What the slices share, one per app: settings, the database, the run engine, mail, limiters,
Redis (when configured) and the readiness checks.

A leaf of ``server.kit``: it imports no slice and not ``server.app``, so a slice, the kit and the
app can all reach the state without a cycle. ``create_app`` builds it and keeps it in
``app.extensions``; ``get_state()`` finds it from a request, ``get_state(app)`` from anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quart import Quart, current_app
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from runners.contract import Engine
from server.kit.mail import Mailer
from server.kit.quotas import LocalRunQuota, RunQuota
from server.kit.ratelimit import WindowLimiter
from server.kit.readiness import ReadinessCheck
from server.kit.redis_store import RedisStore
from server.settings import Settings

STATE_KEY = "onsite"


@dataclass
class AppState:
    """What the slices share; one per app, built by ``create_app``."""

    settings: Settings
    engine: Engine | None
    mailer: Mailer
    login_ip_limiter: WindowLimiter
    """Every sign-in attempt per IP."""
    login_account_ip_limiter: WindowLimiter
    """Failed sign-ins per (account, IP): the strict per-account limit."""
    login_account_limiter: WindowLimiter
    """Failed sign-ins per account from every IP: a loose bound (see ``AuthSettings``)."""
    reset_mail_limiter: WindowLimiter
    signup_limiter: WindowLimiter
    """Sign-ups per client network: each costs a bcrypt hash, so an anonymous flood would
    otherwise be a CPU exhaustion."""
    password_check_limiter: WindowLimiter
    """Wrong passwords per account where a signed-in user re-enters theirs (account deletion)."""
    run_quota: RunQuota = field(default_factory=lambda: LocalRunQuota(2, 60))
    """Runs per account in flight and per minute (``[quotas]``); ``create_app`` sets it."""
    redis: RedisStore | None = None
    """The shared store, when ``[redis] url`` is set (the limiters above then live in it)."""
    readiness: list[ReadinessCheck] = field(default_factory=list)
    """What ``/api/ready`` asks, in order; a backend adds its own (``add_readiness_check``)."""
    db_engine: AsyncEngine | None = None
    session_factory: async_sessionmaker[AsyncSession] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    """Objects a slice keeps for the app's life (the room gateway, the OIDC discovery cache),
    under a key of that slice; the kit cannot name their types without importing the slice."""

    @property
    def run_engine(self) -> Engine:
        if self.engine is None:
            raise RuntimeError("the run engine is not open yet (before_serving has not run)")
        return self.engine

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """The session factory; what ``unit_of_work`` takes outside a request."""
        if self.session_factory is None:
            raise RuntimeError("the database is not open yet (before_serving has not run)")
        return self.session_factory


def get_state(app: Quart | None = None) -> AppState:
    """The app's state: ``app``'s, or the current app's inside a request or app context."""
    target = app if app is not None else current_app
    state: AppState = target.extensions[STATE_KEY]
    return state
