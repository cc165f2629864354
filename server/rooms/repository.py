"""The room's queries: its update log, join passes, the interview's questions and its activity
events (the record's own tables are the interviews slice's)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.rooms.models import RoomEvent, RoomJoinPass, RoomQuestion, RoomUpdate
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
    session: AsyncSession, interview_id: str, doc: str, *, after: int, limit: int, max_bytes: int
) -> tuple[list[RoomUpdate], bool]:
    """One page of the log after ``after``: at most ``limit`` rows and, past the first row, at
    most ``max_bytes`` of updates; and whether more rows follow. The rows are streamed from the
    database and reading stops at the budget, so a page never holds more than it returns."""
    result = await session.stream_scalars(
        select(RoomUpdate)
        .where(
            RoomUpdate.interview_id == interview_id,
            RoomUpdate.doc == doc,
            RoomUpdate.id > after,
        )
        .order_by(RoomUpdate.id)
        .limit(limit + 1)
        .execution_options(yield_per=100)
    )
    rows: list[RoomUpdate] = []
    size = 0
    more = False
    try:
        async for row in result:
            if len(rows) == limit or (rows and size + len(row.update) > max_bytes):
                more = True
                break
            rows.append(row)
            size += len(row.update)
    finally:
        await result.close()
    return rows, more


async def count_join_passes(session: AsyncSession, interview_id: str, code_hash: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(RoomJoinPass)
        .where(RoomJoinPass.interview_id == interview_id, RoomJoinPass.code_hash == code_hash)
    )
    return int(count or 0)


async def add_join_pass(
    session: AsyncSession, interview_id: str, code_hash: str, participant_id: str
) -> None:
    session.add(
        RoomJoinPass(interview_id=interview_id, code_hash=code_hash, participant_id=participant_id)
    )
    await session.flush()


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
