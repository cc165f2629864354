"""The room's own tables: the update log that playback replays keystroke by keystroke, and the
candidate tokens issued per join code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
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
