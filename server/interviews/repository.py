"""Every query on interview records; nothing outside this module builds one.

Owner-facing queries take the owner's id and filter on it in SQL, so a record of someone else
is simply not found. Only the room's lookups (by join code, by id for a live room) are unscoped:
the room authorises the participant itself.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.interviews.models import (
    Interview,
    InterviewMessage,
    InterviewPanelist,
    InterviewRun,
    fold,
)
from server.interviews.schemas import SortField, ViewerRole
from server.kit.db import LIKE_ESCAPE, BinFilter, bin_filter, is_valid_id, like_pattern


@dataclass(frozen=True, slots=True)
class Page:
    items: Sequence[Interview]
    total: int


async def get_owned(
    session: AsyncSession, owner_id: str, interview_id: str, *, which: BinFilter = "any"
) -> Interview | None:
    if not is_valid_id(interview_id):
        return None
    query = select(Interview).where(
        Interview.id == interview_id,
        Interview.owner_id == owner_id,
        bin_filter(Interview.deleted_at, which),
    )
    result: Interview | None = await session.scalar(query)
    return result


async def ids_of_owner(session: AsyncSession, owner_id: str) -> list[str]:
    return list(await session.scalars(select(Interview.id).where(Interview.owner_id == owner_id)))


async def existing_ids(session: AsyncSession, interview_ids: Collection[str]) -> set[str]:
    if not interview_ids:
        return set()
    rows = await session.scalars(select(Interview.id).where(Interview.id.in_(interview_ids)))
    return set(rows)


async def get_by_id(
    session: AsyncSession, interview_id: str, *, which: BinFilter = "live"
) -> Interview | None:
    """Unscoped: for the room only."""
    if not is_valid_id(interview_id):
        return None
    query = select(Interview).where(
        Interview.id == interview_id, bin_filter(Interview.deleted_at, which)
    )
    result: Interview | None = await session.scalar(query)
    return result


async def get_by_join_code(session: AsyncSession, join_code: str) -> Interview | None:
    """Unscoped: the join code is the candidate's only credential. Binned records do not join."""
    if not join_code or len(join_code) > 64:
        return None
    result: Interview | None = await session.scalar(
        select(Interview).where(
            Interview.join_code == join_code, bin_filter(Interview.deleted_at, "live")
        )
    )
    return result


def _sort_key(sort: SortField) -> SQLColumnExpression[Any]:
    columns: dict[SortField, SQLColumnExpression[Any]] = {
        "created_at": Interview.created_at,
        "scheduled_at": Interview.scheduled_at,
        "title": func.lower(Interview.title),
        "candidate_name": func.lower(Interview.candidate_name),
        "status": Interview.status,
        # Strong hire ranks highest, so "desc" puts the best verdicts first.
        "recommendation": case(
            {"strong_hire": 4, "hire": 3, "no_hire": 2, "strong_no_hire": 1},
            value=Interview.recommendation,
            else_=None,
        ),
    }
    return columns[sort]


async def _page(session: AsyncSession, query: Select[Interview], offset: int, limit: int) -> Page:
    """A count and one page; both walk an index when there is no search."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = (await session.scalars(query.offset(offset).limit(limit))).all()
    return Page(items=items, total=int(total or 0))


async def _searched_page(
    session: AsyncSession, query: Select[Interview], offset: int, limit: int
) -> Page:
    """For a search, which must scan the rows' text: one pass yields the page's ids and the total
    (``count(*) OVER ()``), then the page's rows are loaded by id. Sorting ids rather than whole
    rows keeps the sorter small when rows hold long code. About 1.7x faster than count + page
    at 10 000 records (tests/bench/bench_records.py); for a plain list it is slower, so unused."""
    keyed = query.with_only_columns(Interview.id, func.count().over())
    rows = (await session.execute(keyed.offset(offset).limit(limit))).all()
    if not rows:
        return Page(items=[], total=0) if not offset else await _page(session, query, 0, 0)
    ids = [row[0] for row in rows]
    loaded = {
        i.id: i for i in await session.scalars(select(Interview).where(Interview.id.in_(ids)))
    }
    return Page(items=[loaded[i] for i in ids if i in loaded], total=int(rows[0][1]))


def _member_of(user_id: str, role: ViewerRole | None) -> ColumnElement[bool]:
    """Records ``user_id`` owns, is on the panel of, or either (``role`` None)."""
    on_panel = Interview.id.in_(
        select(InterviewPanelist.interview_id).where(InterviewPanelist.user_id == user_id)
    )
    if role == "owner":
        return Interview.owner_id == user_id
    if role == "co_interviewer":
        return on_panel
    return or_(Interview.owner_id == user_id, on_panel)


async def list_owned(
    session: AsyncSession,
    owner_id: str,
    *,
    role: ViewerRole | None = None,
    status: str | None,
    search: str | None,
    recommendation: str | None = None,
    sort: SortField,
    descending: bool,
    offset: int,
    limit: int,
) -> Page:
    query = select(Interview).where(
        _member_of(owner_id, role), bin_filter(Interview.deleted_at, "live")
    )
    if status is not None:
        query = query.where(Interview.status == status)
    if recommendation is not None:
        query = query.where(Interview.recommendation == recommendation)
    if search:
        query = query.where(
            Interview.search_text.like(like_pattern(fold(search)), escape=LIKE_ESCAPE)
        )
    key = _sort_key(sort)
    ordered = key.desc() if descending else key.asc()
    tiebreak = Interview.id.desc() if descending else Interview.id.asc()
    # NULLS LAST in both directions and on both databases (their defaults differ).
    query = query.order_by(ordered.nulls_last(), tiebreak)
    if search:
        return await _searched_page(session, query, offset, limit)
    return await _page(session, query, offset, limit)


async def list_bin(session: AsyncSession, owner_id: str, *, offset: int, limit: int) -> Page:
    query = (
        select(Interview)
        .where(Interview.owner_id == owner_id, bin_filter(Interview.deleted_at, "bin"))
        .order_by(Interview.deleted_at.desc(), Interview.id.desc())
    )
    return await _page(session, query, offset, limit)


async def chat_of(session: AsyncSession, interview_id: str) -> Sequence[InterviewMessage]:
    return (
        await session.scalars(
            select(InterviewMessage)
            .where(InterviewMessage.interview_id == interview_id)
            .order_by(InterviewMessage.id)
        )
    ).all()


async def runs_of(session: AsyncSession, interview_id: str) -> Sequence[InterviewRun]:
    return (
        await session.scalars(
            select(InterviewRun)
            .where(InterviewRun.interview_id == interview_id)
            .order_by(InterviewRun.id)
        )
    ).all()


async def last_run(session: AsyncSession, interview_id: str) -> InterviewRun | None:
    """The newest recorded run, which a reloaded room shows in its welcome."""
    result: InterviewRun | None = await session.scalar(
        select(InterviewRun)
        .where(InterviewRun.interview_id == interview_id)
        .order_by(InterviewRun.id.desc())
        .limit(1)
    )
    return result


async def add(
    session: AsyncSession, row: Interview | InterviewMessage | InterviewRun | InterviewPanelist
) -> None:
    session.add(row)
    await session.flush()


async def delete(session: AsyncSession, interview: Interview) -> None:
    """For good; chat, runs and schedules go with it (ON DELETE CASCADE)."""
    await session.delete(interview)
    await session.flush()


async def panelist(
    session: AsyncSession, interview_id: str, user_id: str
) -> InterviewPanelist | None:
    result: InterviewPanelist | None = await session.scalar(
        select(InterviewPanelist).where(
            InterviewPanelist.interview_id == interview_id, InterviewPanelist.user_id == user_id
        )
    )
    return result


async def panelists_of(session: AsyncSession, interview_id: str) -> Sequence[InterviewPanelist]:
    result = await session.scalars(
        select(InterviewPanelist)
        .where(InterviewPanelist.interview_id == interview_id)
        .order_by(InterviewPanelist.id)
    )
    return result.all()


async def remove_panelist(session: AsyncSession, row: InterviewPanelist) -> None:
    await session.delete(row)
    await session.flush()
