"""The room's queries: its update log, the interview's questions and its activity events (the
record's own tables are the interviews slice's)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.rooms.models import RoomEvent, RoomQuestion, RoomUpdate
from server.rooms.update_log import LoggedUpdate


async def add_updates(session: AsyncSession, rows: Sequence[LoggedUpdate]) -> None:
    """One executemany for a whole batch: the log is the hottest write of the server.

    A Core insert on the table, not the ORM's bulk insert of the mapped class: the rows need no
    identity map, and the ORM's per-row bookkeeping was most of this write's CPU under load.
    """
    if not rows:
        return
    table: Table = RoomUpdate.__table__  # type: ignore[assignment]
    await session.execute(
        insert(table),
        [
            {
                "interview_id": row.interview_id,
                "doc": row.doc,
                "participant_id": row.participant_id,
                "author_name": row.author_name,
                "author_role": row.author_role,
                "created_at": row.created_at,
                "update": row.update,
            }
            for row in rows
        ],
    )


async def update_bytes(session: AsyncSession, interview_id: str, doc: str) -> list[bytes]:
    result = await session.scalars(
        select(RoomUpdate.update)
        .where(RoomUpdate.interview_id == interview_id, RoomUpdate.doc == doc)
        .order_by(RoomUpdate.id)
    )
    return list(result)


async def list_updates(
    session: AsyncSession, interview_id: str, doc: str, *, after: int, limit: int
) -> list[RoomUpdate]:
    result = await session.scalars(
        select(RoomUpdate)
        .where(
            RoomUpdate.interview_id == interview_id,
            RoomUpdate.doc == doc,
            RoomUpdate.id > after,
        )
        .order_by(RoomUpdate.id)
        .limit(limit)
    )
    return list(result)


async def questions_of(session: AsyncSession, interview_id: str) -> Sequence[RoomQuestion]:
    result = await session.execute(
        select(RoomQuestion)
        .where(RoomQuestion.interview_id == interview_id)
        .order_by(RoomQuestion.position, RoomQuestion.id)
    )
    return result.scalars().all()


async def question_of(
    session: AsyncSession, interview_id: str, question_id: str
) -> RoomQuestion | None:
    result = await session.execute(
        select(RoomQuestion).where(
            RoomQuestion.interview_id == interview_id, RoomQuestion.question_id == question_id
        )
    )
    return result.scalar_one_or_none()


async def add_question(session: AsyncSession, row: RoomQuestion) -> None:
    session.add(row)
    await session.flush()


async def remove_question(session: AsyncSession, row: RoomQuestion) -> None:
    await session.delete(row)
    await session.flush()


async def add_event(session: AsyncSession, row: RoomEvent) -> None:
    session.add(row)
    await session.flush()


async def events_of(session: AsyncSession, interview_id: str) -> Sequence[RoomEvent]:
    result = await session.execute(
        select(RoomEvent).where(RoomEvent.interview_id == interview_id).order_by(RoomEvent.id)
    )
    return result.scalars().all()
