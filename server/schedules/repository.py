"""Every query on schedules. Slots are always read with their interview, scoped to the owner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from server.interviews.models import Interview
from server.kit.db import bin_filter, is_valid_id
from server.schedules.models import Schedule, ScheduleStatus

OVER_STATUSES = ("completed", "cancelled")
"""Interview statuses after which a slot is past, whatever its time (InterviewStatus values)."""


async def get_owned(
    session: AsyncSession, owner_id: str, schedule_id: str, *, for_update: bool = False
) -> tuple[Schedule, Interview] | None:
    """``for_update`` locks the rows on PostgreSQL (SQLite serialises writers anyway), so two
    concurrent reschedules cannot both read SEQUENCE n and both send n+1."""
    if not is_valid_id(schedule_id):
        return None
    query = (
        select(Schedule, Interview)
        .join(Interview, Interview.id == Schedule.interview_id)
        .where(Schedule.id == schedule_id, Schedule.owner_id == owner_id)
    )
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
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
        .where(Schedule.owner_id == owner_id, bin_filter(Interview.deleted_at, "live"))
    )
    if ending_after is not None:
        # Upcoming: active slots still to end, of interviews not already over (an interview
        # completed before its slot's end is past, whatever the clock says).
        query = query.where(
            Schedule.status == ScheduleStatus.ACTIVE.value,
            Schedule.ends_at > ending_after,
            Interview.status.not_in(OVER_STATUSES),
        )
    query = query.order_by(Schedule.starts_at.asc(), Schedule.id.asc())
    rows = (await session.execute(query)).all()
    return [(row[0], row[1]) for row in rows]


async def bump_sequence(session: AsyncSession, schedule: Schedule) -> int:
    """``sequence = sequence + 1`` in SQL, so concurrent changes each get their own number (a
    read-modify-write in Python could hand two updates the same SEQUENCE on SQLite)."""
    new_sequence = await session.scalar(
        update(Schedule)
        .where(Schedule.id == schedule.id)
        .values(sequence=Schedule.sequence + 1)
        .returning(Schedule.sequence)
        .execution_options(synchronize_session=False)
    )
    if new_sequence is None:
        raise LookupError(f"schedule {schedule.id} vanished")
    set_committed_value(schedule, "sequence", int(new_sequence))
    return int(new_sequence)


async def add(session: AsyncSession, schedule: Schedule) -> None:
    session.add(schedule)
    await session.flush()
