"""Queries on Judge0 submissions; every one is scoped to the owning account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.judge0.models import Judge0Submission


async def add(session: AsyncSession, row: Judge0Submission) -> None:
    session.add(row)
    await session.flush()


async def get(session: AsyncSession, user_id: str, token: str) -> Judge0Submission | None:
    result = await session.execute(
        select(Judge0Submission).where(
            Judge0Submission.token == token, Judge0Submission.user_id == user_id
        )
    )
    return result.scalar_one_or_none()


async def get_any(session: AsyncSession, token: str) -> Judge0Submission | None:
    """For the background run, which already holds the token it was given at creation."""
    return await session.get(Judge0Submission, token)


async def get_many(
    session: AsyncSession, user_id: str, tokens: Sequence[str]
) -> dict[str, Judge0Submission]:
    if not tokens:
        return {}
    result = await session.execute(
        select(Judge0Submission).where(
            Judge0Submission.user_id == user_id, Judge0Submission.token.in_(list(tokens))
        )
    )
    return {row.token: row for row in result.scalars()}


async def page(
    session: AsyncSession, user_id: str, *, offset: int, limit: int
) -> tuple[Sequence[Judge0Submission], int]:
    total = await session.scalar(
        select(func.count())
        .select_from(Judge0Submission)
        .where(Judge0Submission.user_id == user_id)
    )
    result = await session.execute(
        select(Judge0Submission)
        .where(Judge0Submission.user_id == user_id)
        .order_by(Judge0Submission.created_at.desc(), Judge0Submission.token)
        .offset(offset)
        .limit(limit)
    )
    return result.scalars().all(), int(total or 0)


async def delete_one(session: AsyncSession, user_id: str, token: str) -> None:
    await session.execute(
        delete(Judge0Submission).where(
            Judge0Submission.token == token, Judge0Submission.user_id == user_id
        )
    )


async def count_since(session: AsyncSession, user_id: str, since: datetime | None) -> int:
    query = (
        select(func.count())
        .select_from(Judge0Submission)
        .where(Judge0Submission.user_id == user_id)
    )
    if since is not None:
        query = query.where(Judge0Submission.created_at >= since)
    return int(await session.scalar(query) or 0)


async def counts_by(session: AsyncSession, user_id: str, column: str) -> Sequence[tuple[int, int]]:
    """``(value, count)`` for ``language_id`` or ``status_id``, most frequent first."""
    target = getattr(Judge0Submission, column)
    result = await session.execute(
        select(target, func.count())
        .where(Judge0Submission.user_id == user_id)
        .group_by(target)
        .order_by(func.count().desc(), target)
    )
    return [(int(value), int(count)) for value, count in result.all()]


async def fail_unfinished(
    session: AsyncSession, statuses: Sequence[int], failed: int, message: str, at: datetime
) -> int:
    """Every submission still in one of ``statuses`` becomes ``failed``; how many did."""
    result = await session.execute(
        update(Judge0Submission)
        .where(Judge0Submission.status_id.in_(statuses))
        .values(status_id=failed, message=message, finished_at=at)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
