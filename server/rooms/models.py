"""The room's own table: the update log that playback replays keystroke by keystroke."""

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
