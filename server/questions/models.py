"""Tables of the question bank: a question and its revisions.

Every save writes a whole new revision, so an interview that used revision 3 can always show
what revision 3 said, however the question changes later. The question row carries the current
content too (denormalised) so that listing and searching never join the revisions.
``owner_id`` is null for the questions shipped with Onsite; ``visibility`` and a later
``organization_id`` decide who else sees a question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.kit.db import Base, UTCDateTime, new_id, utcnow


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint("difficulty IN ('easy', 'medium', 'hard')", name="difficulty"),
        CheckConstraint("visibility IN ('private', 'shared')", name="visibility"),
        Index("ix_questions_visibility_deleted", "visibility", "deleted_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    visibility: Mapped[str] = mapped_column(String(16), default="private")
    title: Mapped[str] = mapped_column(String(200))
    difficulty: Mapped[str] = mapped_column(String(16), default="medium")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    test_count: Mapped[int] = mapped_column(Integer, default=0)
    hidden_test_count: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class QuestionRevision(Base):
    """One saved state of a question, whole: ``content`` is ``QuestionContent`` as JSON."""

    __tablename__ = "question_revisions"
    __table_args__ = (
        UniqueConstraint("question_id", "number", name="uq_question_revisions_question_id_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[str | None] = mapped_column(String(32), default=None)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
