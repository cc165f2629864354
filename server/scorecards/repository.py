"""Every query on scorecards and their templates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.kit.db import is_valid_id
from server.scorecards.models import Scorecard, ScorecardTemplate


async def templates_for(session: AsyncSession, user_id: str) -> Sequence[ScorecardTemplate]:
    rows = await session.scalars(
        select(ScorecardTemplate)
        .where(or_(ScorecardTemplate.owner_id == user_id, ScorecardTemplate.owner_id.is_(None)))
        .order_by(ScorecardTemplate.owner_id.is_not(None), ScorecardTemplate.name)
    )
    return list(rows)


async def template_for(
    session: AsyncSession, user_id: str, template_id: str
) -> ScorecardTemplate | None:
    if not is_valid_id(template_id):
        return None
    found: ScorecardTemplate | None = await session.scalar(
        select(ScorecardTemplate).where(
            ScorecardTemplate.id == template_id,
            or_(ScorecardTemplate.owner_id == user_id, ScorecardTemplate.owner_id.is_(None)),
        )
    )
    return found


async def built_in_template(session: AsyncSession) -> ScorecardTemplate | None:
    found: ScorecardTemplate | None = await session.scalar(
        select(ScorecardTemplate)
        .where(ScorecardTemplate.owner_id.is_(None))
        .order_by(ScorecardTemplate.created_at)
        .limit(1)
    )
    return found


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def delete(session: AsyncSession, row: object) -> None:
    await session.delete(row)
    await session.flush()


async def scorecard_of(
    session: AsyncSession, interview_id: str, interviewer_id: str
) -> Scorecard | None:
    found: Scorecard | None = await session.scalar(
        select(Scorecard).where(
            Scorecard.interview_id == interview_id, Scorecard.interviewer_id == interviewer_id
        )
    )
    return found


async def submitted_for(session: AsyncSession, interview_id: str) -> Sequence[Scorecard]:
    rows = await session.scalars(
        select(Scorecard)
        .where(Scorecard.interview_id == interview_id, Scorecard.status == "submitted")
        .order_by(Scorecard.submitted_at)
    )
    return list(rows)
