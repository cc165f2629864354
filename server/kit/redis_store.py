"""One app's connection to Redis (``[redis] url``): a client, the ``limits`` storage, key names.

Built by ``create_app`` only when ``[redis] url`` is set; nothing connects until the first
command (so the app starts while Redis is still coming up; ``/api/ready`` says when it answers).
The shared limiters and the run quotas use the same connection pool.

Redis-py's default retries ten times with exponential back-off on a refused connection, which
turned every sign-in into a multi-second wait while Redis was down; here a command is retried
once (a pooled connection a restarted Redis closed) and gives up within the timeouts below, so
a limiter can answer its fail-open or fail-closed decision at once.

Every key starts with ``<key_prefix>:`` (``onsite:`` by default), then the use:
``rl:<limiter>/…`` for the rate limits, ``quota:runs:<account>`` for the run leases.
"""

from __future__ import annotations

from typing import Any

import limits.errors
import redis.asyncio as aioredis
import redis.exceptions
from limits.aio.storage import RedisStorage
from redis.asyncio.retry import Retry
from redis.backoff import ConstantBackoff

from server.settings import RedisSettings

CONNECT_TIMEOUT_S = 1.0
COMMAND_TIMEOUT_S = 2.0

STORE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.RedisError,
    limits.errors.StorageError,
    OSError,
    TimeoutError,
)
"""What a call to Redis raises when Redis is down, slow or refuses us (ACL, OOM)."""


def limits_uri(url: str) -> str:
    """The ``limits`` storage URI for a redis-py URL (``redis://`` → ``async+redis://``)."""
    if url.startswith("unix://"):
        return "async+redis+unix://" + url.removeprefix("unix://")
    return "async+" + url


class RedisStore:
    def __init__(self, settings: RedisSettings) -> None:
        if not settings.url:
            raise ValueError("RedisStore needs [redis] url")
        self.prefix = settings.key_prefix
        self.pool: aioredis.ConnectionPool = aioredis.ConnectionPool.from_url(
            settings.url,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_timeout=COMMAND_TIMEOUT_S,
            retry=Retry(ConstantBackoff(0.05), 1),
        )
        self.client: aioredis.Redis = aioredis.Redis(connection_pool=self.pool)
        options: dict[str, Any] = {"connection_pool": self.pool}
        self.limits = RedisStorage(
            limits_uri(settings.url),
            implementation="redispy",
            key_prefix=self.prefix,
            wrap_exceptions=True,
            **options,
        )

    def key(self, *parts: str) -> str:
        """``<prefix>:part:part…``: the name of a key of ours."""
        return ":".join((self.prefix, *parts))

    async def ping(self) -> None:
        """Raise unless Redis answers ``PING`` (one of ``STORE_ERRORS``)."""
        if not await self.client.ping():
            raise redis.exceptions.ConnectionError("Redis did not answer PING")

    async def close(self) -> None:
        await self.client.aclose()
        await self.pool.aclose()
