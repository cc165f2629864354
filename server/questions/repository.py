"""Every query on the question bank; nothing outside this module builds one.

Visibility is decided in SQL: a caller sees the questions it owns, shared ones and built-in ones
(no owner). Anything else is simply not found, so another author's private question answers 404
exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.kit.db import LIKE_ESCAPE, is_valid_id, like_pattern
from server.questions.models import Question, QuestionRevision


def fold(text: str) -> str:
    """The one case folding for stored search text and queries (Python's, on both databases)."""
    return text.casefold()


@dataclass(frozen=True, slots=True)
class Filters:
    words: str = ""
    difficulty: str | None = None
    tag: str | None = None
    language: str | None = None
    scope: str = "all"


@dataclass(frozen=True, slots=True)
class Page:
    items: Sequence[Question]
    total: int


def _visible_to(user_id: str) -> ColumnElement[bool]:
    return or_(
        Question.owner_id == user_id,
        Question.owner_id.is_(None),
        Question.visibility == "shared",
    )


async def get_visible(session: AsyncSession, user_id: str, question_id: str) -> Question | None:
    if not is_valid_id(question_id):
        return None
    found: Question | None = await session.scalar(
        select(Question).where(
            Question.id == question_id, Question.deleted_at.is_(None), _visible_to(user_id)
        )
    )
    return found


async def list_visible(
    session: AsyncSession, user_id: str, filters: Filters, *, page: int, per_page: int
) -> Page:
    clauses: list[ColumnElement[bool]] = [Question.deleted_at.is_(None), _visible_to(user_id)]
    if filters.scope == "mine":
        clauses.append(Question.owner_id == user_id)
    elif filters.scope == "shared":
        clauses.append(or_(Question.owner_id.is_(None), Question.visibility == "shared"))
    if filters.difficulty is not None:
        clauses.append(Question.difficulty == filters.difficulty)
    for word in fold(filters.words).split():
        clauses.append(Question.search_text.like(like_pattern(word), escape=LIKE_ESCAPE))
    # Tags and languages are JSON lists; their folded copies in search_text carry markers so
    # an exact match needs no JSON operators (which SQLite and PostgreSQL spell differently).
    if filters.tag:
        marker = f"\x1ftag:{fold(filters.tag.strip())}\x1f"
        clauses.append(Question.search_text.like(like_pattern(marker), escape=LIKE_ESCAPE))
    if filters.language:
        marker = f"\x1flang:{filters.language}\x1f"
        clauses.append(Question.search_text.like(like_pattern(marker), escape=LIKE_ESCAPE))
    total = await session.scalar(select(func.count()).select_from(Question).where(*clauses))
    rows = await session.scalars(
        select(Question)
        .where(*clauses)
        .order_by(Question.owner_id.is_(None), Question.title, Question.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return Page(items=list(rows), total=int(total or 0))


async def count_built_in(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Question).where(Question.owner_id.is_(None))
        )
        or 0
    )


async def add(session: AsyncSession, question: Question, revision: QuestionRevision) -> None:
    session.add(question)
    await session.flush()
    revision.question_id = question.id
    session.add(revision)
    await session.flush()


async def add_revision(session: AsyncSession, revision: QuestionRevision) -> None:
    session.add(revision)
    await session.flush()


async def current_revision(session: AsyncSession, question: Question) -> QuestionRevision:
    found = await revision_of(session, question.id, question.revision)
    assert found is not None, f"question {question.id} lost revision {question.revision}"
    return found


REVISION_NUMBER_MAX = 2**31 - 1
"""The column is a 32-bit integer: a larger number (from a URL) is no revision, not an
overflow in the database driver."""


async def revision_of(
    session: AsyncSession, question_id: str, number: int
) -> QuestionRevision | None:
    if not 1 <= number <= REVISION_NUMBER_MAX:
        return None
    found: QuestionRevision | None = await session.scalar(
        select(QuestionRevision).where(
            QuestionRevision.question_id == question_id, QuestionRevision.number == number
        )
    )
    return found


async def revisions(session: AsyncSession, question_id: str) -> Sequence[QuestionRevision]:
    rows = await session.scalars(
        select(QuestionRevision)
        .where(QuestionRevision.question_id == question_id)
        .order_by(QuestionRevision.number.desc())
    )
    return list(rows)


async def all_visible(session: AsyncSession, user_id: str | None) -> Sequence[Question]:
    """For export: the caller's visible questions, or every live one (``None``: the CLI)."""
    query = select(Question).where(Question.deleted_at.is_(None)).order_by(Question.title)
    if user_id is not None:
        query = query.where(_visible_to(user_id))
    return list(await session.scalars(query))
