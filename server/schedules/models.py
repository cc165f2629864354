"""The ``schedules`` table: one interview slot and the state of its calendar invitation.

``ical_uid`` never changes once a slot exists and ``sequence`` only grows: calendar clients
use the pair to replace (reschedule) or remove (cancel) the event they already hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.interviews.models import Interview
from server.kit.db import Base, UTCDateTime, new_id, utcnow


class ScheduleStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class Schedule(Base):
    __tablename__ = "schedules"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'cancelled')", name="status"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_minutes"),
        CheckConstraint("sequence >= 0", name="sequence"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    interview_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    candidate_email: Mapped[str] = mapped_column(String(320))
    interviewer_email: Mapped[str] = mapped_column(String(320))
    ical_uid: Mapped[str] = mapped_column(String(128), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=ScheduleStatus.ACTIVE.value)
    invitation_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    """Whether the last invitation (REQUEST or CANCEL) reached the mail server."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    interview: Mapped[Interview] = relationship(lazy="raise")


@dataclass(frozen=True, slots=True)
class Slot:
    """A schedule with its interview (relationships are never lazy-loaded)."""

    schedule: Schedule
    interview: Interview
