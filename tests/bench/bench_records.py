"""Records list/search benchmark: one owner with many interviews, on SQLite and PostgreSQL.

Each interview carries about 2 KB of final code and some notes, like a finished interview, so the
search (a ``LIKE '%q%'`` over the casefolded ``search_text``) scans realistic rows. Timings are
of the service call (query + count, one page of 20), through the real app's session factory;
the HTTP layer adds a constant on top (measured once as "http list").

    .venv/bin/python tests/bench/bench_records.py [--records 10000] [--repeat 20]

Prints a table of p50/p95 in ms. Target on the 2-core machine: search p95 <= 150 ms at 10 000
records on both databases (a page of a list must feel instant; search may scan).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import string
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+asyncpg://onsite:onsite@127.0.0.1:5432/onsite_test"
CODE_LINE = "    total = sum(value * weight for value, weight in zip(values, weights))\n"


def _code(rng: random.Random, marker: str) -> str:
    lines = [f"def solve_{rng.randrange(10**6)}(values, weights):\n"] + [CODE_LINE] * 26
    lines.insert(rng.randrange(1, len(lines)), f"    # {marker}\n")
    return "".join(lines)


async def _populate(app: Any, owner_id: str, records: int) -> None:
    from sqlalchemy import insert

    from server.interviews.models import Interview
    from server.kit.db import new_id, unit_of_work, utcnow
    from server.kit.state import get_state

    rng = random.Random(7)
    batch: list[dict[str, Any]] = []
    async with unit_of_work(get_state(app).sessions) as session:
        for index in range(records):
            marker = "needle-unique" if index == records // 2 else f"m{index}"
            interview = Interview(
                id=new_id(),
                owner_id=owner_id,
                title=f"Interview {''.join(rng.choices(string.ascii_letters, k=8))} {index}",
                candidate_name=f"Candidate {index}",
                status=rng.choice(["scheduled", "completed", "cancelled", "in_progress"]),
                tags=["backend"],
                final_code=_code(rng, marker),
                notes="Communicated clearly; solid on complexity.",
                created_at=utcnow(),
                updated_at=utcnow(),
            )
            interview.refresh_search_text()
            row = {c.name: getattr(interview, c.key) for c in Interview.__table__.columns}
            row["join_code"] = uuid.uuid4().hex
            row["deleted_at"] = None
            row["scheduled_at"] = None
            row["language"] = "python"
            batch.append(row)
            if len(batch) == 1000:
                await session.execute(insert(Interview), batch)
                batch = []
        if batch:
            await session.execute(insert(Interview), batch)


async def _time(repeat: int, call: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    await call()  # warm caches
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


async def bench(kind: str, url: str, schema: str, records: int, repeat: int) -> list[str]:
    from server.accounts.models import User
    from server.app import create_app
    from server.interviews import service
    from server.interviews.schemas import InterviewListQuery
    from server.kit.db import unit_of_work
    from server.kit.security import create_access_token
    from server.kit.state import get_state
    from server.settings import Settings
    from tests.support.fake_engine import FakeEngine

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.for_tests(Path(tmp), database_url=url, database_schema=schema)
        app = create_app(settings, FakeEngine())
        async with app.test_app():
            async with unit_of_work(get_state(app).sessions) as session:
                user = User(email="bench@example.com", name="Bench", password_hash=None)
                session.add(user)
                await session.flush()
                owner_id = user.id
            started = time.perf_counter()
            await _populate(app, owner_id, records)
            load_s = time.perf_counter() - started

            async def listing(**query: Any) -> None:
                async with unit_of_work(get_state(app).sessions) as session:
                    page = await service.list_interviews(
                        session, owner_id, InterviewListQuery.model_validate(query)
                    )
                    if query.get("q") == "needle-unique":
                        assert page.total == 1, page.total

            cases: list[tuple[str, dict[str, Any]]] = [
                ("list newest", {}),
                ("list by title", {"sort": "title", "order": "asc"}),
                ("list status", {"status": "completed"}),
                ("list page 400", {"page": 400}),
                ("search hit (code)", {"q": "needle-unique"}),
                ("search many", {"q": "candidate 12"}),
                ("search miss", {"q": "zzz-not-there"}),
            ]
            rows = [f"{kind:<10} load {records} rows: {load_s:6.1f} s"]
            for label, query in cases:
                p50, p95 = await _time(repeat, lambda q=query: listing(**q))  # type: ignore[misc]
                rows.append(f"{kind:<10} {label:<20} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")

            client = app.test_client()
            headers = {"Authorization": f"Bearer {create_access_token(owner_id, settings)}"}

            async def http_list() -> None:
                response = await client.get("/api/interviews", headers=headers)
                assert response.status_code == 200

            p50, p95 = await _time(repeat, http_list)
            rows.append(f"{kind:<10} {'http list':<20} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rows = await bench("sqlite", "", "", args.records, args.repeat)

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    pg_url = os.environ.get("ONSITE_TEST_POSTGRES_URL") or DEFAULT_PG
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(pg_url)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        rows += await bench("postgresql", pg_url, schema, args.records, args.repeat)
    finally:
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()
    print(f"records benchmark: {args.records} interviews of one owner, page of 20")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
