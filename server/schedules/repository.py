"""Every query on schedules. Slots are always read with their interview, scoped to the owner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.interviews.models import Interview
from server.kit.db import is_valid_id
from server.schedules.models import Schedule, ScheduleStatus


async def get_owned(
    session: AsyncSession, owner_id: str, schedule_id: str
) -> tuple[Schedule, Interview] | None:
    if not is_valid_id(schedule_id):
        return None
    row = (
        await session.execute(
            select(Schedule, Interview)
            .join(Interview, Interview.id == Schedule.interview_id)
            .where(Schedule.id == schedule_id, Schedule.owner_id == owner_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def active_for_interview(session: AsyncSession, interview_id: str) -> Schedule | None:
    result: Schedule | None = await session.scalar(
        select(Schedule).where(
            Schedule.interview_id == interview_id,
            Schedule.status == ScheduleStatus.ACTIVE.value,
        )
    )
    return result


async def list_owned(
    session: AsyncSession, owner_id: str, *, ending_after: datetime | None
) -> Sequence[tuple[Schedule, Interview]]:
    """Slots of records not in the bin; with ``ending_after`` only active ones still to end."""
    query = (
        select(Schedule, Interview)
        .join(Interview, Interview.id == Schedule.interview_id)
        .where(Schedule.owner_id == owner_id, Interview.deleted_at.is_(None))
    )
    if ending_after is not None:
        query = query.where(
            Schedule.status == ScheduleStatus.ACTIVE.value, Schedule.ends_at > ending_after
        )
    query = query.order_by(Schedule.starts_at.asc(), Schedule.id.asc())
    rows = (await session.execute(query)).all()
    return [(row[0], row[1]) for row in rows]


async def add(session: AsyncSession, schedule: Schedule) -> None:
    session.add(schedule)
    await session.flush()
