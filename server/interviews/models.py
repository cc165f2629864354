"""Tables of the interview record: the interview, its chat transcript and its runs.

``search_text`` is a denormalised, Python-casefolded copy of the searchable fields (title,
candidate, position, tags, notes, final code). Searching it with a plain ``LIKE`` gives the same
answer on SQLite and PostgreSQL: SQLite's ``lower()``/``LIKE`` fold only ASCII, so folding in the
database would find "Ünal" on one and not the other.
"""

from __future__ import annotations

import secrets
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.interviews.schemas import InterviewStatus
from server.kit.db import Base, UTCDateTime, new_id, utcnow


def new_join_code() -> str:
    """Unguessable (128 bits): the link alone lets a candidate into the room."""
    return secrets.token_urlsafe(16)


def fold(text: str) -> str:
    """The one case folding used for both stored search text and queries."""
    return text.casefold()


class Interview(Base):
    __tablename__ = "interviews"
    __table_args__ = (
        CheckConstraint(
            "status IN ('scheduled', 'in_progress', 'completed', 'cancelled')",
            name="status",
        ),
        CheckConstraint(
            "recommendation IS NULL OR recommendation IN "
            "('strong_hire', 'hire', 'no_hire', 'strong_no_hire')",
            name="recommendation",
        ),
        Index("ix_interviews_owner_deleted_created", "owner_id", "deleted_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    candidate_name: Mapped[str] = mapped_column(String(200))
    candidate_email: Mapped[str | None] = mapped_column(String(320), default=None)
    position: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(20), default=InterviewStatus.SCHEDULED.value)
    recommendation: Mapped[str | None] = mapped_column(String(20), default=None)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    language: Mapped[str | None] = mapped_column(String(40), default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    final_code: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    join_code: Mapped[str] = mapped_column(String(64), unique=True, default=new_join_code)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    messages: Mapped[list[InterviewMessage]] = relationship(
        back_populates="interview",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InterviewMessage.id",
    )
    runs: Mapped[list[InterviewRun]] = relationship(
        back_populates="interview",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InterviewRun.id",
    )

    def refresh_search_text(self) -> None:
        """Call after any change to a searchable field (the service does)."""
        parts = [
            self.title,
            self.candidate_name,
            self.candidate_email or "",
            self.position or "",
            " ".join(self.tags or []),
            self.notes or "",
            self.final_code or "",
        ]
        self.search_text = fold("\n".join(parts))


class InterviewMessage(Base):
    """One chat line, in the order the room received it."""

    __tablename__ = "interview_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    interview: Mapped[Interview] = relationship(back_populates="messages", lazy="raise")


class InterviewRun(Base):
    """One run from the room; ``result`` is the RunResult JSON exactly as broadcast."""

    __tablename__ = "interview_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    started_by: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(40))
    stdin: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The exact code the run ran (the editor moves on; the record must show what was run)."""
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    interview: Mapped[Interview] = relationship(back_populates="runs", lazy="raise")


class InterviewPanelist(Base):
    """A co-interviewer of a panel interview: opens its room as an interviewer, reads its record
    and fills a scorecard; only the owner changes the record or the panel."""

    __tablename__ = "interview_panelists"
    __table_args__ = (
        UniqueConstraint(
            "interview_id", "user_id", name="uq_interview_panelists_interview_id_user_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
