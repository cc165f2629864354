"""The room's own tables: the update log that playback replays keystroke by keystroke, the
questions picked for an interview (frozen at their revision), the activity its clients report,
and the candidate tokens issued per join code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.kit.db import Base, UTCDateTime, utcnow

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
LogId = BigInteger().with_variant(Integer(), "sqlite")


class RoomUpdate(Base):
    """One Yjs v1 update as the server applied it, with who sent it and when."""

    __tablename__ = "room_updates"
    __table_args__ = (Index("ix_room_updates_interview_doc_id", "interview_id", "doc", "id"),)

    id: Mapped[int] = mapped_column(LogId, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE")
    )
    doc: Mapped[str] = mapped_column(String(16))
    participant_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    update: Mapped[bytes] = mapped_column(LargeBinary)


class RoomQuestion(Base):
    """A question picked for an interview, frozen at the revision it was picked at: editing
    the question later never changes what this interview showed, ran or recorded."""

    __tablename__ = "interview_questions"
    __table_args__ = (
        UniqueConstraint(
            "interview_id", "question_id", name="uq_interview_questions_interview_id_question_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(32))
    """No foreign key: the question may be deleted; this interview keeps its copy."""
    revision: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    """``QuestionContent`` as JSON, as it was at ``revision``."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    loaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """When it was last loaded into the room; the latest one is the room's current question."""


class RoomEvent(Base):
    """Something a participant's client reported (a paste, leaving the tab), with its time."""

    __tablename__ = "room_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoomJoinPass(Base):
    """One candidate token issued for a join code, so a link holder cannot mint them without
    end: the join is refused once a code has issued ``[rooms] max_candidate_tokens``.
    Rotating the link starts a new count (the rows name the code they were issued for)."""

    __tablename__ = "room_join_passes"
    __table_args__ = (Index("ix_room_join_passes_interview_code", "interview_id", "code_hash"),)

    id: Mapped[int] = mapped_column(LogId, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE")
    )
    code_hash: Mapped[str] = mapped_column(String(32))
    participant_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
