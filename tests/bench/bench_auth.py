"""Accounts benchmark: what a sign-in, a refresh and an authenticated request cost.

Through the real app (``create_app`` inside ``test_app``, so migrations and hooks run) with the
Quart test client, on SQLite and PostgreSQL (``ONSITE_TEST_POSTGRES_URL``, a throwaway schema).
Login is shown at bcrypt cost 12 (the production default) and at 4 (tests) because the hash is
almost all of its time. Run with `make bench`; prints a table, not collected by pytest.
Targets on the 2-core box: an authenticated GET (cookie or API key) p50 <= 10 ms; refresh p50
<= 20 ms; login at cost 12 is one bcrypt verification (~270 ms on an idle box).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.app import create_app
from server.settings import Settings
from tests.support.fake_engine import FakeEngine

POSTGRES_URL = os.environ.get(
    "ONSITE_TEST_POSTGRES_URL", "postgresql+asyncpg://onsite:onsite@127.0.0.1:5432/onsite_test"
)
ROUNDS = 60
LOGIN_ROUNDS = {4: 20, 12: 5}
PASSWORD = "benchmark password"


async def timed(action: Callable[[], Awaitable[None]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def row(name: str, db: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{name:<28} {db:<10} {statistics.median(samples):>8.1f} {p95:>8.1f} {len(samples):>5}"


async def bench(db: str, rounds_cost: int, tmp: Path) -> list[str]:
    overrides: dict[str, Any] = {
        "auth": {
            "bcrypt_rounds": rounds_cost,
            "login_attempts_per_ip": 10_000,
            "login_attempts_per_account": 10_000,
        },
    }
    schema = ""
    if db == "postgresql":
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = create_async_engine(POSTGRES_URL, poolclass=NullPool)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        overrides.update(database_url=POSTGRES_URL, database_schema=schema)
    lines: list[str] = []
    try:
        app = create_app(Settings.for_tests(tmp / f"{db}-{rounds_cost}", **overrides), FakeEngine())
        async with app.test_app():
            client = app.test_client()
            email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
            created = await client.post(
                "/api/auth/register", json={"email": email, "password": PASSWORD, "name": "B"}
            )
            assert created.status_code == 201

            async def login() -> None:
                response = await client.post(
                    "/api/auth/login", json={"email": email, "password": PASSWORD}
                )
                assert response.status_code == 200

            lines.append(
                row(
                    f"login (bcrypt {rounds_cost})",
                    db,
                    await timed(login, LOGIN_ROUNDS[rounds_cost]),
                )
            )
            if rounds_cost != 4:
                return lines

            def csrf() -> dict[str, str]:
                jar = client.cookie_jar
                assert jar is not None
                return {"X-CSRF-Token": next(c.value or "" for c in jar if c.name == "onsite_csrf")}

            async def refresh() -> None:
                response = await client.post("/api/auth/refresh", headers=csrf())
                assert response.status_code == 200

            async def me_cookie() -> None:
                assert (await client.get("/api/auth/me")).status_code == 200

            key = await (
                await client.post("/api/keys", json={"name": "bench"}, headers=csrf())
            ).get_json()
            bare = app.test_client()
            bearer = {"Authorization": f"Bearer {key['secret']}"}

            async def me_key() -> None:
                assert (await bare.get("/api/auth/me", headers=bearer)).status_code == 200

            lines.append(row("refresh (rotate)", db, await timed(refresh, ROUNDS)))
            lines.append(row("GET /me (cookie)", db, await timed(me_cookie, ROUNDS)))
            lines.append(row("GET /me (API key)", db, await timed(me_key, ROUNDS)))
    finally:
        if schema:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await admin.dispose()
    return lines


async def main() -> None:
    print(f"{'operation':<28} {'database':<10} {'p50 ms':>8} {'p95 ms':>8} {'n':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for db in ("sqlite", "postgresql"):
            for cost in (4, 12):
                for line in await bench(db, cost, Path(tmp)):
                    print(line, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
